import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LastError, presentWebhook, presentWebhookJson } from '../../src/adapters/http/koa/present.js';
import type { ExistingWebhook } from '../../src/domain/index.js';
import { type Harness, startHarness, webhookBody } from '../support/http-harness.js';

const state = (name: string, status: 'active' | 'paused' | 'deleted'): ExistingWebhook =>
  ({
    webhook_id: 'wh_0123456789',
    organization_id: 'int_aaaaaaaaaaaaaaaaaaaaaaaa',
    webhook_name: name,
    event_types: ['object.*', name],
    channels: [{ channel_id: 'ch_1', channel: 'webhook', configs: { url: 'https://example.com/hook', headers: { 'X-Name': name }, timeout: 10 } }],
    created_at: '2026-11-22T10:00:00.000Z',
    updated_at: '2026-11-22T11:00:00.000Z',
    ...(status === 'paused'
      ? { status, paused_reason: 'r', paused_automatically: false }
      : status === 'deleted'
        ? { status, deleted_at: '2026-11-22T12:00:00.000Z' }
        : { status }),
  }) as unknown as ExistingWebhook;

describe('the webhook resource as JSON text from cached parts', () => {
  it('is byte for byte what JSON.stringify makes of presentWebhook, for any name, status, version and last error (property)', () => {
    const lastError = fc.option(
      fc.record({
        message: fc.string({ unit: 'binary' }),
        channel: fc.string(),
        statusCode: fc.option(fc.integer({ min: 100, max: 599 })),
        at: fc.constant('2026-11-22T10:00:00.000Z'),
      }),
      { nil: undefined },
    );
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.constantFrom('active', 'paused', 'deleted'),
        fc.integer({ min: 1, max: 2 ** 31 }),
        lastError,
        (name, status, version, error) => {
          const webhook = state(name, status as 'active');
          const expected = JSON.stringify(presentWebhook(webhook, version, error as LastError | undefined));
          expect(presentWebhookJson(webhook, version, error as LastError | undefined)).toBe(expected);
          // Again from the cached settings, with another version and no error.
          expect(presentWebhookJson(webhook, version + 1)).toBe(JSON.stringify(presentWebhook(webhook, version + 1)));
        },
      ),
    );
  });

  describe('over HTTP', () => {
    let h: Harness;
    it('answers GET and list with the JSON media type and the same resource, read-your-writes after each PATCH', async () => {
      h = await startHarness('sqlite-file');
      try {
        const { key } = await h.newOrg();
        const created = await h.request('POST', '/v1/organizations/webhooks/', { key, body: webhookBody() });
        const id = created.body.webhook_id as string;
        for (let i = 1; i <= 3; i++) {
          const patched = await h.request('PATCH', `/v1/organizations/webhooks/${id}`, {
            key,
            body: { webhook_name: `Name "${i}" ✓` },
            headers: { 'if-match': `"${i}"` },
          });
          expect(patched.status).toBe(200);
          const got = await h.request('GET', `/v1/organizations/webhooks/${id}`, { key });
          expect(got.headers.get('content-type')).toBe('application/json; charset=utf-8');
          expect(got.headers.get('etag')).toBe(`"${i + 1}"`);
          expect(got.body).toEqual(patched.body);
          expect(got.body).toMatchObject({ webhook_name: `Name "${i}" ✓`, version: i + 1, last_error: null });
          const list = await h.request('POST', '/v1/organizations/webhooks/list', { key, body: {} });
          expect(list.headers.get('content-type')).toBe('application/json; charset=utf-8');
          expect(list.body).toEqual({ results: [got.body], pagination: { limit: 20, offset: 0, next_cursor: null, has_more: false }, total: 1 });
        }
      } finally {
        await h.close();
      }
    });
  });
});
