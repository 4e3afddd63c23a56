import { type Either, left, right } from 'fp-ts/lib/Either.js';
import * as z from 'zod';
import { sameMembers } from '../shared/canonical-json.js';
import { type DomainError, type ErrorDetail, detailsFromIssues, notFound, validationFailed } from '../shared/errors.js';
import { assignChannelIds } from './channel-identity.js';
import { type Channel, channelContent } from './channels.js';
import { type CommandMetadata, type ValidCommand, type WebhookCommand, WebhookCommandData } from './commands.js';
import { type WebhookEvent, webhookEvent } from './events.js';
import { channelProblems, destinationProblems, eventTypeProblems, settingsSizeProblems } from './rules.js';
import { type LiveWebhook, type WebhookState, isLive } from './state.js';

const Now = z.iso.datetime();

/**
 * Decides what happens when `command` meets `state`: the events to record, or
 * why not. An empty list means the command changes nothing (and nothing is recorded).
 * Never throws, whatever it is given.
 */
export const decide = (command: WebhookCommand, state: WebhookState): Either<DomainError, WebhookEvent[]> => {
  const parsed = parseCommand(command);
  if (parsed._tag === 'Left') return parsed;
  const { valid, meta } = parsed.right;
  const at = meta.now;

  if (valid.type === 'CreateWebhook') {
    if (state.status !== 'initial') {
      return left({ type: 'WebhookAlreadyExists', message: `webhook ${valid.data.webhook_id} already exists` });
    }
    // A new webhook has no channels yet: every channel gets a new id, and any id given is unknown.
    const identified = assignChannelIds(valid.data.channels, [], 0);
    const problems = [
      ...eventTypeProblems(meta.catalog, valid.data.event_types),
      ...channelProblems(valid.data.channels),
      ...privateDestinationProblems(meta, valid.data.channels),
      ...(identified._tag === 'Left' ? identified.left : []),
      ...settingsSizeProblems(valid.data),
    ];
    if (problems.length > 0 || identified._tag === 'Left') return left(validationFailed(problems));
    return right([webhookEvent('WebhookCreated', { ...valid.data, channels: identified.right.channels, at })]);
  }

  // Every other command acts on an existing webhook; a deleted one is terminal,
  // and deleting it again is a no-op so DELETE stays idempotent.
  if (!isLive(state)) {
    if (valid.type === 'DeleteWebhook' && state.status === 'deleted') return right([]);
    // Forgetting is idempotent too; a webhook deleted earlier can still be forgotten.
    if (valid.type === 'ForgetWebhook' && state.status === 'deleted') {
      return right(state.forgotten_at === undefined ? [webhookEvent('WebhookForgotten', { at })] : []);
    }
    return left(notFound(state.status === 'initial' ? undefined : state.webhook_id));
  }

  switch (valid.type) {
    case 'UpdateWebhook':
      return changes(state, valid.data, meta);
    case 'RenameWebhook':
      return changes(state, valid.data, meta);
    case 'ChangeEventTypes':
      return changes(state, valid.data, meta);
    case 'ChangeChannels':
      return changes(state, valid.data, meta);
    case 'PauseWebhook':
      return right(state.status === 'active' ? [webhookEvent('WebhookPaused', { ...valid.data, at })] : []);
    case 'ResumeWebhook':
      return right(state.status === 'paused' ? [webhookEvent('WebhookResumed', { at })] : []);
    case 'DeleteWebhook':
      return right([webhookEvent('WebhookDeleted', { at })]);
    case 'ForgetWebhook':
      return right([webhookEvent('WebhookDeleted', { at }), webhookEvent('WebhookForgotten', { at })]);
    case 'RotateWebhookSecret':
      return right([webhookEvent('WebhookSecretRotated', { ...valid.data, at })]);
    default: {
      const unhandled: never = valid;
      return unhandled;
    }
  }
};

interface Patch {
  readonly webhook_name?: string | undefined;
  readonly event_types?: readonly string[] | undefined;
  readonly channels?: readonly Channel[] | undefined;
  readonly is_active?: boolean | undefined;
}

/** One event per field that really changes; order and repetition of lists do not count as change. */
const changes = (state: LiveWebhook, patch: Patch, meta: CommandMetadata): Either<DomainError, WebhookEvent[]> => {
  const at = meta.now;
  const events: WebhookEvent[] = [];
  const problems: ErrorDetail[] = [];

  if (patch.webhook_name !== undefined && patch.webhook_name !== state.webhook_name) {
    events.push(webhookEvent('WebhookRenamed', { webhook_name: patch.webhook_name, at }));
  }
  // Unchanged event types are not re-checked, so a name later retired from the
  // catalog does not block unrelated edits.
  if (patch.event_types !== undefined && !sameMembers(patch.event_types, state.event_types)) {
    problems.push(...eventTypeProblems(meta.catalog, patch.event_types, state.event_types));
    events.push(webhookEvent('WebhookEventTypesChanged', { event_types: [...patch.event_types], at }));
  }
  if (patch.channels !== undefined) {
    // Ids are checked even when nothing else changes (an unknown one is the caller's mistake); they never count as a change.
    const identified = assignChannelIds(patch.channels, state.channels, state.last_channel_number);
    if (identified._tag === 'Left') problems.push(...identified.left);
    else if (!sameMembers(patch.channels.map(channelContent), state.channels.map(channelContent))) {
      problems.push(...channelProblems(patch.channels, state.channels), ...privateDestinationProblems(meta, patch.channels, state.channels));
      events.push(webhookEvent('WebhookChannelsChanged', { channels: identified.right.channels, at }));
    }
  }
  if (events.length > 0) {
    const after = {
      webhook_name: patch.webhook_name ?? state.webhook_name,
      event_types: patch.event_types ?? state.event_types,
      channels: patch.channels ?? state.channels,
    };
    problems.push(...settingsSizeProblems(after, state));
  }
  if (patch.is_active === false && state.status === 'active') {
    events.push(webhookEvent('WebhookPaused', { reason: 'paused on request', automatic: false, at }));
  } else if (patch.is_active === true && state.status === 'paused') {
    events.push(webhookEvent('WebhookResumed', { at }));
  }
  return problems.length > 0 ? left(validationFailed(problems)) : right(events);
};

/** Literal private destinations, unless the operator allows them; channels already in `kept` pass. */
const privateDestinationProblems = (meta: CommandMetadata, channels: readonly Channel[], kept: readonly Channel[] = []): ErrorDetail[] =>
  meta.allowPrivateDestinations === true ? [] : destinationProblems(channels, kept);

/** Untrusted input (an embedding service may pass anything) becomes a valid command or a ValidationFailed. */
const parseCommand = (command: unknown): Either<DomainError, { valid: ValidCommand; meta: CommandMetadata }> => {
  if (typeof command !== 'object' || command === null) {
    return left(validationFailed([{ path: [], message: 'a command must be an object' }]));
  }
  const { type, data, metadata } = command as { type?: unknown; data?: unknown; metadata?: Partial<CommandMetadata> };
  const problems: ErrorDetail[] = [];
  if (!metadata || !Now.safeParse(metadata.now).success) {
    problems.push({ path: ['metadata', 'now'], message: 'must be an ISO-8601 UTC time' });
  }
  if (!metadata?.catalog || !Array.isArray(metadata.catalog.eventTypes)) {
    problems.push({ path: ['metadata', 'catalog'], message: 'must be an event catalog' });
  }
  if (metadata?.allowPrivateDestinations !== undefined && typeof metadata.allowPrivateDestinations !== 'boolean') {
    problems.push({ path: ['metadata', 'allowPrivateDestinations'], message: 'must be true, false or left out' });
  }
  const result = WebhookCommandData.safeParse({ type, data: data ?? {} });
  if (!result.success) {
    // Paths are relative to the command's data, which is the request body over HTTP.
    problems.push(...detailsFromIssues(result.error.issues).map(stripDataPrefix));
  }
  if (problems.length > 0 || !result.success) return left(validationFailed(problems));
  return right({ valid: result.data, meta: metadata as CommandMetadata });
};

const stripDataPrefix = (detail: ErrorDetail): ErrorDetail => (detail.path[0] === 'data' ? { ...detail, path: detail.path.slice(1) } : detail);
