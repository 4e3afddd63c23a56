import type { ExistingWebhook } from '../../../domain/index.js';
import type { StoredEvent } from '../../../ports/event-store.js';

/** The webhook resource of the contract. `internal_id` (organization_id) never leaves the service. */
export interface LastError {
  readonly message: string;
  readonly channel: string;
  readonly statusCode: number | null;
  readonly at: string;
}

export const presentWebhook = (webhook: ExistingWebhook, version: number, lastError?: LastError) => ({
  webhook_id: webhook.webhook_id,
  webhook_name: webhook.webhook_name,
  event_types: webhook.event_types,
  channels: webhook.channels,
  is_active: webhook.status === 'active',
  created_at: webhook.created_at,
  updated_at: webhook.updated_at,
  last_error: lastError ? { message: lastError.message, channel: lastError.channel, status_code: lastError.statusCode, at: lastError.at } : null,
  version,
});

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
