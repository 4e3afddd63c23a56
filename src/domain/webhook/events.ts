import * as z from 'zod';
import { eventEmitter } from '../shared/versioned-events.js';
import { EventTypes, IdentifiedChannels, WebhookId, WebhookName } from './settings.js';

/** ISO-8601 instant, as produced by Date#toISOString. */
const At = z.iso.datetime();

const event = <T extends string, D extends z.ZodRawShape, V extends number = 1>(type: T, data: D, version: V = 1 as V) =>
  z.strictObject({
    type: z.literal(type),
    /** Schema version of `data`; older versions are upcast when read (upcast.ts). */
    version: z.literal(version),
    data: z.strictObject(data),
  });

/**
 * Event: a webhook was created with its name, event types, channels and initial status.
 * Version 2: each channel carries its `channel_id` (version 1 is upcast, ids by position).
 */
export const WebhookCreated = event(
  'WebhookCreated',
  {
    webhook_id: WebhookId,
    organization_id: z.string().min(1),
    webhook_name: WebhookName,
    event_types: EventTypes,
    channels: IdentifiedChannels,
    is_active: z.boolean(),
    at: At,
  },
  2,
);
/** Event: the name changed. */
export const WebhookRenamed = event('WebhookRenamed', { webhook_name: WebhookName, at: At });
/** Event: the event-type subscriptions were replaced (the full new list). */
export const WebhookEventTypesChanged = event('WebhookEventTypesChanged', { event_types: EventTypes, at: At });
/** Event: the channels were replaced (the full new list). Version 2: with their `channel_id`s, kept across edits of the same channel. */
export const WebhookChannelsChanged = event('WebhookChannelsChanged', { channels: IdentifiedChannels, at: At }, 2);
/** Event: deliveries stopped, with the reason and whether the system did it (auto-pause). */
export const WebhookPaused = event('WebhookPaused', {
  /** Shown in the history: why delivery stopped. */
  reason: z.string().min(1).max(500),
  /** True when the service paused it (e.g. failing deliveries), not a user. */
  automatic: z.boolean(),
  at: At,
});
/** Event: deliveries resumed. */
export const WebhookResumed = event('WebhookResumed', { at: At });
/** Event: the webhook was deleted; nothing follows it in the stream. */
export const WebhookDeleted = event('WebhookDeleted', { at: At });
/** The secret itself is never an event (ADR 0002): only that it changed, and until when the old one signs. */
export const WebhookSecretRotated = event('WebhookSecretRotated', { previous_valid_until: At, at: At });
/**
 * Event: the webhook's data key was destroyed (crypto-shredding, ADR 0018): its sealed settings and
 * secrets read as "[forgotten]" from now on, everywhere. Who asked is the event's actor.
 */
export const WebhookForgotten = event('WebhookForgotten', { at: At });

/** Every webhook event as a zod discriminated union on `type`, each with a schema `version`. */
export const WebhookEvent = z.discriminatedUnion('type', [
  WebhookCreated,
  WebhookRenamed,
  WebhookEventTypesChanged,
  WebhookChannelsChanged,
  WebhookPaused,
  WebhookResumed,
  WebhookDeleted,
  WebhookSecretRotated,
  WebhookForgotten,
]);
export type WebhookEvent = z.output<typeof WebhookEvent>;
/** The `type` of any webhook event. */
export type WebhookEventType = WebhookEvent['type'];
/** The event of one type, e.g. `EventOf<'WebhookPaused'>`. */
export type EventOf<T extends WebhookEventType> = Extract<WebhookEvent, { type: T }>;

/** A webhook event at its type's current schema version: `webhookEvent('WebhookPaused', { reason, automatic, at })`. */
export const webhookEvent = eventEmitter<WebhookEvent>(WebhookEvent.options);
