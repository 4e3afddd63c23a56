import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HookledgerClient, HookledgerApiError, type RequestBody, createHookledgerClient } from '../../src/client/index.js';
import { type Harness, startHarness } from '../support/http-harness.js';
import { checkedFetch } from '../support/openapi-responses.js';

/** The README's create body, as a client writes it: fields with defaults (timeout, headers, is_active) left out. */
const readmeBody = {
  webhook_name: 'Ops alerts',
  event_types: ['cluster.*'],
  channels: [{ channel: 'slack', configs: { webhook_url: 'https://hooks.slack.com/services/T/B/X' } }],
} satisfies RequestBody<'createWebhook'>;
const httpOnly = {
  ...readmeBody,
  channels: [{ channel: 'webhook' as const, configs: { url: 'https://example.com/hook' } }],
} satisfies RequestBody<'createWebhook'>;

describe('hookledger/client against the live server', () => {
  let h: Harness;
  let client: HookledgerClient;
  const answered: string[] = [];

  beforeAll(async () => {
    h = await startHarness('sqlite-file');
    // Every answer the client receives is checked against /openapi.json as well.
    const checked = checkedFetch(h.url);
    const counted = async (request: Request, init?: RequestInit) => {
      const response = await checked(request, init);
      answered.push(`${request.method} ${new URL(request.url).pathname} ${response.status}`);
      return response;
    };
    client = createHookledgerClient({ baseUrl: h.url, apiKey: (await h.newOrg()).key, fetch: counted });
  });
  afterAll(() => h.close());

  it('creates, gets, patches, replaces and deletes a webhook, with If-Match versions', async () => {
    const created = await client.webhooks.create(readmeBody);
    expect(created).toMatchObject({ webhook_name: 'Ops alerts', is_active: true, version: 1, secret: expect.stringMatching(/^whsec_/) });
    expect((await client.webhooks.get(created.webhook_id)).channels[0]).toMatchObject({ channel: 'slack', channel_id: 'ch_1' });
    const patched = await client.webhooks.update(created.webhook_id, { webhook_name: 'Renamed' }, { ifMatch: created.version });
    expect(patched).toMatchObject({ webhook_name: 'Renamed', version: 2 });
    const stale = await client.webhooks.update(created.webhook_id, { is_active: false }, { ifMatch: 1 }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(HookledgerApiError);
    expect(stale).toMatchObject({ status: 412, type: 'PreconditionFailed' });
    const replaced = await client.webhooks.replace(created.webhook_id, httpOnly);
    expect(replaced.channels).toEqual([expect.objectContaining({ channel: 'webhook', configs: expect.objectContaining({ timeout: 10 }) })]);
    expect((await client.webhooks.get(created.webhook_id, created.created_at)).webhook_name).toBe('Ops alerts');
    await client.webhooks.delete(created.webhook_id);
    await expect(client.webhooks.get(created.webhook_id)).rejects.toMatchObject({ status: 404, type: 'NotFound' });
    const history = [];
    for await (const event of client.webhooks.allHistory(created.webhook_id, 2)) history.push(event.type);
    expect(history[0]).toBe('WebhookCreated');
    expect(history.at(-1)).toBe('WebhookDeleted');
  });

  it('deletes with forget=true: gone, with WebhookForgotten in its history (ADR 0018)', async () => {
    const hook = await client.webhooks.create({ ...httpOnly, webhook_name: 'to forget' });
    await client.webhooks.delete(hook.webhook_id, { forget: true });
    await expect(client.webhooks.get(hook.webhook_id)).rejects.toMatchObject({ status: 404 });
    const history = (await client.webhooks.history(hook.webhook_id)).events.map((e) => e.type);
    expect(history.slice(-2)).toEqual(['WebhookDeleted', 'WebhookForgotten']);
  });

  it('pages through every webhook with an async iterator over cursor pages', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await client.webhooks.create({ ...httpOnly, webhook_name: `paged ${i}`, event_types: ['object.*'] })).webhook_id);
    const pages = [];
    for await (const page of client.webhooks.pages({ event_type: 'object.created' }, 2)) pages.push(page.results.map((w) => w.webhook_id));
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(new Set(pages.flat())).toEqual(ids);
    const all = [];
    for await (const webhook of client.webhooks.all({ event_type: 'object.created' }, 3)) all.push(webhook.webhook_id);
    expect(all).toEqual(pages.flat());
    expect((await client.webhooks.list({}, { limit: 1, offset: 1 })).pagination).toMatchObject({ limit: 1, offset: 1, has_more: true });
  });

  it('throws the error envelope: a 422 carries the paths, a 401 the type, each the request id', async () => {
    const bad = { ...httpOnly, channels: [{ channel: 'webhook' as const, configs: { url: 'ftp://example.com' } }] };
    const error = (await client.webhooks.create(bad).catch((e: unknown) => e)) as HookledgerApiError;
    expect(error).toBeInstanceOf(HookledgerApiError);
    expect(error.status).toBe(422);
    expect(error.envelope).toMatchObject({ success: false, status: 422, error: { type: 'ValidationError' } });
    expect(error.details[0]!.path).toEqual(['channels', 0, 'configs', 'url']);
    expect(error.requestId).toMatch(/.+/);
    const stranger = createHookledgerClient({ baseUrl: h.url, apiKey: 'sk_nope' });
    await expect(stranger.eventTypes.list()).rejects.toMatchObject({ status: 401, type: 'Unauthorized' });
  });

  it('publishes events, sends a test event, and reads deliveries, messages, secrets and the catalog', async () => {
    const hook = await client.webhooks.create({ ...httpOnly, event_types: ['cluster.*'] });
    expect((await client.events.publish({ event_type: 'cluster.execution.failed', data: { cluster: 'c-1' } })).message_id).toMatch(/^msg_/);
    const { message_id } = await client.webhooks.test(hook.webhook_id);
    expect((await client.deliveries.message(hook.webhook_id, message_id)).event_type).toBe('webhook.test');
    expect((await client.deliveries.list(hook.webhook_id, { limit: 10 })).results).toEqual([]);
    const attempts = [];
    for await (const attempt of client.deliveries.all(hook.webhook_id, { status: 'failed' })) attempts.push(attempt);
    expect(attempts).toEqual([]);
    expect((await client.deliveries.recover(hook.webhook_id, { since: '2026-01-01T00:00:00Z' })).rescheduled).toBe(0);
    await expect(client.deliveries.retry(hook.webhook_id, 'msg_unknown')).rejects.toMatchObject({ status: 404 });
    expect((await client.webhooks.secret(hook.webhook_id)).secret).toBe(hook.secret);
    expect((await client.webhooks.rotateSecret(hook.webhook_id)).secret).not.toBe(hook.secret);
    expect((await client.eventTypes.list()).event_types.length).toBeGreaterThan(0);
    expect(answered.length).toBeGreaterThan(10);
  });
});
