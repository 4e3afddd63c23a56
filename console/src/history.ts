import {
  type WebhookEvent,
  type WebhookState,
  WebhookEvent as WebhookEventSchema,
  currentVersions,
  evolve,
  initialState,
  readStoredEvent,
} from '../../src/domain/index.js';
import type { HistoryEvent } from './api.js';

/** One line of a field in the timeline: its value after the event, and before it when it had one. */
export interface FieldChange {
  readonly field: string;
  readonly after: unknown;
  readonly before?: unknown;
  readonly hadBefore: boolean;
}

/** One event of the history with what it changed and the webhook right after it (folded by the domain's `evolve`). */
export interface TimelineEntry {
  readonly event: HistoryEvent;
  readonly changes: readonly FieldChange[];
  readonly state: WebhookState;
}

const VERSIONS = currentVersions(WebhookEventSchema.options);

/**
 * A history entry as the domain's event, or undefined when it cannot be read (a newer server,
 * or sealed data). The API shows data as recorded, without the organization, which is the caller's own.
 */
export const asWebhookEvent = (entry: HistoryEvent): WebhookEvent | undefined => {
  const data = entry.type === 'WebhookCreated' ? { organization_id: '', ...entry.data } : entry.data;
  const read = readStoredEvent({ type: entry.type, version: VERSIONS.get(entry.type) ?? 0, data });
  return read._tag === 'Right' ? read.right : undefined;
};

/** What the timeline shows of a state: the settings, whether it delivers, and when it was deleted or forgotten. */
export const fieldsOf = (state: WebhookState): Record<string, unknown> => {
  if (state.status === 'initial') return {};
  const settings = { webhook_name: state.webhook_name, event_types: state.event_types, channels: state.channels };
  if (state.status !== 'deleted') return { ...settings, is_active: state.status === 'active' };
  return { ...settings, deleted_at: state.deleted_at, ...(state.forgotten_at ? { forgotten_at: state.forgotten_at } : {}) };
};

/** Facts an event carries that are not settings: why it was paused, until when the old secret signs. */
const notesOf = (event: WebhookEvent): Record<string, unknown> => {
  switch (event.type) {
    case 'WebhookPaused':
      return { reason: event.data.reason };
    case 'WebhookSecretRotated':
      return { previous_secret_valid_until: event.data.previous_valid_until };
    case 'WebhookCreated':
    case 'WebhookRenamed':
    case 'WebhookEventTypesChanged':
    case 'WebhookChannelsChanged':
    case 'WebhookResumed':
    case 'WebhookDeleted':
    case 'WebhookForgotten':
      return {};
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
};

/** A value as the timeline prints it. */
export const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** Folds the history, oldest first, into the timeline: each event with the fields it changed and its notes. */
export const timeline = (events: readonly HistoryEvent[]): TimelineEntry[] => {
  let state = initialState();
  return events.map((entry) => {
    const event = asWebhookEvent(entry);
    if (!event) return { event: entry, changes: [], state };
    const before = fieldsOf(state);
    state = evolve(state, event);
    const changed = Object.entries(fieldsOf(state))
      .filter(([field, value]) => show(before[field]) !== show(value))
      .map(([field, after]): FieldChange => (field in before ? { field, after, before: before[field], hadBefore: true } : { field, after, hadBefore: false }));
    const notes = Object.entries(notesOf(event)).map(([field, after]): FieldChange => ({ field, after, hadBefore: false }));
    return { event: entry, changes: [...changed, ...notes], state };
  });
};

/** The webhook as of `at`, as `GET …?as_of=` answers: the state after the last event recorded by then, and its revision. */
export const asOf = (entries: readonly TimelineEntry[], at: string): { state: WebhookState; version: number } | undefined => {
  const last = entries.filter((e) => e.event.recorded_at <= at).at(-1);
  return last && { state: last.state, version: last.event.revision };
};
