import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type StoreKind, availableKinds, startHarness, webhookBody } from '../support/http-harness.js';
import { startReceiver } from '../support/receivers.js';
import { waitFor } from '../support/wait-for.js';

const W = '/v1/organizations/webhooks';
const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface AttemptRow {
  message_id: string;
  status: string;
  error: string | null;
  delivery_status: string;
}

describe.each<StoreKind>(await availableKinds('sqlite-file', 'postgres'))(
  'repairs go where the settings point now (real API, worker, %s, loopback receivers)',
  (kind) => {
    let h: Harness;
    let key: string;
    const closers: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      h = await startHarness(kind, undefined, { worker: true, realClock: true, env: { HOOKLEDGER_AUTO_PAUSE_FAILURES: '3' } });
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
    const createHook = async (channels: unknown[]) => {
      const res = await h.request('POST', `${W}/`, { key, body: webhookBody({ event_types: ['object.*'], channels }) });
      expect(res.status, res.text).toBe(201);
      return res.body as { webhook_id: string; channels: { channel_id: string }[] };
    };
    const publish = async (data: unknown) => {
      const res = await h.request('POST', '/v1/events', { key, body: { event_type: 'object.created', data } });
      expect(res.status).toBe(202);
      return res.body.message_id as string;
    };
    const attempts = async (id: string) => (await h.request('GET', `${W}/${id}/deliveries`, { key })).body.results as AttemptRow[];
    const isActive = async (id: string) => (await h.request('GET', `${W}/${id}`, { key })).body.is_active as boolean;

    it('recovers and retries to the repaired URL with the repaired Authorization header; the old URL gets nothing more', async () => {
      const old = await receiver((_req, res) => res.writeHead(404).end());
      const fixed = await receiver();
      const hook = await createHook([{ channel: 'webhook', configs: { url: `${old.url}/hook`, headers: { Authorization: 'Bearer old-token' } } }]);
      expect(hook.channels.map((c) => c.channel_id)).toEqual(['ch_1']);
      const since = new Date(Date.now() - 1000).toISOString();
      const first = await publish({ n: 1 });
      await publish({ n: 2 });
      await waitFor(async () => (await attempts(hook.webhook_id)).filter((a) => a.delivery_status === 'failed').length === 2, 10_000, 'two final failures');
      expect(old.received.map((r) => r.headers.authorization)).toEqual(['Bearer old-token', 'Bearer old-token']);

      // The owner repairs the channel in place: it keeps its id, so the failed jobs follow it.
      const patched = await h.request('PATCH', `${W}/${hook.webhook_id}`, {
        key,
        body: { channels: [{ channel: 'webhook', configs: { url: `${fixed.url}/hook`, headers: { Authorization: 'Bearer new-token' } } }] },
      });
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body.channels).toEqual([
        { channel_id: 'ch_1', channel: 'webhook', configs: { url: `${fixed.url}/hook`, headers: { Authorization: 'Bearer new-token' }, timeout: 10 } },
      ]);

      expect(await h.request('POST', `${W}/${hook.webhook_id}/recover`, { key, body: { since } })).toMatchObject({ status: 202, body: { rescheduled: 2 } });
      await waitFor(() => fixed.received.length === 2, 10_000, 'the two recovered deliveries at the new URL');
      expect((await h.request('POST', `${W}/${hook.webhook_id}/deliveries/${first}/retry`, { key })).status).toBe(202);
      await waitFor(() => fixed.received.length === 3, 10_000, 'the retried delivery at the new URL');

      expect(fixed.received.map((r) => [r.url, r.headers.authorization])).toEqual(Array(3).fill(['/hook', 'Bearer new-token']));
      expect(fixed.received.map((r) => JSON.parse(r.body).data.n).sort()).toEqual([1, 1, 2]);
      expect(fixed.received.at(-1)!.headers['webhook-id']).toBe(first);
      await pause(300);
      expect(old.received).toHaveLength(2);
    });

    it('cancels, visibly, a queued retry of a channel that was removed, and delivers the kept channel', async () => {
      const doomed = await receiver((_req, res) => res.writeHead(503, { 'Retry-After': '2' }).end());
      const kept = await receiver();
      const hook = await createHook([
        { channel: 'webhook', configs: { url: `${doomed.url}/a` } },
        { channel: 'webhook', configs: { url: `${kept.url}/b` } },
      ]);
      const messageId = await publish({ n: 1 });
      await waitFor(() => doomed.received.length === 1 && kept.received.length === 1, 10_000, 'the first attempts');
      // An id the webhook never gave is refused with its path, and nothing is stored.
      const unknown = await h.request('PATCH', `${W}/${hook.webhook_id}`, {
        key,
        body: { channels: [{ channel_id: 'ch_9', channel: 'webhook', configs: { url: `${kept.url}/b` } }] },
      });
      expect(unknown).toMatchObject({
        status: 422,
        body: { error: { details: [{ path: ['channels', 0, 'channel_id'], message: expect.stringContaining('ch_9') }] } },
      });
      expect((await h.request('GET', `${W}/${hook.webhook_id}`, { key })).body.version).toBe(1);
      // The retry for channel ch_1 is queued (Retry-After: 2 s) when the owner removes that channel, keeping ch_2 by its id.
      const patched = await h.request('PATCH', `${W}/${hook.webhook_id}`, {
        key,
        body: { channels: [{ channel_id: 'ch_2', channel: 'webhook', configs: { url: `${kept.url}/b` } }] },
      });
      expect(patched.body.channels.map((c: { channel_id: string }) => c.channel_id)).toEqual(['ch_2']);
      const log = await waitFor(
        async () => {
          const rows = await attempts(hook.webhook_id);
          return rows.some((a) => a.delivery_status === 'cancelled') ? rows : undefined;
        },
        10_000,
        'the cancellation',
      );
      // The job's rows, newest first: its cancellation (with the reason), then the attempt it made before.
      expect(log.filter((a) => a.delivery_status === 'cancelled').map((a) => [a.message_id, a.status, a.error])).toEqual([
        [messageId, 'failed', 'cancelled: channel ch_1 was removed from the webhook; nothing was sent'],
        [messageId, 'failed', 'HTTP 503'],
      ]);
      expect(log.filter((a) => a.delivery_status === 'succeeded')).toHaveLength(1);
      expect(doomed.received).toHaveLength(1);
      // A cancellation is not the webhook's last error: that stays the 503 the endpoint answered.
      expect((await h.request('GET', `${W}/${hook.webhook_id}`, { key })).body.last_error).toMatchObject({ message: 'HTTP 503', status_code: 503 });
    });

    it('restarts the failure streak on resume: a resumed webhook is not paused again by its next single failure', async () => {
      const r = await receiver((_req, res) => res.writeHead(404).end());
      const hook = await createHook([{ channel: 'webhook', configs: { url: `${r.url}/x` } }]);
      for (const n of [1, 2, 3]) await publish({ n });
      await waitFor(async () => (await isActive(hook.webhook_id)) === false, 10_000, 'the auto-pause after 3 failures');
      expect((await h.request('PATCH', `${W}/${hook.webhook_id}`, { key, body: { is_active: true } })).status).toBe(200);
      await publish({ n: 4 });
      await waitFor(() => r.received.length === 4, 10_000, 'the attempt after resuming');
      await waitFor(async () => (await attempts(hook.webhook_id)).length === 4, 10_000, 'its recorded outcome');
      await pause(300);
      expect(await isActive(hook.webhook_id)).toBe(true);
      const history = (await h.request('GET', `${W}/${hook.webhook_id}/history`, { key })).body.events as { type: string }[];
      expect(history.map((e) => e.type)).toEqual(['WebhookCreated', 'WebhookPaused', 'WebhookResumed']);
    });
  },
);
