import { type Either, left, right } from 'fp-ts/lib/Either.js';
import {
  type DomainError,
  type EventCatalog,
  type ExistingWebhook,
  type WebhookCommand,
  type WebhookEvent,
  type WebhookSettingsInput,
  type WebhookState,
  WEBHOOK_ID,
  streamIdOf,
} from '../domain/index.js';
import type { StoredEvent } from '../ports/event-store.js';
import type { IdGenerator } from '../ports/id-generator.js';
import { type HandlerDeps, type HandlerError, aggregateStream, currentState, handleCommand } from './handle-command.js';
import type { StateCache } from './state-cache.js';
import { webhookDecider } from './webhook-decider.js';

/** What the webhook use cases need (the command handler's dependencies). */
export interface WebhookDeps extends HandlerDeps {
  readonly ids: IdGenerator;
  /** The operator's setting: may channel URLs name private addresses or localhost? Absent means no. */
  readonly allowPrivateDestinations?: boolean;
  /** Webhook states folded earlier in this process (ADR 0016); without it every read folds the whole stream. */
  readonly states?: StateCache<WebhookState> | undefined;
}

/** Who is acting, for which organization, with which catalog. */
export interface Caller {
  readonly organizationId: string;
  /** Recorded with every event: `key:<id>`, `cli`, `system:auto-pause`, … */
  readonly actor: string;
  readonly catalog: EventCatalog;
  readonly correlationId?: string | undefined;
  /** An operator key manages organizations and keys and acts for none (ADR 0020); absent: an organization's key. */
  readonly scope?: 'organization' | 'operator' | undefined;
}

/** Why a webhook command failed: a domain rule, a missing webhook, or a concurrency conflict. */
export type WebhookError = DomainError | HandlerError;

/** A webhook's folded state and its stream revision (the API's `version`). */
export interface WebhookView {
  readonly webhook: ExistingWebhook;
  readonly version: number;
  /** Events this call recorded; empty when it changed nothing. */
  readonly recorded: readonly WebhookEvent[];
}

/** A webhook command as a caller writes it; the handler adds time and catalog. */
export type WebhookCommandInput = WebhookCommand extends infer C ? (C extends WebhookCommand ? Omit<C, 'metadata'> : never) : never;

const notFound = (webhookId: string): DomainError => ({ type: 'WebhookNotFound', message: `webhook ${webhookId} not found` });

/** Creates a webhook with a fresh id from the settings a caller gave; returns its view. */
export const createWebhook = async (deps: WebhookDeps, caller: Caller, settings: WebhookSettingsInput): Promise<Either<WebhookError, WebhookView>> => {
  const webhookId = deps.ids.webhookId();
  return executeWebhookCommand(deps, caller, webhookId, {
    type: 'CreateWebhook',
    data: { ...settings, webhook_id: webhookId, organization_id: caller.organizationId },
  });
};

/**
 * Runs any webhook command for the caller's organization. A webhook of
 * another organization is answered exactly like one that does not exist.
 */
export const executeWebhookCommand = async (
  deps: WebhookDeps,
  caller: Caller,
  webhookId: string,
  command: WebhookCommandInput,
  options: { expectedVersion?: number | undefined } = {},
): Promise<Either<WebhookError, WebhookView>> => {
  if (!WEBHOOK_ID.test(webhookId)) return left(notFound(webhookId));
  const result = await handleCommand(
    deps,
    webhookDecider,
    streamIdOf(webhookId),
    (now) => ({ ...command, metadata: { now, catalog: caller.catalog, allowPrivateDestinations: deps.allowPrivateDestinations === true } }) as WebhookCommand,
    {
      expectedRevision: options.expectedVersion,
      metadata: { organizationId: caller.organizationId, actor: caller.actor, correlationId: caller.correlationId },
      guard: (state) => (state.status !== 'initial' && state.organization_id !== caller.organizationId ? notFound(webhookId) : undefined),
      states: deps.states,
    },
  );
  if (result._tag === 'Left') return result.left.type === 'WebhookNotFound' ? left(notFound(webhookId)) : result;
  const { state, revision, recorded } = result.right;
  if (state.status === 'initial') return left(notFound(webhookId));
  return right({ webhook: state, version: revision, recorded });
};

/**
 * The webhook as it is now, or as it was at `asOf` (audit). Deleted webhooks are reported as such.
 * Now: the cached state plus the events appended since (exact, also for other processes' writes);
 * `asOf` always folds the log.
 */
export const loadWebhook = async (
  deps: Pick<WebhookDeps, 'eventStore' | 'states'>,
  organizationId: string,
  webhookId: string,
  asOf?: Date,
): Promise<{ webhook: ExistingWebhook; version: number } | undefined> => {
  if (!WEBHOOK_ID.test(webhookId)) return undefined;
  const { state, revision } = asOf
    ? await aggregateStream(deps.eventStore, webhookDecider, streamIdOf(webhookId), { until: asOf.toISOString() })
    : await currentState(deps.eventStore, webhookDecider, streamIdOf(webhookId), deps.states);
  if (state.status === 'initial' || state.organization_id !== organizationId) return undefined;
  return { webhook: state, version: revision };
};

/**
 * The caller's webhook, or WebhookNotFound: another organization's, an unknown id, and (unless
 * `includeDeleted`, for the audit trail and the delivery log) a deleted one all answer the same.
 */
export const findWebhook = async (
  deps: Pick<WebhookDeps, 'eventStore' | 'states'>,
  organizationId: string,
  webhookId: string,
  options: { readonly asOf?: Date | undefined; readonly includeDeleted?: boolean } = {},
): Promise<Either<DomainError, { webhook: ExistingWebhook; version: number }>> => {
  const found = await loadWebhook(deps, organizationId, webhookId, options.asOf);
  if (!found || (!options.includeDeleted && found.webhook.status === 'deleted')) return left(notFound(webhookId));
  return right(found);
};

/** Page sizes of a webhook's history: each page is bounded, however long the history grows. */
export const HISTORY_PAGE = { defaultLimit: 50, maxLimit: 100 } as const;

/**
 * One page of a webhook's recorded events, oldest first, after `afterRevision`; also after
 * deletion; undefined for another organization's webhook (or none). Reads at most one page.
 */
export const webhookHistoryPage = async (
  deps: Pick<WebhookDeps, 'eventStore' | 'states'>,
  organizationId: string,
  webhookId: string,
  page: { readonly afterRevision?: number | undefined; readonly limit?: number | undefined } = {},
): Promise<{ events: readonly StoredEvent[]; hasMore: boolean } | undefined> => {
  if (!WEBHOOK_ID.test(webhookId)) return undefined;
  const { state } = await currentState(deps.eventStore, webhookDecider, streamIdOf(webhookId), deps.states);
  if (state.status === 'initial' || state.organization_id !== organizationId) return undefined;
  const limit = Math.min(Math.max(1, page.limit ?? HISTORY_PAGE.defaultLimit), HISTORY_PAGE.maxLimit);
  // One more than the page, to know whether another follows.
  const events = await deps.eventStore.readStream(streamIdOf(webhookId), { afterRevision: page.afterRevision ?? 0, limit: limit + 1 });
  return { events: events.slice(0, limit), hasMore: events.length > limit };
};

/** Every recorded event of the webhook, also after deletion; undefined for another organization's. Unbounded: the CLI and tests; HTTP pages. */
export const webhookHistory = async (
  deps: Pick<WebhookDeps, 'eventStore'>,
  organizationId: string,
  webhookId: string,
): Promise<readonly StoredEvent[] | undefined> => {
  if (!WEBHOOK_ID.test(webhookId)) return undefined;
  const events = await deps.eventStore.readStream(streamIdOf(webhookId));
  if (events.length === 0 || events[0]!.metadata.organizationId !== organizationId) return undefined;
  return events;
};
