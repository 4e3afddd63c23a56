import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { SqliteDeliveryQueue } from '../../src/adapters/store/sqlite/sqlite-delivery-queue.js';
import type { DeliveryDeps } from '../../src/application/index.js';
import { type Channel, type ExistingWebhook, fold } from '../../src/domain/index.js';
import { startWorker } from '../../src/main/worker.js';
import type { Clock } from '../../src/ports/clock.js';
import type { AcceptedMessage, DeliveryQueue } from '../../src/ports/delivery-queue.js';
import type { AttemptResult, Notifier, OutboundMessage } from '../../src/ports/notifier.js';
import { tempSqlite } from '../support/sqlite-temp.js';
import { waitFor } from '../support/wait-for.js';
import { created } from '../support/webhook-fixtures.js';

const ORG = 'int_aaaaaaaaaaaaaaaaaaaaaaaa';
const HOOK = 'wh_0000000001';
const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const channel: Channel = { channel: 'webhook', configs: { url: 'https://receiver.example/hook', headers: {}, timeout: 10 } };
const ok: AttemptResult = { disposition: 'succeeded', statusCode: 204, latencyMs: 1 };
const ABANDONED = 'abandoned: started 3 times without an outcome (the worker stopped each time)';

describe('the delivery worker loop survives whatever a delivery does (real SQLite queue file)', () => {
  let t: ReturnType<typeof tempSqlite>;
  let queue: SqliteDeliveryQueue;
  let logs: { msg: string }[];
  const logger = () => pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as { msg: string }) });

  beforeEach(() => {
    t = tempSqlite();
    queue = new SqliteDeliveryQueue(t.db);
    logs = [];
  });
  afterEach(() => t.cleanup());

  const enqueue = async (n: number, at = T0) => {
    const message: AcceptedMessage = {
      messageId: `msg_${n}`,
      organizationId: ORG,
      eventType: 'object.created',
      data: { n },
      acceptedAt: new Date(at).toISOString(),
    };
    await queue.enqueue(message, [{ webhookId: HOOK, webhookName: 'W', channelIndex: 0, channelId: 'ch_1', channel }]);
  };
  const outcomes = async () =>
    Object.fromEntries(
      [...(await queue.attempts({ organizationId: ORG, webhookId: HOOK, limit: 100 }))]
        .reverse()
        .map((a) => [a.messageId, `${a.deliveryStatus}${a.error ? `: ${a.error}` : ''}`]),
    );
  const notifierBy = (behave: (m: OutboundMessage) => Promise<AttemptResult>) => {
    const calls: string[] = [];
    const notifier: Notifier = { kind: 'webhook', send: async (_c, m) => (calls.push(m.messageId), behave(m)) };
    return { notifier, calls };
  };
  const deps = (clock: Clock, notifier: Notifier, overrides: Partial<DeliveryDeps> = {}): DeliveryDeps => ({
    queue,
    notifiers: [notifier],
    secrets: { get: async () => ({ current: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }) } as unknown as DeliveryDeps['secrets'],
    clock,
    schedule: [0],
    random: () => 0.5,
    pause: async () => undefined,
    autoPause: { afterFailures: 1000, afterMs: 86_400_000 },
    currentWebhook: async () => fold([created({ webhook_id: HOOK, organization_id: ORG, channels: [channel] })]) as ExistingWebhook,
    ...overrides,
  });

  it('logs a throwing, rejecting or hanging notifier and a throwing metrics hook, delivers the rest, and sets aside a job that never finishes', async () => {
    const system: Clock = { now: () => new Date() };
    const now = Date.now();
    for (let n = 1; n <= 6; n++) await enqueue(n, now);
    const { notifier, calls } = notifierBy(async (m) => {
      if (m.messageId === 'msg_1') throw new Error('thrown');
      if (m.messageId === 'msg_2') return Promise.reject(new Error('rejected'));
      if (m.messageId === 'msg_3') return new Promise<never>(() => undefined); // never answers
      return ok;
    });
    const worker = startWorker(
      deps(system, notifier, {
        observe: () => {
          throw new Error('metrics down');
        },
      }),
      logger(),
      { pollMs: 10, leaseMs: 200 },
    );
    try {
      await waitFor(async () => Object.keys(await outcomes()).length === 6, 10_000, 'an outcome for every job');
    } finally {
      await worker.stop();
    }
    expect(await outcomes()).toEqual({
      msg_1: 'failed: internal error: Error',
      msg_2: 'failed: internal error: Error',
      msg_3: `failed: ${ABANDONED}`,
      msg_4: 'succeeded',
      msg_5: 'succeeded',
      msg_6: 'succeeded',
    });
    // Started three times, each lease running out, then set aside without a fourth send.
    expect(calls.filter((id) => id === 'msg_3')).toHaveLength(3);
    expect(logs.filter((l) => l.msg.includes('still running when its lease ended'))).toHaveLength(3);
    expect(logs.some((l) => l.msg === 'delivery observe failed')).toBe(true);
  });

  it('runs a job whose worker died with nothing beside it, so a poison job takes no other job with it', async () => {
    // Five jobs; msg_1 kills whichever process sends it: everything that process had in flight is lost.
    for (let n = 1; n <= 5; n++) await enqueue(n);
    const clock = new ManualClock(new Date(T0));
    const runProcess = async () => {
      let dead = false;
      let died!: () => void;
      const death = new Promise<void>((resolve) => (died = resolve));
      // A dead process writes nothing more.
      const mortal = new Proxy(queue, {
        get: (q, k) => {
          const v = Reflect.get(q, k, q) as unknown;
          return typeof v === 'function'
            ? (...args: unknown[]) => (dead ? Promise.reject(new Error('process gone')) : (v as (...a: unknown[]) => unknown).apply(q, args))
            : v;
        },
      }) as DeliveryQueue;
      const { notifier, calls } = notifierBy(async (m) => {
        if (m.messageId === 'msg_1') {
          dead = true;
          died();
          throw new Error('process gone');
        }
        // Slow enough that a job sent beside msg_1 is still in flight when the process dies.
        await Promise.race([death, new Promise((r) => setTimeout(r, 50))]);
        return ok;
      });
      const worker = startWorker(deps(clock, notifier, { queue: mortal }), logger(), { pollMs: 5, leaseMs: 60_000 });
      await waitFor(async () => dead || Object.keys(await outcomes()).length === 5, 10_000, 'the process to die or finish');
      await worker.stop();
      clock.advance(60_000); // its leases run out
      return calls;
    };
    const sent: string[][] = [];
    for (let life = 0; life < 6 && Object.keys(await outcomes()).length < 5; life++) sent.push(await runProcess());
    expect(await outcomes()).toEqual({ msg_1: `failed: ${ABANDONED}`, msg_2: 'succeeded', msg_3: 'succeeded', msg_4: 'succeeded', msg_5: 'succeeded' });
    // The first process had everything in flight; after that msg_1 always ran alone, and was never sent a fourth time.
    expect(sent[0]!.sort()).toEqual(['msg_1', 'msg_2', 'msg_3', 'msg_4', 'msg_5']);
    expect(sent.flat().filter((id) => id === 'msg_1')).toHaveLength(3);
  });
});
