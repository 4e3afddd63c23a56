import { describe, expect, it } from 'vitest';
import { type LastError, presentWebhook, presentWebhookJson, presentWebhookPageJson } from '../../src/adapters/http/koa/present.js';
import type { ExistingWebhook } from '../../src/domain/index.js';

const webhook = (n: number): ExistingWebhook =>
  ({
    webhook_id: `wh_${String(n).padStart(24, '0')}`,
    organization_id: 'int_aaaaaaaaaaaaaaaaaaaaaaaa',
    webhook_name: `hook "${n}"`,
    event_types: ['object.*'],
    channels: [{ channel_id: 'ch_1', channel: 'webhook', configs: { url: `https://example.com/${n}` } }],
    created_at: '2026-11-22T10:00:00.000Z',
    updated_at: '2026-11-22T11:00:00.000Z',
    status: 'active',
  }) as unknown as ExistingWebhook;

const expected = (rows: { webhook: ExistingWebhook; version: number; lastError?: LastError }[], pagination: unknown, total: number) =>
  JSON.stringify({ results: rows.map((r) => presentWebhook(r.webhook, r.version, r.lastError)), pagination, total });

describe('the list body as JSON text from cached parts (ADR 0022)', () => {
  const rows = Array.from({ length: 5 }, (_, i) => ({ webhook: webhook(i), version: i + 1 }));
  const pagination = { limit: 5, offset: 0, next_cursor: null, has_more: false };

  it('is the bytes JSON.stringify gives, and the same text again for the same row objects', () => {
    const first = presentWebhookPageJson(rows, pagination, 5);
    expect(first).toBe(expected(rows, pagination, 5));
    expect(
      presentWebhookPageJson(
        rows.map((r) => ({ ...r })),
        pagination,
        5,
      ),
    ).toBe(first);
  });

  it('follows any change: a version, a last error, another state object, the pagination or the total', () => {
    const error: LastError = { message: 'HTTP 500', channel: 'webhook', statusCode: 500, at: '2026-11-22T12:00:00.000Z' };
    const changed = [
      rows.map((r, i) => (i === 2 ? { ...r, version: 9 } : r)),
      rows.map((r, i) => (i === 4 ? { ...r, lastError: error } : r)),
      rows.map((r, i) => (i === 0 ? { ...r, webhook: { ...r.webhook, webhook_name: 'renamed' } as ExistingWebhook } : r)),
    ];
    for (const page of changed) expect(presentWebhookPageJson(page, pagination, 5)).toBe(expected(page, pagination, 5));
    expect(presentWebhookPageJson(rows, { ...pagination, has_more: true }, 6)).toBe(expected(rows, { ...pagination, has_more: true }, 6));
    expect(presentWebhookPageJson([], pagination, 0)).toBe(expected([], pagination, 0));
    // One resource: the last text is kept per state, and follows its version and error.
    expect(presentWebhookJson(rows[1]!.webhook, 2, error)).toBe(JSON.stringify(presentWebhook(rows[1]!.webhook, 2, error)));
    expect(presentWebhookJson(rows[1]!.webhook, 2)).toBe(JSON.stringify(presentWebhook(rows[1]!.webhook, 2)));
  });
});
