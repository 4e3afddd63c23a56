import * as z from 'zod';
import { Channel, IdentifiedChannel, LIMITS } from './channels.js';

/** The shape of a webhook id: `wh_` and 10 letters or digits. */
export const WEBHOOK_ID = /^wh_[A-Za-z0-9]{10}$/;
/** A webhook id (`wh_` + 10 letters or digits) as a zod schema. */
export const WebhookId = z.string().regex(WEBHOOK_ID, 'must be wh_ followed by 10 letters or digits');

/** Trimmed, so "  Alerts " and "Alerts" are the same name. */
export const WebhookName = z.string().trim().min(1, 'must not be empty').max(LIMITS.nameLength);

/** Event-type subscriptions: 1 to `LIMITS.eventTypes` names or wildcards, no duplicates. */
export const EventTypes = z.array(z.string().min(1).max(200)).min(1, 'subscribe to at least one event type').max(LIMITS.eventTypes);

/** The channels of a webhook: at least one, at most `LIMITS.channels`. */
export const Channels = z.array(Channel).min(1, 'configure at least one channel').max(LIMITS.channels);
/** The channels as a webhook keeps them, each with its `channel_id` (recorded events from version 2 on). */
export const IdentifiedChannels = z.array(IdentifiedChannel).min(1).max(LIMITS.channels);

/** Everything a user configures on a webhook, in the API's vocabulary. */
export const WebhookSettings = z.strictObject({
  webhook_name: WebhookName,
  event_types: EventTypes,
  channels: Channels,
  is_active: z.boolean().default(true),
});
export type WebhookSettings = z.output<typeof WebhookSettings>;
/** Webhook settings as a client writes them (before defaults). */
export type WebhookSettingsInput = z.input<typeof WebhookSettings>;
