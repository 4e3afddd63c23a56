import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type StoreKind, availableKinds, startHarness, webhookBody } from '../support/http-harness.js';
import { startReceiver } from '../support/receivers.js';
import { waitFor } from '../support/wait-for.js';

const W = '/v1/organizations/webhooks';

describe.each<StoreKind>(await availableKinds('sqlite-file', 'postgres'))('delivery pipeline end to end (real API, worker, %s, loopback receivers)', (kind) => {
  let h: Harness;
  let key: string;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    h = await startHarness(kind, undefined, { worker: true, realClock: true, env: { HOOKLEDGER_AUTO_PAUSE_FAILURES: '4' } });
    key = (await h.newOrg()).key;
  });
  afterAll(async () => {
    await Promise.all(closers.map((c) => c()));
    await h.close();
  });

  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const r = await startReceiver(...args);
    closers.push(r.close);
    return r;
  };
  const createHook = async (url: string, overrides: Record<string, unknown> = {}, as = key) => {
    const res = await h.request('POST', `${W}/`, {
      key: as,
      body: webhookBody({ event_types: ['object.*'], channels: [{ channel: 'webhook', configs: { url } }], ...overrides }),
    });
    expect(res.status, res.text).toBe(201);
    return res.body as { webhook_id: string; secret: string };
  };
  const publish = async (body: Record<string, unknown>, as = key) => h.request('POST', '/v1/events', { key: as, body });
  const attempts = async (id: string, query = '') =>
    (await h.request('GET', `${W}/${id}/deliveries${query}`, { key })).body.results as {
      status: string;
      attempt: number;
      status_code: number | null;
      message_id: string;
      delivery_status: string;
    }[];

  it('delivers a matching event, signed, to every channel of every matching active webhook, and to nothing else', async () => {
    const a = await receiver();
    const slack = await receiver((_r, res) => res.writeHead(200).end('ok'));
    const other = await receiver();
    const both = await createHook(`${a.url}/a`, {
      channels: [
        { channel: 'webhook', configs: { url: `${a.url}/a` } },
        { channel: 'slack', configs: { webhook_url: `${slack.url}/s` } },
      ],
    });
    await createHook(`${other.url}/wrong-type`, { event_types: ['cluster.*'] });
    const paused = await createHook(`${other.url}/paused`, { is_active: false });
    const gone = await createHook(`${other.url}/deleted`);
    await h.request('DELETE', `${W}/${gone.webhook_id}`, { key });
    const foreign = await h.newOrg();
    await createHook(`${other.url}/foreign`, {}, foreign.key);

    const res = await publish({ event_type: 'object.created', data: { id: 'obj_1', size: 42 } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ message_id: expect.stringMatching(/^msg_[A-Za-z0-9]{24}$/) });

    const req = await waitFor(() => a.received[0], 10_000, 'the HTTP delivery');
    await waitFor(() => slack.received[0], 10_000, 'the Slack delivery');
    expect(req.headers['webhook-id']).toBe(res.body.message_id);
    expect(new Webhook(both.secret).verify(req.body, req.headers as Record<string, string>)).toEqual({
      type: 'object.created',
      timestamp: expect.any(String),
      data: { id: 'obj_1', size: 42 },
    });
    expect(JSON.parse(slack.received[0]!.body).text).toContain('object.created');
    await new Promise((r) => setTimeout(r, 300));
    expect(other.received).toEqual([]);
    expect(await attempts(paused.webhook_id)).toEqual([]);
    expect((await attempts(both.webhook_id)).map((x) => x.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('retries on the schedule with the same webhook-id until the receiver recovers; last_error stays', async () => {
    let calls = 0;
    const r = await receiver((_req, res) => (++calls <= 2 ? res.writeHead(500).end('boom') : res.writeHead(204).end()));
    const hook = await createHook(r.url);
    const { body } = await publish({ event_type: 'object.updated', data: { n: 1 } });
    await waitFor(() => r.received.length === 3, 10_000, 'three attempts');
    expect(new Set(r.received.map((x) => x.headers['webhook-id']))).toEqual(new Set([body.message_id]));
    for (const x of r.received) expect(() => new Webhook(hook.secret).verify(x.body, x.headers as Record<string, string>)).not.toThrow();
    const log = await waitFor(async () => ((await attempts(hook.webhook_id)).length === 3 ? attempts(hook.webhook_id) : undefined));
    expect(log.map((x) => [x.attempt, x.status, x.status_code])).toEqual([
      [3, 'succeeded', 204],
      [2, 'failed', 500],
      [1, 'failed', 500],
    ]);
    expect((await attempts(hook.webhook_id, '?status=failed')).length).toBe(2);
    const got = await h.request('GET', `${W}/${hook.webhook_id}`, { key });
    expect(got.body.last_error).toEqual({ message: 'HTTP 500', channel: 'webhook', status_code: 500, at: expect.any(String) });
  });

  it('does not retry a final 4xx, and delivers again when asked to retry', async () => {
    let refuse = true;
    const r = await receiver((_req, res) => res.writeHead(refuse ? 400 : 200).end());
    const hook = await createHook(r.url);
    const { body } = await publish({ event_type: 'object.deleted', data: {} });
    await waitFor(async () => (await attempts(hook.webhook_id))[0]?.delivery_status === 'failed', 10_000, 'a final failure');
    await new Promise((res) => setTimeout(res, 300));
    expect(r.received).toHaveLength(1);
    refuse = false;
    expect((await h.request('POST', `${W}/${hook.webhook_id}/deliveries/${body.message_id}/retry`, { key })).status).toBe(202);
    await waitFor(() => r.received.length === 2, 10_000, 'the retried delivery');
    expect(r.received[1]!.headers['webhook-id']).toBe(body.message_id);
    expect((await h.request('POST', `${W}/${hook.webhook_id}/deliveries/msg_unknown/retry`, { key })).status).toBe(404);
  });

  it('recovers every failed message of a window', async () => {
    let up = false;
    const r = await receiver((_req, res) => res.writeHead(up ? 200 : 404).end());
    const hook = await createHook(r.url);
    const since = new Date(Date.now() - 1000).toISOString();
    for (let i = 0; i < 3; i++) await publish({ event_type: 'object.created', data: { i } });
    await waitFor(async () => (await attempts(hook.webhook_id, '?status=failed')).length === 3, 10_000, 'three final failures');
    up = true;
    const res = await h.request('POST', `${W}/${hook.webhook_id}/recover`, { key, body: { since } });
    expect(res).toMatchObject({ status: 202, body: { rescheduled: 3 } });
    await waitFor(() => r.received.length === 6, 10_000, 'three recovered deliveries');
    expect(new Set(r.received.slice(3).map((x) => JSON.parse(x.body).data.i))).toEqual(new Set([0, 1, 2]));
    expect((await h.request('POST', `${W}/${hook.webhook_id}/recover`, { key, body: { since: 'yesterday' } })).status).toBe(422);
  });

  it('sends nothing to a paused webhook, and recovering the pause window after resuming sends exactly what it missed', async () => {
    const r = await receiver();
    const hook = await createHook(r.url);
    await publish({ event_type: 'object.created', data: { i: 'before' } });
    await waitFor(() => r.received.length === 1, 10_000, 'the delivery before the pause');
    const pausedAt = new Date().toISOString();
    expect((await h.request('PATCH', `${W}/${hook.webhook_id}`, { key, body: { is_active: false } })).status).toBe(200);
    for (const i of ['missed-1', 'missed-2', 'missed-3']) await publish({ event_type: 'object.created', data: { i } });
    await publish({ event_type: 'cluster.created', data: { i: 'not subscribed' } });
    await new Promise((done) => setTimeout(done, 300));
    expect(r.received).toHaveLength(1);
    expect((await h.request('PATCH', `${W}/${hook.webhook_id}`, { key, body: { is_active: true } })).status).toBe(200);
    await publish({ event_type: 'object.created', data: { i: 'after' } });
    await waitFor(() => r.received.length === 2, 10_000, 'the delivery after resuming');
    const res = await h.request('POST', `${W}/${hook.webhook_id}/recover`, { key, body: { since: pausedAt } });
    expect(res).toMatchObject({ status: 202, body: { rescheduled: 3 } });
    await waitFor(() => r.received.length === 5, 10_000, 'the three missed deliveries');
    await new Promise((done) => setTimeout(done, 300));
    expect(r.received.map((x) => JSON.parse(x.body).data.i).sort()).toEqual(['after', 'before', 'missed-1', 'missed-2', 'missed-3']);
  });

  it('pauses a webhook whose endpoint answers 410 Gone, through the domain, with the reason in the history', async () => {
    const r = await receiver((_req, res) => res.writeHead(410).end());
    const hook = await createHook(r.url);
    await publish({ event_type: 'object.created', data: {} });
    const history = await waitFor(
      async () => {
        const res = await h.request('GET', `${W}/${hook.webhook_id}/history`, { key });
        return res.body.events.find((e: { type: string }) => e.type === 'WebhookPaused') ? res.body.events : undefined;
      },
      10_000,
      'the automatic pause',
    );
    expect(history.at(-1)).toMatchObject({
      type: 'WebhookPaused',
      actor: 'system:delivery',
      data: { automatic: true, reason: expect.stringContaining('410 Gone') },
    });
    expect((await h.request('GET', `${W}/${hook.webhook_id}`, { key })).body.is_active).toBe(false);
    await publish({ event_type: 'object.created', data: {} });
    await new Promise((res) => setTimeout(res, 300));
    expect(r.received).toHaveLength(1);
  });

  it('auto-pauses after the configured number of failures in a row', async () => {
    const r = await receiver((_req, res) => res.writeHead(404).end());
    const hook = await createHook(r.url);
    for (let i = 0; i < 4; i++) await publish({ event_type: 'object.created', data: { i } });
    await waitFor(async () => (await h.request('GET', `${W}/${hook.webhook_id}`, { key })).body.is_active === false, 10_000, 'auto-pause');
    const history = (await h.request('GET', `${W}/${hook.webhook_id}/history`, { key })).body.events;
    expect(history.at(-1).data.reason).toMatch(/4 failed delivery attempts in a row/);
  });

  it('returns the first message_id for a repeated idempotency key and delivers once', async () => {
    const r = await receiver();
    await createHook(r.url);
    const first = await publish({ event_type: 'object.created', data: { v: 1 }, idempotency_key: 'order-7' });
    const again = await publish({ event_type: 'object.created', data: { v: 2 }, idempotency_key: 'order-7' });
    expect(again.body.message_id).toBe(first.body.message_id);
    await waitFor(() => r.received.length === 1, 10_000, 'one delivery');
    await new Promise((res) => setTimeout(res, 300));
    expect(r.received).toHaveLength(1);
    expect(JSON.parse(r.received[0]!.body).data).toEqual({ v: 1 });
  });

  it('sends a webhook.test event on request, and refuses unknown event types with 422', async () => {
    const r = await receiver();
    const hook = await createHook(r.url);
    const res = await h.request('POST', `${W}/${hook.webhook_id}/test`, { key });
    expect(res.status).toBe(202);
    const req = await waitFor(() => r.received[0], 10_000, 'the test event');
    expect(JSON.parse(req.body)).toMatchObject({ type: 'webhook.test', data: { webhook_id: hook.webhook_id } });
    const bad = await publish({ event_type: 'object.exploded', data: {} });
    expect(bad).toMatchObject({ status: 422, body: { error: { details: [{ path: ['event_type'] }] } } });
  });

  it('signs with the new and the old secret after a rotation, so receivers on either verify', async () => {
    const r = await receiver();
    const hook = await createHook(r.url);
    const rotated = await h.request('POST', `${W}/${hook.webhook_id}/secret/rotate`, { key });
    await publish({ event_type: 'object.created', data: { after: 'rotation' } });
    const req = await waitFor(() => r.received[0], 10_000, 'the delivery after rotation');
    for (const secret of [rotated.body.secret, hook.secret]) {
      expect(new Webhook(secret).verify(req.body, req.headers as Record<string, string>)).toMatchObject({ data: { after: 'rotation' } });
    }
  });

  it('gives a paused webhook nothing, and after resuming only the events accepted since', async () => {
    const r = await receiver();
    const hook = await createHook(r.url);
    await h.request('PATCH', `${W}/${hook.webhook_id}`, { key, body: { is_active: false } });
    await publish({ event_type: 'object.created', data: { while: 'paused' } });
    await h.request('PATCH', `${W}/${hook.webhook_id}`, { key, body: { is_active: true } });
    await publish({ event_type: 'object.created', data: { while: 'active' } });
    await waitFor(() => r.received[0], 10_000, 'the delivery after resume');
    await new Promise((res) => setTimeout(res, 300));
    expect(r.received.map((x) => JSON.parse(x.body).data)).toEqual([{ while: 'active' }]);
  });

  it('does not let a slow receiver hold back deliveries accepted after it', async () => {
    let slowDone = 0;
    const slow = await receiver((_req, res) =>
      setTimeout(() => {
        slowDone = performance.now();
        res.writeHead(204).end();
      }, 1500),
    );
    const fast = await receiver();
    await createHook(slow.url, { event_types: ['collection.created'] });
    await createHook(fast.url, { event_types: ['collection.deleted'] });
    await publish({ event_type: 'collection.created', data: {} });
    await waitFor(() => slow.received.length === 1, 10_000, 'the slow delivery to start');
    await publish({ event_type: 'collection.deleted', data: {} });
    await waitFor(() => fast.received.length === 1, 10_000, 'the fast delivery');
    const fastArrived = performance.now();
    expect(slowDone === 0 || fastArrived < slowDone).toBe(true);
    await waitFor(() => slowDone > 0, 10_000, 'the slow delivery to finish');
  });

  it('exposes delivery metrics to Prometheus', async () => {
    const res = await h.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/hookledger_delivery_attempts_total\{channel="webhook",outcome="succeeded"\} \d+/);
    expect(res.text).toContain('hookledger_delivery_queue_depth');
    expect(res.text).toContain('hookledger_delivery_attempt_seconds_bucket');
  });
});
