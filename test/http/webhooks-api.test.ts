import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type StoreKind, availableKinds, startHarness, webhookBody } from '../support/http-harness.js';

const W = '/v1/organizations/webhooks';

describe.each<StoreKind>(await availableKinds('sqlite-file', 'memory', 'postgres'))('webhook API over HTTP (%s)', (kind) => {
  let h: Harness;
  let key: string;
  const logs: string[] = [];

  beforeAll(async () => {
    h = await startHarness(kind, logs);
    key = (await h.newOrg()).key;
  });
  afterAll(() => h.close());

  const create = async (overrides: Record<string, unknown> = {}, as = key) => {
    const res = await h.request('POST', `${W}/`, { key: as, body: webhookBody(overrides) });
    expect(res.status, res.text).toBe(201);
    return res;
  };

  it('creates a webhook: 201, the resource, its secret once, ETag and Location', async () => {
    const res = await create();
    expect(res.body).toEqual({
      webhook_id: expect.stringMatching(/^wh_[A-Za-z0-9]{10}$/),
      webhook_name: 'Slack Engineering Alerts',
      event_types: ['cluster.execution.completed', 'cluster.execution.failed'],
      channels: [
        { channel_id: 'ch_1', channel: 'webhook', configs: { url: 'https://example.com/hook', headers: { 'X-Team': 'eng' }, timeout: 10 } },
        { channel_id: 'ch_2', channel: 'slack', configs: { webhook_url: 'https://hooks.slack.com/services/T/B/X', channel: '#alerts' } },
      ],
      is_active: true,
      created_at: '2026-11-22T10:00:00.000Z',
      updated_at: '2026-11-22T10:00:00.000Z',
      last_error: null,
      version: 1,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.headers.get('location')).toBe(`${W}/${res.body.webhook_id}`);
    expect(res.text).not.toMatch(/int_|organization_id|internal_id/);

    const got = await h.request('GET', `${W}/${res.body.webhook_id}`, { key });
    expect(got.status).toBe(200);
    const { secret: _secret, ...withoutSecret } = res.body;
    expect(got.body).toEqual(withoutSecret);
    expect((await h.request('GET', `${W}/${res.body.webhook_id}/secret`, { key })).body).toEqual({ secret: res.body.secret });
  });

  it.each([
    ['no key', ''],
    ['a malformed key', 'Bearer nope'],
    ['a well-formed unknown key', 'Bearer sk_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'],
    ['the wrong scheme', 'Basic dXNlcjpwYXNz'],
  ])('answers %s with 401 in the error envelope', async (_name, authorization) => {
    const res = await h.request('POST', `${W}/list`, { headers: authorization ? { authorization } : {} });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.body).toEqual({ success: false, status: 401, error: { message: expect.any(String), type: 'Unauthorized' } });
  });

  it('answers every bad input with a clear 4xx and changes nothing', async () => {
    const before = await h.eventCount();
    const cases: [number, string, Parameters<Harness['request']>[2]][] = [
      [400, 'malformed JSON', { rawBody: '{"webhook_name": ', headers: { 'content-type': 'application/json' } }],
      [415, 'not JSON', { rawBody: 'webhook_name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
      [413, 'over 1 MiB', { body: webhookBody({ webhook_name: 'x'.repeat(1024 * 1024 + 10) }) }],
      [422, 'a schema violation', { body: webhookBody({ channels: [{ channel: 'webhook', configs: { url: 'nope' } }] }) }],
      [422, 'a domain rule', { body: webhookBody({ event_types: ['*', 'object.created'] }) }],
      [422, 'no body', {}],
      [422, 'a JSON array', { body: [1, 2] }],
    ];
    for (const [status, name, options] of cases) {
      const res = await h.request('POST', `${W}/`, { key, ...options });
      expect(res.status, `${name}: ${res.text}`).toBe(status);
      expect(res.body, name).toMatchObject({ success: false, status, error: { message: expect.any(String), type: expect.any(String) } });
    }
    const rule = await h.request('POST', `${W}/`, { key, body: webhookBody({ channels: [{ channel: 'webhook', configs: { url: 'nope' } }] }) });
    expect(rule.body.error).toMatchObject({ type: 'ValidationError', details: [{ path: ['channels', 0, 'configs', 'url'], message: expect.any(String) }] });
    expect(await h.eventCount()).toBe(before);
  });

  it('serves a path with or without its trailing slash', async () => {
    expect((await h.request('POST', W, { key, body: webhookBody() })).status).toBe(201);
    expect((await h.request('POST', `${W}/list/`, { key })).status).toBe(200);
  });

  it('answers unknown routes and webhooks with a JSON 404, and a wrong method with 405', async () => {
    const route = await h.request('GET', '/v1/nope', { key });
    expect(route).toMatchObject({ status: 404, body: { success: false, status: 404, error: { type: 'NotFound' } } });
    const webhook = await h.request('GET', `${W}/wh_0000000000`, { key });
    expect(webhook).toMatchObject({ status: 404, body: { error: { type: 'NotFound' } } });
    const bad = await h.request('GET', `${W}/not-an-id`, { key });
    expect(bad.status).toBe(404);
    const method = await h.request('DELETE', '/v1/event-types', { key });
    expect(method).toMatchObject({ status: 405, body: { success: false, status: 405 } });
  });

  it('PUT that changes nothing records nothing and keeps updated_at; a real change moves both', async () => {
    const { body: created } = await create();
    h.clock.advance(60_000);
    const same = await h.request('PUT', `${W}/${created.webhook_id}`, { key, body: webhookBody() });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ version: 1, updated_at: created.updated_at });
    const changed = await h.request('PUT', `${W}/${created.webhook_id}`, { key, body: webhookBody({ webhook_name: 'Renamed', is_active: false }) });
    expect(changed.body).toMatchObject({
      version: 3,
      webhook_name: 'Renamed',
      is_active: false,
      updated_at: '2026-11-22T10:01:00.000Z',
      created_at: created.created_at,
    });
    expect(changed.headers.get('etag')).toBe('"3"');
    // PUT with is_active omitted means active again.
    const resumed = await h.request('PUT', `${W}/${created.webhook_id}`, { key, body: webhookBody({ webhook_name: 'Renamed' }) });
    expect(resumed.body).toMatchObject({ version: 4, is_active: true });
  });

  it('honours If-Match in all three spellings and answers a stale one with 412', async () => {
    const { body: created } = await create();
    const path = `${W}/${created.webhook_id}`;
    for (const [ifMatch, name, status] of [
      ['"1"', 'A', 200],
      ['W/"2"', 'B', 200],
      ['3', 'C', 200],
      ['"1"', 'D', 412],
      ['garbage', 'E', 400],
    ] as const) {
      const res = await h.request('PATCH', path, { key, body: { webhook_name: name }, headers: { 'if-match': ifMatch } });
      expect(res.status, `${ifMatch}: ${res.text}`).toBe(status);
    }
    expect((await h.request('GET', path, { key })).body).toMatchObject({ webhook_name: 'C', version: 4 });
  });

  it('PATCH changes only the fields it names', async () => {
    const { body: created } = await create();
    const res = await h.request('PATCH', `${W}/${created.webhook_id}`, { key, body: { event_types: ['cluster.*'] } });
    expect(res.body).toMatchObject({ webhook_name: created.webhook_name, event_types: ['cluster.*'], channels: created.channels, version: 2 });
  });

  it('DELETE is idempotent; later GET is 404; history stays readable; a never-known id is 404', async () => {
    const { body: created } = await create();
    const path = `${W}/${created.webhook_id}`;
    expect((await h.request('DELETE', path, { key })).status).toBe(204);
    expect((await h.request('DELETE', path, { key })).status).toBe(204);
    expect((await h.request('GET', path, { key })).status).toBe(404);
    expect((await h.request('PATCH', path, { key, body: { webhook_name: 'x' } })).status).toBe(404);
    const history = await h.request('GET', `${path}/history`, { key });
    expect(history.status).toBe(200);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['WebhookCreated', 'WebhookDeleted']);
    expect((await h.request('DELETE', `${W}/wh_0000000000`, { key })).status).toBe(404);
  });

  it('shows the audit trail with actor and time, and never the organization id', async () => {
    const { body: created } = await create();
    await h.request('PATCH', `${W}/${created.webhook_id}`, { key, body: { is_active: false } });
    const res = await h.request('GET', `${W}/${created.webhook_id}/history`, { key });
    expect(res.body.events[0]).toEqual({
      revision: 1,
      type: 'WebhookCreated',
      data: expect.objectContaining({ webhook_id: created.webhook_id, webhook_name: created.webhook_name, is_active: true }),
      recorded_at: expect.any(String),
      actor: expect.stringMatching(/^key:/),
    });
    expect(res.body.events[1]).toMatchObject({ revision: 2, type: 'WebhookPaused', data: { reason: 'paused on request', automatic: false } });
    expect(res.text).not.toMatch(/int_|organization_id/);
  });

  it('answers GET ?as_of= with the state at that moment, across several changes', async () => {
    h.clock.set('2026-11-23T08:00:00.000Z');
    const { body: created } = await create();
    const path = `${W}/${created.webhook_id}`;
    h.clock.set('2026-11-23T09:00:00.000Z');
    await h.request('PATCH', path, { key, body: { webhook_name: 'Nine' } });
    h.clock.set('2026-11-23T10:00:00.000Z');
    await h.request('PATCH', path, { key, body: { webhook_name: 'Ten', event_types: ['object.*'] } });
    const at = async (t: string) => h.request('GET', `${path}?as_of=${encodeURIComponent(t)}`, { key });
    expect((await at('2026-11-23T07:59:59.999Z')).status).toBe(404);
    expect((await at('2026-11-23T08:30:00.000Z')).body).toMatchObject({ webhook_name: 'Slack Engineering Alerts', version: 1 });
    expect((await at('2026-11-23T09:30:00+00:00')).body).toMatchObject({ webhook_name: 'Nine', version: 2 });
    expect((await at('2026-11-23T10:00:00.000Z')).body).toMatchObject({ webhook_name: 'Ten', event_types: ['object.*'], version: 4 });
    expect((await at('yesterday')).status).toBe(422);
  });

  it('rotates the secret: a new one, the rotation in the history, no secret in the history', async () => {
    const { body: created } = await create();
    const rotated = await h.request('POST', `${W}/${created.webhook_id}/secret/rotate`, { key, body: {} });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect((await h.request('POST', `${W}/${created.webhook_id}/secret/rotate`, { key, body: { force: true } })).status).toBe(422);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect((await h.request('GET', `${W}/${created.webhook_id}/secret`, { key })).body.secret).toBe(rotated.body.secret);
    const history = await h.request('GET', `${W}/${created.webhook_id}/history`, { key });
    expect(history.body.events.at(-1)).toMatchObject({ type: 'WebhookSecretRotated', data: { previous_valid_until: expect.any(String) } });
    expect(history.text).not.toContain('whsec_');
  });

  it('never lets one organization see or change another’s webhooks, answering exactly as for a missing one', async () => {
    const { body: theirs } = await create();
    const other = (await h.newOrg()).key;
    const before = await h.eventCount();
    const id = theirs.webhook_id;
    const attempts: [string, string, unknown?][] = [
      ['GET', `${W}/${id}`],
      ['PUT', `${W}/${id}`, webhookBody()],
      ['PATCH', `${W}/${id}`, { webhook_name: 'mine now' }],
      ['DELETE', `${W}/${id}`],
      ['GET', `${W}/${id}/history`],
      ['GET', `${W}/${id}/secret`],
      ['POST', `${W}/${id}/secret/rotate`],
    ];
    for (const [method, path, body] of attempts) {
      const foreign = await h.request(method, path, { key: other, body });
      const missing = await h.request(method, path.replace(id, 'wh_0000000000'), { key: other, body });
      expect(foreign.status, `${method} ${path}`).toBe(404);
      expect(foreign.body.error.type).toBe(missing.body.error.type);
    }
    const list = await h.request('POST', `${W}/list`, { key: other });
    expect(list.body).toMatchObject({ results: [], total: 0 });
    expect(await h.eventCount()).toBe(before);
  });

  it('loses no change under concurrent PUTs: each succeeds or gets 409/412', async () => {
    const { body: created } = await create();
    const names = Array.from({ length: 8 }, (_, i) => `Concurrent ${i}`);
    const results = await Promise.all(
      names.map((webhook_name) => h.request('PUT', `${W}/${created.webhook_id}`, { key, body: webhookBody({ webhook_name }) })),
    );
    for (const r of results) expect([200, 409, 412], r.text).toContain(r.status);
    const ok = results.filter((r) => r.status === 200);
    const history = await h.request('GET', `${W}/${created.webhook_id}/history`, { key });
    const renames = history.body.events.filter((e: { type: string }) => e.type === 'WebhookRenamed');
    expect(renames).toHaveLength(ok.length);
    expect(new Set(renames.map((e: { data: { webhook_name: string } }) => e.data.webhook_name))).toEqual(new Set(ok.map((r) => r.body.webhook_name)));
    const final = await h.request('GET', `${W}/${created.webhook_id}`, { key });
    expect(final.body.version).toBe(1 + renames.length);
  });

  it('logs every request with a request id and never an API key or secret', async () => {
    const res = await h.request('GET', '/healthz', { headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-123');
    const log = logs.join('');
    expect(log).toContain('"requestId":"trace-123"');
    expect(log).not.toMatch(/sk_[A-Za-z0-9]{12}_[A-Za-z0-9]{20,}/);
    expect(log).not.toContain('whsec_');
  });
});
