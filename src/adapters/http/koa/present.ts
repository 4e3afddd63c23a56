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

// Per state object: the settings as JSON text without the closing brace, and the last whole
// resource built from it (states are immutable, and the state, list and last-error caches hand
// out the same objects until something changes, ADR 0022).
const settingsJson = new WeakMap<ExistingWebhook, { readonly head: string; last?: { version: number; lastError: LastError | undefined; text: string } }>();

/** `presentWebhook` as JSON text: the same bytes `JSON.stringify` gives, serialising the settings once per state. */
export const presentWebhookJson = (webhook: ExistingWebhook, version: number, lastError?: LastError): string => {
  let entry = settingsJson.get(webhook);
  if (entry === undefined) {
    entry = { head: JSON.stringify(presentSettings(webhook)).slice(0, -1) };
    settingsJson.set(webhook, entry);
  }
  const last = entry.last;
  if (last !== undefined && last.version === version && last.lastError === lastError) return last.text;
  const text = `${entry.head},"last_error":${lastError ? JSON.stringify(presentLastError(lastError)) : 'null'},"version":${version}}`;
  entry.last = { version, lastError, text };
  return text;
};

/** One row of the list as `presentWebhookPageJson` takes it. */
export interface PresentedRow {
  readonly webhook: ExistingWebhook;
  readonly version: number;
  readonly lastError?: LastError | undefined;
}

interface PageText {
  readonly rows: readonly PresentedRow[];
  readonly tail: string;
  readonly text: string;
}
const pageTexts = new Map<string, PageText>();

/**
 * The list body `{ results, pagination, total }` as JSON text (the bytes `JSON.stringify` gives).
 * A page whose rows are the same objects as a page built before (nothing changed: the caches hand
 * out the same states and errors) gets the same text back, not a new 30 KB string to join and encode.
 */
export const presentWebhookPageJson = (rows: readonly PresentedRow[], pagination: unknown, total: number): string => {
  const tail = `],"pagination":${JSON.stringify(pagination)},"total":${total}}`;
  const key = `${rows[0]?.webhook.webhook_id ?? ''} ${rows.length}${tail}`;
  const kept = pageTexts.get(key);
  if (kept !== undefined && sameRows(kept.rows, rows)) return kept.text;
  const text = `{"results":[${rows.map((row) => presentWebhookJson(row.webhook, row.version, row.lastError)).join(',')}${tail}`;
  if (pageTexts.size >= 64) pageTexts.clear();
  pageTexts.set(key, { rows: rows.map(({ webhook, version, lastError }) => ({ webhook, version, lastError })), tail, text });
  return text;
};

const sameRows = (a: readonly PresentedRow[], b: readonly PresentedRow[]): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.webhook !== y.webhook || x.version !== y.version || x.lastError !== y.lastError) return false;
  }
  return true;
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
