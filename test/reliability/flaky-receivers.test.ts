import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, webhookBody, startHarness } from '../support/http-harness.js';
import { startReceiver } from '../support/receivers.js';
import { waitFor } from '../support/wait-for.js';

const W = '/v1/organizations/webhooks';
interface Attempt {
  attempt: number;
  at: string;
  status: string;
  status_code: number | null;
  error?: string;
  delivery_status: string;
}

describe('flaky receivers: the schedule, the attempt log, last_error and auto-pause', () => {
  let h: Harness;
  let key: string;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    // Four attempts 100 ms, 200 ms and 300 ms apart; auto-pause after 6 failures in a row.
    h = await startHarness('sqlite-file', undefined, {
      worker: true,
      realClock: true,
      env: { HOOKLEDGER_RETRY_SCHEDULE: '0,100ms,200ms,300ms', HOOKLEDGER_AUTO_PAUSE_FAILURES: '6' },
    });
    key = (await h.newOrg()).key;
  });
  afterAll(async () => {
    await Promise.all(closers.map((c) => c()));
    await h.close();
  });

  const setUp = async (answer: Parameters<typeof startReceiver>[0], timeout = 10) => {
    const r = await startReceiver(answer);
    closers.push(r.close);
    const hook = await h.request('POST', `${W}/`, {
      key,
      body: webhookBody({ event_types: ['object.*'], channels: [{ channel: 'webhook', configs: { url: r.url, timeout } }] }),
    });
    expect(hook.status).toBe(201);
    const id = hook.body.webhook_id as string;
    const log = async () => ((await h.request('GET', `${W}/${id}/deliveries`, { key })).body.results as Attempt[]).slice().reverse();
    return { r, id, log };
  };
  const publish = () => h.request('POST', '/v1/events', { key, body: { event_type: 'object.created', data: {} } });
  const gaps = (log: Attempt[]) => log.slice(1).map((a, i) => Date.parse(a.at) - Date.parse(log[i]!.at));

  it('a receiver that never answers: each attempt times out, on the schedule, and the delivery fails for good', async () => {
    const { id, log } = await setUp(() => undefined, 1);
    await publish();
    const attempts = await waitFor(
      async () => {
        const l = await log();
        return l.length === 4 && l[3]!.delivery_status === 'failed' && l;
      },
      20_000,
      'four timed-out attempts',
    );
    expect(attempts.map((a) => [a.status, a.status_code])).toEqual(Array(4).fill(['failed', null]));
    for (const a of attempts) expect(a.error).toMatch(/timed out after 1000 ms/);
    const body = (await h.request('GET', `${W}/${id}`, { key })).body;
    expect(body.last_error).toMatchObject({ channel: 'webhook', status_code: null, message: expect.stringMatching(/timed out/) });
  });

  it('a receiver that resets the connection: retried, recorded as a connection error, then delivered', async () => {
    let n = 0;
    const { log } = await setUp((req, res) => (++n <= 2 ? res.socket?.destroy() : res.writeHead(200).end()));
    await publish();
    const attempts = await waitFor(
      async () => {
        const l = await log();
        return l.length === 3 && l;
      },
      10_000,
      'two resets and a success',
    );
    expect(attempts.map((a) => a.status)).toEqual(['failed', 'failed', 'succeeded']);
    expect(attempts[0]!.error).toMatch(/socket hang up|ECONNRESET|closed/i);
    // The schedule's 100 ms and 200 ms (±20 %) between attempts.
    const [first, second] = gaps(attempts);
    expect(first).toBeGreaterThanOrEqual(80);
    expect(second).toBeGreaterThanOrEqual(160);
  });

  it('429 with Retry-After: the next attempt waits for it rather than for the shorter schedule', async () => {
    let n = 0;
    const { log } = await setUp((_req, res) => (++n === 1 ? res.writeHead(429, { 'retry-after': '2' }).end() : res.writeHead(204).end()));
    await publish();
    const attempts = await waitFor(
      async () => {
        const l = await log();
        return l.length === 2 && l;
      },
      10_000,
      'the attempt after Retry-After',
    );
    expect(attempts.map((a) => [a.status, a.status_code])).toEqual([
      ['failed', 429],
      ['succeeded', 204],
    ]);
    expect(gaps(attempts)[0]).toBeGreaterThanOrEqual(1900);
  });

  it('500 on every attempt: auto-paused after the failure streak, through the domain, and nothing more is sent', async () => {
    const { r, id, log } = await setUp((_req, res) => res.writeHead(500).end('down'));
    await publish();
    await publish();
    const history = await waitFor(
      async () => {
        const events = (await h.request('GET', `${W}/${id}/history`, { key })).body.events as {
          type: string;
          data: { automatic?: boolean; reason?: string };
        }[];
        return events.some((e) => e.type === 'WebhookPaused') && events;
      },
      20_000,
      'the automatic pause',
    );
    expect(history.find((e) => e.type === 'WebhookPaused')!.data).toMatchObject({ automatic: true, reason: expect.stringMatching(/fail/i) });
    expect((await h.request('GET', `${W}/${id}`, { key })).body).toMatchObject({ is_active: false, last_error: { status_code: 500 } });
    const sent = r.received.length;
    await publish();
    await new Promise((done) => setTimeout(done, 500));
    expect(r.received.length - sent).toBeLessThanOrEqual(1); // an attempt already leased may still go out; no new message does
    expect((await log()).every((a) => a.status === 'failed')).toBe(true);
  });

  it('410 Gone: final at once, and the webhook is paused with the reason in its history', async () => {
    const { r, id } = await setUp((_req, res) => res.writeHead(410).end());
    await publish();
    const body = await waitFor(
      async () => {
        const b = (await h.request('GET', `${W}/${id}`, { key })).body;
        return b.is_active === false && b;
      },
      10_000,
      'the pause on 410',
    );
    expect(body.last_error).toMatchObject({ status_code: 410 });
    expect(r.received).toHaveLength(1);
  });
});
