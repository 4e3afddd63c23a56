import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresDeliveryQueue } from '../../src/adapters/store/postgres/postgres-delivery-queue.js';
import { SqliteDeliveryQueue } from '../../src/adapters/store/sqlite/sqlite-delivery-queue.js';
import type { DeliveryDeps } from '../../src/application/index.js';
import { type Channel, type ExistingWebhook, fold } from '../../src/domain/index.js';
import { type RunningWorker, startWorker } from '../../src/main/worker.js';
import type { DeliveryQueue } from '../../src/ports/delivery-queue.js';
import type { Notifier } from '../../src/ports/notifier.js';
import { migratedSchema, onPostgres } from '../support/postgres.js';
import { tempSqlite } from '../support/sqlite-temp.js';
import { waitFor } from '../support/wait-for.js';
import { created } from '../support/webhook-fixtures.js';

const ORG = 'int_aaaaaaaaaaaaaaaaaaaaaaaa';
const HOOK = 'wh_0000000001';
const channel: Channel = { channel: 'webhook', configs: { url: 'https://receiver.example/hook', headers: {}, timeout: 10 } };
// Far longer than the test may take: a delivery that arrives came from a wake-up, not from a poll.
const POLL_MS = 60_000;

/** A worker on `queue` that notes when each message reaches its notifier. */
const workerOn = (queue: DeliveryQueue) => {
  const arrived = new Map<string, number>();
  const notifier: Notifier = {
    kind: 'webhook',
    send: async (_c, m) => {
      arrived.set(m.messageId, Date.now());
      return { disposition: 'succeeded', statusCode: 204, latencyMs: 1 };
    },
  };
  const deps: DeliveryDeps = {
    queue,
    notifiers: [notifier],
    secrets: { get: async () => ({ current: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }) } as unknown as DeliveryDeps['secrets'],
    clock: { now: () => new Date() },
    schedule: [0],
    random: () => 0.5,
    pause: async () => undefined,
    autoPause: { afterFailures: 1000, afterMs: 86_400_000 },
    currentWebhook: async () => fold([created({ webhook_id: HOOK, organization_id: ORG, channels: [channel] })]) as ExistingWebhook,
  };
  return { worker: startWorker(deps, pino({ level: 'silent' }), { pollMs: POLL_MS }), arrived };
};

const publish = async (queue: DeliveryQueue, n: number) => {
  const acceptedAt = new Date();
  await queue.enqueue({ messageId: `msg_${n}`, organizationId: ORG, eventType: 'object.created', data: { n }, acceptedAt: acceptedAt.toISOString() }, [
    { webhookId: HOOK, webhookName: 'W', channelIndex: 0, channelId: 'ch_1', channel },
  ]);
  return acceptedAt.getTime();
};

describe('a waiting worker starts on new jobs at once instead of at its next poll', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const stopping = (worker: RunningWorker) => cleanups.push(() => worker.stop());

  it('in its own process (SQLite): each publish reaches the receiver within moments although the poll is a minute', async () => {
    const t = tempSqlite();
    cleanups.push(t.cleanup);
    const queue = new SqliteDeliveryQueue(t.db);
    const { worker, arrived } = workerOn(queue);
    stopping(worker);
    await new Promise((resolve) => setTimeout(resolve, 200)); // its first claim found nothing: it is waiting out its poll
    for (const n of [1, 2, 3]) {
      const at = await publish(queue, n);
      await waitFor(() => arrived.has(`msg_${n}`), 5000, `msg_${n} to arrive`);
      expect(arrived.get(`msg_${n}`)! - at).toBeLessThan(2000);
    }
  });

  onPostgres('worker wake-up across processes', () =>
    it('in another process (PostgreSQL LISTEN/NOTIFY): a publish on one connection wakes the worker on another', async () => {
      const t = await migratedSchema();
      cleanups.push(t.drop);
      const { worker, arrived } = workerOn(new PostgresDeliveryQueue(t.pool()));
      stopping(worker);
      const publisher = new PostgresDeliveryQueue(t.first);
      await new Promise((resolve) => setTimeout(resolve, 500)); // listening, and its first claim found nothing
      for (const n of [1, 2, 3]) {
        const at = await publish(publisher, n);
        await waitFor(() => arrived.has(`msg_${n}`), 5000, `msg_${n} to arrive`);
        expect(arrived.get(`msg_${n}`)! - at).toBeLessThan(2000);
      }
    }),
  );
});
