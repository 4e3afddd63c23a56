import { readWebhookEvent } from '../../application/index.js';
import { type ExistingWebhook, type WebhookState, channelDestination, evolve, initialState, isLive, streamIdOf } from '../../domain/index.js';
import type { EventStore, StoredEvent } from '../../ports/event-store.js';
import { type Io, printJson } from './cli-kit.js';

/** What one event changed, as `field: old -> new` parts. */
const describeChange = (before: WebhookState, after: WebhookState): string => {
  if (before.status === 'initial' && after.status !== 'initial') {
    return `created "${after.webhook_name}" (${after.status}), events ${after.event_types.join(', ')}, ${after.channels.length} channel(s)`;
  }
  if (!isLive(before) || after.status === 'initial') return after.status;
  const parts: string[] = [];
  if (after.status !== before.status) parts.push(`status: ${before.status} -> ${after.status}${after.status === 'paused' ? ` (${after.paused_reason})` : ''}`);
  if (after.webhook_name !== before.webhook_name) parts.push(`name: "${before.webhook_name}" -> "${after.webhook_name}"`);
  if (after.event_types.join() !== before.event_types.join()) parts.push(`event_types: ${before.event_types.join(', ')} -> ${after.event_types.join(', ')}`);
  const destinations = (s: ExistingWebhook) => s.channels.map(channelDestination).join(', ');
  if (destinations(after) !== destinations(before)) parts.push(`channels: ${destinations(before)} -> ${destinations(after)}`);
  return parts.join('; ') || 'no visible change (e.g. a secret rotation)';
};

/** The webhook's events up to `asOf`, or an error on stderr (exit 1) when it has none. */
const readHistory = async (eventStore: EventStore, webhookId: string, asOf: string | undefined, io: Io): Promise<readonly StoredEvent[] | undefined> => {
  const events = await eventStore.readStream(streamIdOf(webhookId), asOf ? { until: asOf } : undefined);
  if (events.length > 0) return events;
  io.err(`error: no history for ${webhookId}${asOf ? ` at ${asOf}` : ''}`);
  return undefined;
};

export interface HistoryOptions {
  readonly json?: boolean | undefined;
}

/** `hookledger history <id>`: the audit trail, one change a line (time, revision, event, actor, old -> new), or `{ webhook_id, events }`. */
export const runHistory = async (deps: { readonly eventStore: EventStore }, webhookId: string, options: HistoryOptions, io: Io): Promise<number> => {
  const events = await readHistory(deps.eventStore, webhookId, undefined, io);
  if (!events) return 1;
  const entries = [];
  let state = initialState();
  for (const stored of events) {
    const next = evolve(state, readWebhookEvent(stored));
    const { recordedAt, actor } = stored.metadata;
    entries.push({
      recorded_at: recordedAt,
      revision: stored.revision,
      type: stored.type,
      actor,
      change: describeChange(state, next),
      event_id: stored.eventId,
    });
    if (!options.json) io.out(`${recordedAt}  #${stored.revision}  ${stored.type.padEnd(25)} ${actor.padEnd(22)} ${describeChange(state, next)}`);
    state = next;
  }
  if (options.json) printJson(io, { webhook_id: webhookId, events: entries });
  return 0;
};

export interface StateOptions {
  /** An ISO-8601 time. */
  readonly asOf: string;
  readonly json?: boolean | undefined;
}

/** `hookledger state <id> --as-of <time>`: the webhook as it was then, as JSON (indented unless --json asks for one line). */
export const runState = async (deps: { readonly eventStore: EventStore }, webhookId: string, options: StateOptions, io: Io): Promise<number> => {
  const events = await readHistory(deps.eventStore, webhookId, options.asOf, io);
  if (!events) return 1;
  let state = initialState();
  for (const stored of events) state = evolve(state, readWebhookEvent(stored));
  const shown = { ...state, version: events.at(-1)!.revision };
  if (options.json) printJson(io, shown);
  else io.out(JSON.stringify(shown, null, 2));
  return 0;
};
