import * as z from 'zod';
import { Channel, LIMITS } from './channels.js';

export const WEBHOOK_ID = /^wh_[A-Za-z0-9]{10}$/;
export const WebhookId = z.string().regex(WEBHOOK_ID, 'must be wh_ followed by 10 letters or digits');

/** Trimmed, so "  Alerts " and "Alerts" are the same name. */
export const WebhookName = z.string().trim().min(1, 'must not be empty').max(LIMITS.nameLength);

export const EventTypes = z
  .array(z.string().min(1).max(200))
  .min(1, 'subscribe to at least one event type')
  .max(LIMITS.eventTypes);

export const Channels = z.array(Channel).min(1, 'configure at least one channel').max(LIMITS.channels);

/** Everything a user configures on a webhook, in the API's vocabulary. */
export const WebhookSettings = z.strictObject({
  webhook_name: WebhookName,
  event_types: EventTypes,
  channels: Channels,
  is_active: z.boolean().default(true),
});
export type WebhookSettings = z.output<typeof WebhookSettings>;
export type WebhookSettingsInput = z.input<typeof WebhookSettings>;
