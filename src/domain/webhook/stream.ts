/** One stream per webhook: `webhook-wh_abc123def4`. */
export const WEBHOOK_STREAM_PREFIX = 'webhook-';

export const streamIdOf = (webhookId: string): string => `${WEBHOOK_STREAM_PREFIX}${webhookId}`;

export const webhookIdOfStream = (streamId: string): string | undefined =>
  streamId.startsWith(WEBHOOK_STREAM_PREFIX) ? streamId.slice(WEBHOOK_STREAM_PREFIX.length) : undefined;
