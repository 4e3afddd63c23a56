import type { ExistingWebhook } from '../../../domain/index.js';
import type { StoredEvent } from '../../../ports/event-store.js';

/** The webhook resource of the contract. `internal_id` (organization_id) never leaves the service. */
export interface LastError {
  readonly message: string;
  readonly channel: string;
  readonly statusCode: number | null;
  readonly at: string;
}

/** The settings part of the resource: what one state of the webhook shows, whatever its last error or version. */
const presentSettings = (webhook: ExistingWebhook) => ({
  webhook_id: webhook.webhook_id,
  webhook_name: webhook.webhook_name,
  event_types: webhook.event_types,
  channels: webhook.channels,
  is_active: webhook.status === 'active',
  created_at: webhook.created_at,
  updated_at: webhook.updated_at,
});

const presentLastError = (lastError: LastError | undefined) =>
  lastError ? { message: lastError.message, channel: lastError.channel, status_code: lastError.statusCode, at: lastError.at } : null;

export const presentWebhook = (webhook: ExistingWebhook, version: number, lastError?: LastError) => ({
  ...presentSettings(webhook),
  last_error: presentLastError(lastError),
  version,
});

// The settings as JSON text without the closing brace, once per state object (states are immutable,
// and the state and list caches hand out the same object until the webhook changes).
const settingsJson = new WeakMap<ExistingWebhook, string>();

/** `presentWebhook` as JSON text: the same bytes `JSON.stringify` gives, serialising the settings once per state. */
export const presentWebhookJson = (webhook: ExistingWebhook, version: number, lastError?: LastError): string => {
  let head = settingsJson.get(webhook);
  if (head === undefined) {
    head = JSON.stringify(presentSettings(webhook)).slice(0, -1);
    settingsJson.set(webhook, head);
  }
  return `${head},"last_error":${lastError ? JSON.stringify(presentLastError(lastError)) : 'null'},"version":${version}}`;
};

export const presentHistoryEvent = (event: StoredEvent) => {
  const { organization_id: _internal, ...data } = event.data as Record<string, unknown>;
  return { revision: event.revision, type: event.type, data, recorded_at: event.metadata.recordedAt, actor: event.metadata.actor };
};

/** `"7"`, `W/"7"` and `7` all name version 7; `*` matches any. */
export const parseIfMatch = (header: string | undefined): number | 'any' | 'invalid' | undefined => {
  if (header === undefined || header === '') return undefined;
  const value = header.trim();
  if (value === '*') return 'any';
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value);
  return match ? Number(match[1]) : 'invalid';
};
