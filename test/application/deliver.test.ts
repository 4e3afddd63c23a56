import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { createDeliveryMetrics } from '../../src/adapters/metrics/prometheus/delivery-metrics.js';
import { SqliteDeliveryQueue } from '../../src/adapters/store/sqlite/sqlite-delivery-queue.js';
import { SqliteWebhookSecrets } from '../../src/adapters/store/sqlite/sqlite-webhook-secrets.js';
import { type DeliveryDeps, type DeliveryProblem, attemptDelivery, claimDue, runDeliveryCycle } from '../../src/application/index.js';
import { type Channel, type ExistingWebhook, type WebhookEvent, fold } from '../../src/domain/index.js';
import type { AcceptedMessage, DeliveryQueue } from '../../src/ports/delivery-queue.js';
import type { AttemptResult, Notifier, OutboundMessage } from '../../src/ports/notifier.js';
import { tempSqlite } from '../support/sqlite-temp.js';
import { created, paused as pausedAt } from '../support/webhook-fixtures.js';

const ORG = 'int_aaaaaaaaaaaaaaaaaaaaaaaa';
const HOOK = 'wh_0000000001';
const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const LEASE = 60_000;
const channel: Channel = { channel: 'webhook', configs: { url: 'https://receiver.example/hook', headers: {}, timeout: 10 } };
const message = (n: number): AcceptedMessage => ({
  messageId: `msg_${n}`,
  organizationId: ORG,
  eventType: 'object.created',
  data: { n },
  acceptedAt: new Date(T0).toISOString(),
});
const ok: AttemptResult = { disposition: 'succeeded', statusCode: 204, latencyMs: 3 };
/** The webhook as the worker reads it before each attempt: its one channel is ch_1. */
const webhookNow = (...more: WebhookEvent[]) =>
  fold([created({ webhook_id: HOOK, organization_id: ORG, channels: [channel], at: new Date(T0).toISOString() }), ...more]) as ExistingWebhook;

/** A notifier whose every send does what `behave` says, and which remembers what it was asked to send. */
const scriptedNotifier = (behave: (m: OutboundMessage) => Promise<AttemptResult> | AttemptResult) => {
  const sent: string[] = [];
  const notifier: Notifier = {
    kind: 'webhook',
    send: async (_channel, m) => {
      sent.push(m.messageId);
      return behave(m);
    },
  };
  return { notifier, sent };
};

describe('attempting a delivery records an outcome whatever is thrown (real SQLite queue file)', () => {
  let t: ReturnType<typeof tempSqlite>;
  let queue: SqliteDeliveryQueue;
  let clock: ManualClock;
  let paused: string[];
  let problems: (DeliveryProblem & { error: unknown })[];

  const deps = (overrides: Partial<DeliveryDeps> = {}): DeliveryDeps => ({
    queue,
    notifiers: [scriptedNotifier(() => ok).notifier],
    secrets: new SqliteWebhookSecrets(t.db),
    clock,
    schedule: [0, 1000, 2000],
    random: () => 0.5,
    pause: async (_d, reason) => void paused.push(reason),
    autoPause: { afterFailures: 2, afterMs: 86_400_000 },
    currentWebhook: async () => webhookNow(),
    report: (error, problem) => problems.push({ ...problem, error }),
    ...overrides,
  });
  const cycle = { workerId: 'w1', leaseMs: LEASE, batchSize: 10 };
  const log = () => queue.attempts({ organizationId: ORG, webhookId: HOOK, limit: 20 });
  const lastError = async () => (await queue.lastErrors([HOOK])).get(HOOK);
  const status = (messageId: string) => t.db.prepare('SELECT status FROM deliveries WHERE message_id = ?').pluck().get(messageId);

  beforeEach(async () => {
    t = tempSqlite();
    queue = new SqliteDeliveryQueue(t.db);
    clock = new ManualClock(new Date(T0));
    paused = [];
    problems = [];
    await new SqliteWebhookSecrets(t.db).issue(HOOK, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  });
  afterEach(() => t.cleanup());

  const enqueue = (...ns: number[]) =>
    Promise.all(ns.map((n) => queue.enqueue(message(n), [{ webhookId: HOOK, webhookName: 'W', channelIndex: 0, channelId: 'ch_1', channel }])));

  it('records a notifier that throws an infrastructure error as a failed attempt, retried on the schedule, with last_error set', async () => {
    await enqueue(1);
    const { notifier, sent } = scriptedNotifier(() => {
      throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:6379'), { code: 'ECONNREFUSED' });
    });
    expect(await runDeliveryCycle(deps({ notifiers: [notifier] }), cycle)).toBe(1);
    expect(sent).toEqual(['msg_1']);
    expect((await log()).map((a) => [a.attempt, a.succeeded, a.statusCode, a.error, a.deliveryStatus])).toEqual([
      [1, false, null, 'internal error: ECONNREFUSED', 'scheduled'],
    ]);
    expect(await lastError()).toEqual({ message: 'internal error: ECONNREFUSED', channel: 'webhook', statusCode: null, at: new Date(T0).toISOString() });
    // The full error goes to the operator's log, not to the tenant.
    expect(problems).toEqual([
      expect.objectContaining({ stage: 'attempt', webhookId: HOOK, error: expect.objectContaining({ message: 'connect ECONNREFUSED 10.0.0.7:6379' }) }),
    ]);
    // Retried on the schedule (1 s, jitter 0.5 → exactly 1 s), not before.
    clock.set(new Date(T0 + 999));
    expect(await claimDue(deps(), cycle)).toEqual([]);
    clock.set(new Date(T0 + 1000));
    expect((await claimDue(deps(), cycle)).map((d) => [d.message.messageId, d.attempts, d.claimsWithoutOutcome])).toEqual([['msg_1', 1, 0]]);
  });

  it('records a deterministic failure (a template the notifier cannot render) as final, with its message', async () => {
    await enqueue(1);
    const { notifier } = scriptedNotifier(() => {
      throw Object.assign(new Error('Unclosed section "items" at 14'), { deterministic: true });
    });
    await runDeliveryCycle(deps({ notifiers: [notifier] }), cycle);
    expect((await log()).map((a) => [a.error, a.deliveryStatus])).toEqual([['Unclosed section "items" at 14', 'failed']]);
    expect(await lastError()).toMatchObject({ message: 'Unclosed section "items" at 14' });
    clock.set(new Date(T0 + 86_400_000));
    expect(await claimDue(deps(), cycle)).toEqual([]);
  });

  it('records a secrets store that throws as a retried attempt, without calling the notifier', async () => {
    await enqueue(1);
    const { notifier, sent } = scriptedNotifier(() => ok);
    const secrets = {
      ...new SqliteWebhookSecrets(t.db),
      get: async () => Promise.reject(Object.assign(new Error('SQLITE_IOERR: disk I/O error'), { code: 'SQLITE_IOERR' })),
    };
    await runDeliveryCycle(deps({ notifiers: [notifier], secrets: secrets as unknown as DeliveryDeps['secrets'] }), cycle);
    expect(sent).toEqual([]);
    expect((await log()).map((a) => [a.error, a.deliveryStatus])).toEqual([['internal error: SQLITE_IOERR', 'scheduled']]);
    expect(await lastError()).toMatchObject({ message: 'internal error: SQLITE_IOERR' });
  });

  it('records a webhook-state check that throws, and a notifier that answers nothing usable, as retried attempts', async () => {
    await enqueue(1);
    await runDeliveryCycle(deps({ currentWebhook: async () => Promise.reject(new TypeError('boom')) }), cycle);
    await enqueue(2);
    const { notifier } = scriptedNotifier(() => ({ disposition: 'maybe' }) as unknown as AttemptResult);
    await runDeliveryCycle(deps({ notifiers: [notifier] }), cycle);
    expect((await log()).map((a) => [a.messageId, a.error, a.deliveryStatus]).sort()).toEqual([
      ['msg_1', 'internal error: TypeError', 'scheduled'],
      ['msg_2', 'internal error: Error', 'scheduled'],
    ]);
  });

  it('counts thrown failures towards auto-pause, like answered ones', async () => {
    await enqueue(1, 2);
    const { notifier } = scriptedNotifier(() => {
      throw new Error('kaput');
    });
    for (const _ of [1, 2]) await runDeliveryCycle(deps({ notifiers: [notifier] }), { ...cycle, batchSize: 1 });
    expect(await queue.failureStreak(HOOK)).toEqual({ count: 2, since: new Date(T0).toISOString() });
    expect(paused).toEqual([`auto-paused: 2 failed delivery attempts in a row since ${new Date(T0).toISOString()}`]);
  });

  it('keeps the recorded attempt when the auto-pause check or the pause itself fails, and reports it', async () => {
    await enqueue(1, 2);
    const { notifier } = scriptedNotifier(() => ({ disposition: 'gone', statusCode: 410, latencyMs: 2, error: 'HTTP 410' }));
    await runDeliveryCycle(deps({ notifiers: [notifier], pause: async () => Promise.reject(new Error('stream conflict')) }), cycle);
    expect((await log()).map((a) => [a.statusCode, a.deliveryStatus])).toEqual([
      [410, 'failed'],
      [410, 'failed'],
    ]);
    expect(problems.map((p) => [p.stage, (p.error as Error).message])).toEqual([
      ['auto-pause', 'stream conflict'],
      ['auto-pause', 'stream conflict'],
    ]);

    await enqueue(3);
    const failing = scriptedNotifier(() => ({ disposition: 'retry', statusCode: 503, latencyMs: 2, error: 'HTTP 503' })).notifier;
    const streakFails = new Proxy(queue, { get: (q, k) => (k === 'failureStreak' ? () => Promise.reject(new Error('read failed')) : Reflect.get(q, k, q)) });
    await expect(runDeliveryCycle(deps({ notifiers: [failing], queue: streakFails as DeliveryQueue }), cycle)).resolves.toBe(1);
    expect(status('msg_3')).toBe('scheduled');
  });

  it('records the attempt when the metrics hook throws (observe never throws into the worker)', async () => {
    await enqueue(1);
    await runDeliveryCycle(
      deps({
        observe: () => {
          throw new Error('metrics down');
        },
      }),
      cycle,
    );
    expect((await log()).map((a) => a.deliveryStatus)).toEqual(['succeeded']);
    expect(problems.map((p) => [p.stage, (p.error as Error).message])).toEqual([['observe', 'metrics down']]);
  });

  it('records the attempt when the report hook throws too', async () => {
    await enqueue(1);
    const { notifier } = scriptedNotifier(() => Promise.reject(new Error('x')));
    const explode = () => {
      throw new Error('log down');
    };
    await runDeliveryCycle(deps({ notifiers: [notifier], observe: explode, report: explode }), cycle);
    expect((await log()).map((a) => a.deliveryStatus)).toEqual(['scheduled']);
  });

  it('records through the Prometheus adapter, which swallows values prom-client refuses', async () => {
    await enqueue(1);
    const metrics = createDeliveryMetrics(queue, () => clock.now().getTime());
    const observation = { messageId: 'msg_1', webhookId: HOOK, channel: 'webhook', outcome: 'succeeded', attempt: 1, statusCode: 200, error: undefined };
    expect(() => metrics.observe({ ...observation, latencyMs: Number.NaN, sinceAcceptedMs: Number.NaN })).not.toThrow();
    const { notifier } = scriptedNotifier(() => ({ ...ok, latencyMs: Number.NaN }));
    await runDeliveryCycle(deps({ notifiers: [notifier], observe: metrics.observe }), cycle);
    expect((await log()).map((a) => [a.deliveryStatus, a.latencyMs])).toEqual([['succeeded', 0]]);
    expect((await metrics.render()).body).toContain('hookledger_delivery_attempts_total{channel="webhook",outcome="succeeded"} 2');
    const broken = createDeliveryMetrics({ ...queue, depth: () => Promise.reject(new Error('gone')) } as unknown as DeliveryQueue, () => T0);
    await expect(broken.render()).resolves.toMatchObject({ body: expect.stringContaining('hookledger_delivery_queue_depth') });
  });

  it('still throws when the store fails while recording, so the lease brings the job back', async () => {
    await enqueue(1);
    const recordFails = new Proxy(queue, { get: (q, k) => (k === 'record' ? () => Promise.reject(new Error('SQLITE_FULL')) : Reflect.get(q, k, q)) });
    const [d] = await claimDue(deps(), cycle);
    await expect(attemptDelivery(deps({ queue: recordFails as DeliveryQueue }), 'w1', d!)).rejects.toThrow('SQLITE_FULL');
    expect(await log()).toEqual([]);
    clock.set(new Date(T0 + LEASE));
    expect((await claimDue(deps(), cycle)).map((x) => [x.attempts, x.claimsWithoutOutcome])).toEqual([[0, 1]]);
  });

  it('holds a paused webhook’s job without an attempt', async () => {
    await enqueue(1);
    const { notifier, sent } = scriptedNotifier(() => ok);
    await runDeliveryCycle(deps({ notifiers: [notifier], currentWebhook: async () => webhookNow(pausedAt(new Date(T0).toISOString())) }), cycle);
    expect([sent, await log(), status('msg_1')]).toEqual([[], [], 'held']);
  });

  describe('a poison job (its worker died each time it was claimed)', () => {
    /** Claims as a worker that dies before recording anything, then lets its lease run out. */
    const claimAndDie = async (worker: string) => {
      const claimed = await claimDue(deps(), { ...cycle, workerId: worker });
      clock.advance(LEASE);
      return claimed;
    };

    it('is set aside as failed with the reason on the claim after three deaths, without calling the notifier; a retry by hand is a real attempt', async () => {
      await enqueue(1);
      for (const worker of ['dead-1', 'dead-2', 'dead-3']) expect(await claimAndDie(worker)).toHaveLength(1);
      const { notifier, sent } = scriptedNotifier(() => ok);
      const [d] = await claimDue(deps(), cycle);
      expect(d?.claimsWithoutOutcome).toBe(3);
      await attemptDelivery(deps({ notifiers: [notifier] }), 'w1', d!);
      expect(sent).toEqual([]);
      const reason = 'abandoned: started 3 times without an outcome (the worker stopped each time)';
      expect((await log()).map((a) => [a.attempt, a.succeeded, a.error, a.deliveryStatus])).toEqual([[1, false, reason, 'failed']]);
      expect(await lastError()).toMatchObject({ message: reason });
      clock.advance(86_400_000);
      expect(await claimDue(deps(), cycle)).toEqual([]);

      // The user retries it: the count starts again and the notifier is called.
      expect(await queue.reschedule({ organizationId: ORG, webhookId: HOOK, messageId: 'msg_1', now: clock.now().getTime() })).toBe(1);
      await runDeliveryCycle(deps({ notifiers: [notifier] }), cycle);
      expect(sent).toEqual(['msg_1']);
      expect((await log()).map((a) => a.deliveryStatus)).toEqual(['succeeded', 'succeeded']);
    });

    it('is still sent after two deaths (it may have been a bystander)', async () => {
      await enqueue(1);
      await claimAndDie('dead-1');
      await claimAndDie('dead-2');
      const { notifier, sent } = scriptedNotifier(() => ok);
      await runDeliveryCycle(deps({ notifiers: [notifier] }), cycle);
      expect(sent).toEqual(['msg_1']);
      expect((await log()).map((a) => a.deliveryStatus)).toEqual(['succeeded']);
    });
  });
});
