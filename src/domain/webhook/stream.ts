/** One stream per webhook: `webhook-wh_abc123def4`. */
export const WEBHOOK_STREAM_PREFIX = 'webhook-';

/** The event stream of a webhook: `webhook-<id>`. */
export const streamIdOf = (webhookId: string): string => `${WEBHOOK_STREAM_PREFIX}${webhookId}`;

/** The webhook id of a `webhook-<id>` stream, or undefined for any other stream. */
export const webhookIdOfStream = (streamId: string): string | undefined =>
  streamId.startsWith(WEBHOOK_STREAM_PREFIX) ? streamId.slice(WEBHOOK_STREAM_PREFIX.length) : undefined;
