import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { buildDeliveryDeps } from '../../src/main/container.js';
import { type RunningWorker, startWorker } from '../../src/main/worker.js';
import { type Harness, startHarness } from '../support/http-harness.js';
import { startReceiver } from '../support/receivers.js';
import { waitFor } from '../support/wait-for.js';

/**
 * ADR 0014 end to end: the real API and worker on a SQLite file, real loopback receivers, real
 * HTTP. One organization's endpoints hold every request for seconds; another organization's
 * events still arrive at once, each endpoint keeps to its in-flight limit, a channel's
 * rate_limit paces its deliveries, and nothing is dropped.
 */
const W = '/v1/organizations/webhooks';
const HOLD_MS = 2500;

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

describe('fair scheduling in a running worker (real HTTP, SQLite file, slow loopback receivers)', () => {
  let h: Harness | undefined;
  let worker: RunningWorker | undefined;
  const receivers: Receiver[] = [];
  const logs: string[] = [];
  afterEach(async () => {
    await worker?.stop();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    await h?.close();
    worker = undefined;
    h = undefined;
  });

  /** A receiver that holds each request `holdMs`, counting how many it holds at once, per path. */
  const slowReceiver = async (holdMs: number) => {
    const open = new Map<string, number>();
    const most = new Map<string, number>();
    const r = await startReceiver((req, res) => {
      const n = (open.get(req.url) ?? 0) + 1;
      open.set(req.url, n);
      most.set(req.url, Math.max(most.get(req.url) ?? 0, n));
      setTimeout(() => {
        open.set(req.url, open.get(req.url)! - 1);
        res.writeHead(204).end();
      }, holdMs);
    });
    receivers.push(r);
    return { ...r, most };
  };
  const fastReceiver = async () => {
    const arrived = new Map<number, number>();
    const r = await startReceiver((req, res) => {
      arrived.set((JSON.parse(req.body) as { data: { n: number } }).data.n, Date.now());
      res.writeHead(204).end();
    });
    receivers.push(r);
    return { ...r, arrived };
  };
  const start = async (options: { concurrency?: number; endpointConcurrency?: number } = {}) => {
    h = await startHarness('sqlite-file', logs, { realClock: true });
    worker = startWorker(buildDeliveryDeps(h.container), pino({ level: 'silent' }), { pollMs: 20, ...options });
    return h;
  };
  const create = async (key: string, channels: unknown[]) => {
    const res = await h!.request('POST', `${W}/`, { key, body: { webhook_name: 'W', event_types: ['object.*'], channels } });
    expect(res.status, res.text).toBe(201);
  };
  const publish = async (key: string, n: number) => {
    const res = await h!.request('POST', '/v1/events', { key, body: { event_type: 'object.created', data: { n } } });
    expect(res.status, res.text).toBe(202);
  };

  it('delivers another organization’s events within a second while one organization’s 50 endpoints hold every request 2.5 s', async () => {
    await start({ concurrency: 20 });
    const p = await h!.newOrg('slow-p');
    const q = await h!.newOrg('fast-q');
    const slow = await slowReceiver(HOLD_MS);
    const fast = await fastReceiver();
    for (let w = 0; w < 5; w++) {
      await create(
        p.key,
        Array.from({ length: 10 }, (_, c) => ({ channel: 'webhook', configs: { url: `${slow.url}/w${w}/c${c}` } })),
      );
    }
    await create(q.key, [{ channel: 'webhook', configs: { url: `${fast.url}/q` } }]);
    await publish(p.key, 0);
    // P fills every slot of the worker (50 deliveries, 20 slots: first come, first served, it would hold them for 3 rounds).
    await waitFor(() => slow.received.length >= 20, 5000, 'P’s first 20 deliveries');
    const sent = new Map<number, number>();
    for (let n = 1; n <= 3; n++) {
      sent.set(n, Date.now());
      await publish(q.key, n);
      await new Promise((r) => setTimeout(r, 200));
    }
    await waitFor(() => fast.arrived.size >= 3, 5000, 'Q’s 3 events');
    const latencies = [...sent].map(([n, at]) => fast.arrived.get(n)! - at);
    expect(Math.max(...latencies), `Q's publish-to-arrival ${latencies.join(', ')} ms`).toBeLessThan(1000);
    // Nothing of P's is dropped: all 50 arrive, in rounds.
    await waitFor(() => slow.received.length >= 50, 4 * HOLD_MS + 5000, 'all 50 of P’s deliveries');
    expect(new Set(slow.received.map((r) => r.url)).size).toBe(50);
  }, 30_000);

  it('keeps an endpoint to its in-flight limit while the organization’s other endpoint goes on', async () => {
    await start({ concurrency: 20, endpointConcurrency: 2 });
    const p = await h!.newOrg('one-slow-endpoint');
    const slow = await slowReceiver(1000);
    const fast = await fastReceiver();
    await create(p.key, [{ channel: 'webhook', configs: { url: `${slow.url}/slow` } }]);
    for (let n = 0; n < 6; n++) await publish(p.key, n);
    await waitFor(() => slow.received.length >= 2, 5000, 'the slow endpoint’s first deliveries');
    await create(p.key, [{ channel: 'webhook', configs: { url: `${fast.url}/fast` } }]);
    const at = Date.now();
    await publish(p.key, 100);
    await waitFor(() => fast.arrived.get(100), 3000, 'the other endpoint’s event');
    expect(fast.arrived.get(100)! - at).toBeLessThan(700);
    await waitFor(() => slow.received.length >= 7, 10_000, 'every slow delivery');
    expect(slow.most.get('/slow')).toBe(2);
  }, 30_000);

  it('paces a channel with a rate_limit: its jobs wait, none dropped, and another channel is not held back', async () => {
    await start({ concurrency: 20 });
    const p = await h!.newOrg('rate-limited');
    const limited = await fastReceiver();
    const free = await fastReceiver();
    await create(p.key, [
      { channel: 'webhook', configs: { url: `${limited.url}/limited`, rate_limit: 4 } },
      { channel: 'webhook', configs: { url: `${free.url}/free` } },
    ]);
    const at = Date.now();
    for (let n = 0; n < 10; n++) await publish(p.key, n);
    await waitFor(() => free.arrived.size >= 10, 3000, 'the unlimited channel’s 10');
    expect(Math.max(...free.arrived.values()) - at).toBeLessThan(1000);
    await waitFor(() => limited.arrived.size >= 10, 5000, 'the limited channel’s 10');
    // 4 per second, a burst of 4, then one each 250 ms: the 10th goes no sooner than 1.5 s after the first (less a little for the network).
    const times = [...limited.arrived.values()].sort((a, b) => a - b);
    const seen = `arrivals ${times.map((t) => t - times[0]!).join(', ')} ms`;
    expect(times.at(-1)! - times[0]!, seen).toBeGreaterThanOrEqual(1400);
    for (let i = 5; i < times.length; i++) expect(times[i]! - times[4]!, seen).toBeGreaterThanOrEqual((i - 4) * 250 - 100);
  }, 30_000);

  it('refuses a rate_limit that is not a positive number with its path, and stores nothing', async () => {
    await start();
    const p = await h!.newOrg('bad-rate');
    for (const rate of [0, -1, '5', null, 1e9]) {
      const res = await h!.request('POST', `${W}/`, {
        key: p.key,
        body: {
          webhook_name: 'W',
          event_types: ['object.*'],
          channels: [{ channel: 'slack', configs: { webhook_url: 'https://hooks.slack.com/services/T/B/X', rate_limit: rate } }],
        },
      });
      expect(res.status, `rate_limit ${JSON.stringify(rate)}`).toBe(422);
      expect(res.body.error.details.map((d: { path: unknown }) => d.path)).toEqual([['channels', 0, 'configs', 'rate_limit']]);
    }
    expect((await h!.request('GET', `${W}/`, { key: p.key })).body.results ?? []).toEqual([]);
  });
});
