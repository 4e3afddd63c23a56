import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresDeliveryQueue } from '../../src/adapters/store/postgres/postgres-delivery-queue.js';
import pg from 'pg';
import { PG_URL, migratedSchema, onPostgres } from '../support/postgres.js';
import { openSqliteDatabase } from '../../src/adapters/store/sqlite/open-database.js';
import { SqliteDeliveryQueue } from '../../src/adapters/store/sqlite/sqlite-delivery-queue.js';
import type { Database } from 'better-sqlite3';
import type { AcceptedMessage, AttemptRecord, DeliveryQueue, DeliveryTarget, LastDeliveryError } from '../../src/ports/delivery-queue.js';
import { tempSqlite } from '../support/sqlite-temp.js';
import { fairClaimCases } from './fair-claims.contract.js';
import { groupCommitCases } from './group-commit.contract.js';

const ORG = 'int_aaaaaaaaaaaaaaaaaaaaaaaa';
const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const msg = (n: number, at = T0): AcceptedMessage => ({
  messageId: `msg_${n}`,
  organizationId: ORG,
  eventType: 'object.created',
  data: { n },
  acceptedAt: new Date(at).toISOString(),
});
const target = (webhookId = 'wh_0000000001', channelIndex = 0): DeliveryTarget => ({
  webhookId,
  webhookName: 'W',
  channelIndex,
  channelId: `ch_${channelIndex + 1}`,
  channel: { channel: 'webhook', configs: { url: 'https://e.com', headers: {}, timeout: 10 } },
});
const ok = (at = T0): AttemptRecord => ({ at: new Date(at).toISOString(), succeeded: true, statusCode: 200, latencyMs: 5 });
const bad = (at = T0, statusCode = 500): AttemptRecord => ({
  at: new Date(at).toISOString(),
  succeeded: false,
  statusCode,
  latencyMs: 5,
  error: `HTTP ${statusCode}`,
});

type Fixture = {
  queue: DeliveryQueue;
  second?: () => DeliveryQueue;
  cleanup: () => Promise<void>;
  /** Another connection whose writes cannot commit until released (group commit: a failed batch). */
  blocked?: () => Promise<{ queue: DeliveryQueue; release: () => Promise<void> }>;
  /** Another connection told of jobs enqueued on this one (PostgreSQL LISTEN/NOTIFY). */
  listening?: () => DeliveryQueue;
  /** last_error as computed before it was kept (issue 16): ranking every attempt of the webhook. */
  lastErrorsByRanking: (webhookIds: readonly string[]) => Promise<ReadonlyMap<string, LastDeliveryError>>;
};

const sqliteRanking = (db: Database) => async (webhookIds: readonly string[]) => {
  const rows = db
    .prepare(
      `SELECT webhook_id, error, status_code, at, channel FROM (
         SELECT d.webhook_id, a.error, a.status_code, a.at, json_extract(d.channel, '$.channel') AS channel,
                row_number() OVER (PARTITION BY d.webhook_id ORDER BY a.attempt_id DESC) AS rn
         FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.delivery_id
         WHERE d.webhook_id IN (SELECT value FROM json_each(?)) AND a.succeeded = 0 AND a.cancelled = 0)
       WHERE rn = 1`,
    )
    .all(JSON.stringify(webhookIds)) as { webhook_id: string; error: string | null; status_code: number | null; at: string; channel: string }[];
  return new Map(rows.map((r) => [r.webhook_id, { message: r.error ?? 'failed', channel: r.channel, statusCode: r.status_code, at: r.at }]));
};
const postgresRanking = (pool: pg.Pool) => async (webhookIds: readonly string[]) => {
  const result = await pool.query<{ webhook_id: string; error: string | null; status_code: number | null; at: string; channel_kind: string }>(
    `SELECT DISTINCT ON (d.webhook_id) d.webhook_id, a.error, a.status_code, a.at, d.channel_kind
     FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.delivery_id
     WHERE d.webhook_id = ANY($1::text[]) AND NOT a.succeeded AND NOT a.cancelled
     ORDER BY d.webhook_id, a.attempt_id DESC`,
    [webhookIds],
  );
  return new Map(result.rows.map((r) => [r.webhook_id, { message: r.error ?? 'failed', channel: r.channel_kind, statusCode: r.status_code, at: r.at }]));
};

const contract = (name: string, factory: () => Fixture | Promise<Fixture>) =>
  describe(`DeliveryQueue contract: ${name}`, () => {
    let f: Fixture;
    let q: DeliveryQueue;
    beforeEach(async () => {
      f = await factory();
      q = f.queue;
    });
    afterEach(() => f.cleanup());
    const claim = (now = T0, workerId = 'w1', leaseMs = 60_000, limit = 10) => q.claim({ workerId, now, leaseMs, limit });
    groupCommitCases({ queue: () => q, blocked: () => f.blocked?.(), listening: () => f.listening?.() });
    fairClaimCases({
      queue: () => q,
      second: () => f.second?.(),
      fresh: async () => {
        const g = await factory();
        return { queue: g.queue, cleanup: g.cleanup };
      },
    });

    it('stores a message with one job per target, due at once, each claimed by one worker only', async () => {
      expect(await q.enqueue(msg(1), [target('wh_0000000001', 0), target('wh_0000000001', 1), target('wh_0000000002', 0)])).toEqual({
        messageId: 'msg_1',
        duplicate: false,
      });
      const first = await claim(T0, 'w1');
      expect(first.map((d) => [d.webhookId, d.channelIndex, d.attempts])).toEqual([
        ['wh_0000000001', 0, 0],
        ['wh_0000000001', 1, 0],
        ['wh_0000000002', 0, 0],
      ]);
      expect(first[0]!.message).toEqual(msg(1));
      expect(await claim(T0 + 1000, 'w2')).toEqual([]);
    });

    it('hands an expired lease to another worker, and refuses the first worker’s late result', async () => {
      await q.enqueue(msg(1), [target()]);
      const [mine] = await claim(T0, 'w1', 1000);
      const [theirs] = await claim(T0 + 1001, 'w2', 1000);
      expect(theirs?.deliveryId).toBe(mine?.deliveryId);
      expect(await q.record(mine!.deliveryId, 'w1', ok(), { status: 'succeeded' })).toBe(false);
      expect(await q.record(theirs!.deliveryId, 'w2', ok(), { status: 'succeeded' })).toBe(true);
      const log = await q.attempts({ organizationId: ORG, webhookId: 'wh_0000000001', limit: 10 });
      expect(log).toHaveLength(1);
    });

    it('schedules the next attempt, fails for good, and succeeds, recording every attempt', async () => {
      await q.enqueue(msg(1), [target()]);
      const [d] = await claim();
      await q.record(d!.deliveryId, 'w1', bad(), { status: 'scheduled', at: T0 + 5000 });
      expect(await claim(T0 + 4999)).toEqual([]);
      const [again] = await claim(T0 + 5000);
      expect(again?.attempts).toBe(1);
      await q.record(again!.deliveryId, 'w1', ok(T0 + 5000), { status: 'succeeded' });
      expect(await claim(T0 + 999_999)).toEqual([]);
      const log = await q.attempts({ organizationId: ORG, webhookId: 'wh_0000000001', limit: 10 });
      expect(log.map((a) => [a.attempt, a.succeeded, a.statusCode, a.deliveryStatus])).toEqual([
        [2, true, 200, 'succeeded'],
        [1, false, 500, 'succeeded'],
      ]);
      expect(await q.lastErrors(['wh_0000000001', 'wh_0000000002'])).toEqual(
        new Map([['wh_0000000001', { message: 'HTTP 500', channel: 'webhook', statusCode: 500, at: new Date(T0).toISOString() }]]),
      );
      expect(await q.failureStreak('wh_0000000001')).toEqual({ count: 0, since: undefined });
    });

    it('keeps last_error as the ranking of every attempt gives it, with failures, successes and cancellations recorded at once', async () => {
      const hooks = ['wh_0000000001', 'wh_0000000002'];
      for (let n = 1; n <= 16; n++) await q.enqueue(msg(n), [target(hooks[n % 2])]);
      const queues = [q, ...(f.second ? [f.second()] : [])];
      const outcome = (d: { deliveryId: number }, i: number, at: number): Promise<boolean> => {
        const queue = queues[i % queues.length]!;
        switch (i % 4) {
          case 0:
            return queue.record(d.deliveryId, 'w1', bad(at, 500 + i), { status: 'failed' });
          case 1:
            return queue.record(d.deliveryId, 'w1', bad(at, 400 + i), { status: 'scheduled', at: T0 + 60_000 });
          case 2:
            return queue.record(d.deliveryId, 'w1', ok(at), { status: 'succeeded' });
          default:
            return queue.cancel(d.deliveryId, 'w1', { at: new Date(at).toISOString(), error: 'cancelled: the channel was removed' });
        }
      };
      const jobs = await claim(T0, 'w1', 60_000, 12);
      expect(jobs).toHaveLength(12);
      // Every outcome at once, over every connection: batches and transactions interleave.
      expect(await Promise.all(jobs.map((d, i) => outcome(d, i, T0 + i * 1000)))).toEqual(jobs.map(() => true));
      const afterFailures = await f.lastErrorsByRanking(hooks);
      expect([...afterFailures.keys()].sort()).toEqual(hooks);
      expect(await q.lastErrors(hooks)).toEqual(afterFailures);
      // The rest succeed or are cancelled, later than every failure: neither changes last_error.
      const rest = await claim(T0 + 1000, 'w1', 60_000, 10);
      expect(rest).toHaveLength(4);
      await Promise.all(rest.map((d, i) => outcome(d, 2 + (i % 2), T0 + 100_000 + i)));
      expect(await f.lastErrorsByRanking(hooks)).toEqual(afterFailures);
      expect(await q.lastErrors([...hooks, 'wh_0000000003'])).toEqual(afterFailures);
      expect(await q.lastErrors([hooks[1]!])).toEqual(new Map([[hooks[1]!, afterFailures.get(hooks[1]!)!]]));
      // The retried jobs fail again, at once: the later failure is last_error.
      const retried = await claim(T0 + 60_000, 'w1', 60_000, 10);
      expect(retried.length).toBeGreaterThan(0);
      await Promise.all(retried.map((d, i) => outcome(d, 4 * i + 1, T0 + 200_000 + i)));
      const afterRetries = await f.lastErrorsByRanking(hooks);
      expect(afterRetries).not.toEqual(afterFailures);
      expect(await q.lastErrors(hooks)).toEqual(afterRetries);
    });

    it('returns the first message for a repeated idempotency key within its window, and accepts it again after', async () => {
      const key = { key: 'k1', expiresAt: new Date(T0 + 86_400_000).toISOString() };
      await q.enqueue(msg(1), [target()], key);
      expect(await q.enqueue(msg(2, T0 + 1000), [target()], key)).toEqual({ messageId: 'msg_1', duplicate: true });
      expect(await claim(T0 + 2000)).toHaveLength(1);
      const later = { key: 'k1', expiresAt: new Date(T0 + 2 * 86_400_000 + 1).toISOString() };
      expect(await q.enqueue(msg(3, T0 + 86_400_001), [target()], later)).toEqual({ messageId: 'msg_3', duplicate: false });
    });

    it('writes nothing when one job of a message cannot be stored', async () => {
      await expect(q.enqueue(msg(1), [target(), target()])).rejects.toThrow();
      expect(await claim()).toEqual([]);
      expect(await q.enqueue(msg(1), [target()])).toEqual({ messageId: 'msg_1', duplicate: false });
    });

    it('reschedules one message, or every failed one in a window, and filters attempts', async () => {
      for (const n of [1, 2, 3]) await q.enqueue(msg(n, T0 + n * 1000), [target()]);
      for (const d of await claim(T0 + 10_000)) await q.record(d.deliveryId, 'w1', bad(T0 + 10_000, 404), { status: 'failed' });
      expect(await q.reschedule({ organizationId: ORG, webhookId: 'wh_0000000001', since: new Date(T0 + 2000).toISOString(), now: T0 + 20_000 })).toBe(2);
      expect((await claim(T0 + 20_000)).map((d) => d.message.messageId).sort()).toEqual(['msg_2', 'msg_3']);
      expect(await q.reschedule({ organizationId: ORG, webhookId: 'wh_0000000001', messageId: 'msg_1', now: T0 + 30_000 })).toBe(1);
      expect(await q.reschedule({ organizationId: 'int_other', webhookId: 'wh_0000000001', messageId: 'msg_1', now: T0 })).toBe(0);
      expect((await q.attempts({ organizationId: ORG, webhookId: 'wh_0000000001', status: 'failed', limit: 10 })).length).toBe(3);
      expect(await q.attempts({ organizationId: 'int_other', webhookId: 'wh_0000000001', limit: 10 })).toEqual([]);
      expect(await q.failureStreak('wh_0000000001')).toEqual({ count: 3, since: new Date(T0 + 10_000).toISOString() });
    });

    it('never hands one job to two workers claiming at once, across connections', async () => {
      for (let n = 1; n <= 40; n++) await q.enqueue(msg(n), [target()]);
      const queues = [q, ...(f.second ? [f.second(), f.second()] : [])];
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, i) => queues[i % queues.length]!.claim({ workerId: `w${i}`, now: T0, leaseMs: 60_000, limit: 9 })),
      );
      const ids = claims.flat().map((d) => d.message.messageId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(40);
    });

    it('accepts a repeated idempotency key sent concurrently once', async () => {
      const key = { key: 'same', expiresAt: new Date(T0 + 86_400_000).toISOString() };
      const queues = [q, ...(f.second ? [f.second()] : [])];
      const results = await Promise.all([1, 2, 3, 4, 5].map((n) => queues[n % queues.length]!.enqueue(msg(n), [target()], key)));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      const first = results.find((r) => !r.duplicate)!.messageId;
      expect(results.every((r) => r.messageId === first)).toBe(true);
      expect(await claim()).toHaveLength(1);
    });

    it('holds a paused webhook’s jobs: never claimed, not pending, sent once a window is recovered', async () => {
      await q.enqueue(msg(1), [target('wh_0000000001'), { ...target('wh_0000000002'), held: true }]);
      await q.enqueue(msg(2, T0 + 5000), [{ ...target('wh_0000000002'), held: true }]);
      expect((await claim(T0 + 10_000)).map((d) => d.webhookId)).toEqual(['wh_0000000001']);
      expect((await q.depth(T0 + 10_000)).pending).toBe(1);
      // Only the window asked for: msg_2.
      expect(await q.reschedule({ organizationId: ORG, webhookId: 'wh_0000000002', since: new Date(T0 + 1000).toISOString(), now: T0 + 20_000 })).toBe(1);
      expect((await claim(T0 + 20_000)).map((d) => [d.webhookId, d.message.messageId])).toEqual([['wh_0000000002', 'msg_2']]);
      expect(await claim(T0 + 30_000)).toEqual([]);
    });

    it('sets a leased job aside as held without an attempt, only for the worker holding it, until recovered', async () => {
      await q.enqueue(msg(1), [target()]);
      const [d] = await claim(T0, 'w1');
      expect(await q.hold(d!.deliveryId, 'w2')).toBe(false);
      expect(await q.hold(d!.deliveryId, 'w1')).toBe(true);
      expect(await claim(T0 + 999_999)).toEqual([]);
      expect(await q.attempts({ organizationId: ORG, webhookId: 'wh_0000000001', limit: 10 })).toEqual([]);
      expect(await q.reschedule({ organizationId: ORG, webhookId: 'wh_0000000001', since: new Date(T0).toISOString(), now: T0 + 5 })).toBe(1);
      expect(await claim(T0 + 5)).toHaveLength(1);
    });

    it('counts the claims of a job that ended without an outcome, and starts again from 0 once an attempt is recorded', async () => {
      await q.enqueue(msg(1), [target()]);
      const seen: number[] = [];
      for (let i = 0; i < 4; i++) {
        // Each claim's worker dies: the next one finds the lease expired.
        const [d] = await claim(T0 + i * 1001, `dead-${i}`, 1000);
        seen.push(d!.claimsWithoutOutcome);
      }
      expect(seen).toEqual([0, 1, 2, 3]);
      const [d] = await claim(T0 + 4 * 1001, 'w1', 1000);
      expect(d?.claimsWithoutOutcome).toBe(4);
      expect(await q.record(d!.deliveryId, 'w1', bad(T0 + 4 * 1001), { status: 'scheduled', at: T0 + 10_000 })).toBe(true);
      const [again] = await claim(T0 + 10_000);
      expect([again?.attempts, again?.claimsWithoutOutcome]).toEqual([1, 0]);
    });

    it('starts the count again when a job is held or rescheduled by hand, so a manual retry is a real attempt', async () => {
      await q.enqueue(msg(1), [target()]);
      await q.enqueue(msg(2), [target()]);
      for (let i = 0; i < 3; i++) await claim(T0 + i * 1001, `dead-${i}`, 1000);
      const stranded = await claim(T0 + 3 * 1001, 'w1', 1000);
      expect(stranded.map((d) => d.claimsWithoutOutcome)).toEqual([3, 3]);
      const [held, other] = stranded;
      expect(await q.hold(held!.deliveryId, 'w1')).toBe(true);
      // msg_2 is left leased: while the lease lives, it is being attempted and a retry is refused; once it expired, it is stranded and a retry takes it.
      const retry = (now: number) => q.reschedule({ organizationId: ORG, webhookId: 'wh_0000000001', messageId: other!.message.messageId, now });
      expect(await retry(T0 + 3 * 1001 + 999)).toBe(0);
      expect(await retry(T0 + 4 * 1001)).toBe(1);
      expect(await q.record(other!.deliveryId, 'w1', ok(), { status: 'succeeded' })).toBe(false);
      expect(await q.reschedule({ organizationId: ORG, webhookId: 'wh_0000000001', since: new Date(T0).toISOString(), now: T0 + 5000 })).toBe(1);
      const fresh = await claim(T0 + 5000);
      expect(fresh.map((d) => [d.message.messageId, d.claimsWithoutOutcome]).sort()).toEqual([
        ['msg_1', 0],
        ['msg_2', 0],
      ]);
    });

    it('takes a released job back unattempted, due as before, as if it had not been claimed', async () => {
      await q.enqueue(msg(1), [target()]);
      await q.enqueue(msg(2, T0 + 1), [target()]);
      const [dead] = await claim(T0, 'dead', 1000, 1);
      const [d] = await claim(T0 + 1001, 'w1', 1000, 1);
      expect([d?.deliveryId, d?.claimsWithoutOutcome]).toEqual([dead?.deliveryId, 1]);
      expect(await q.release(d!.deliveryId, 'w2')).toBe(false);
      expect(await q.release(d!.deliveryId, 'w1')).toBe(true);
      expect(await q.release(d!.deliveryId, 'w1')).toBe(false);
      // Due as before: ahead of the younger msg_2, with the count it had before this claim.
      const next = await claim(T0 + 1002, 'w2', 1000, 1);
      expect(next.map((x) => [x.message.messageId, x.claimsWithoutOutcome])).toEqual([['msg_1', 1]]);
      expect(await q.attempts({ organizationId: ORG, webhookId: 'wh_0000000001', limit: 10 })).toEqual([]);
    });

    it('reports depth and the oldest due age', async () => {
      await q.enqueue(msg(1), [target(), target('wh_0000000002')]);
      expect(await q.depth(T0 + 3000)).toEqual({ pending: 2, oldestDueMs: 3000 });
    });

    it('survives a reopen with its jobs intact (durable across restarts)', async () => {
      if (!f.second) return;
      await q.enqueue(msg(1), [target()]);
      await claim(T0, 'dead-worker', 1000);
      expect((await f.second().claim({ workerId: 'w2', now: T0 + 1001, leaseMs: 1000, limit: 10 })).map((d) => d.message.messageId)).toEqual(['msg_1']);
    });
  });

contract('SQLite file', () => {
  const t = tempSqlite();
  return {
    queue: new SqliteDeliveryQueue(t.db),
    second: () => new SqliteDeliveryQueue(t.reopen()),
    cleanup: t.cleanup,
    lastErrorsByRanking: sqliteRanking(t.db),
    blocked: async () => {
      const db = t.reopen();
      db.pragma('busy_timeout = 50'); // gives up on the lock at once instead of after 5 s
      const locker = t.reopen();
      locker.exec('BEGIN IMMEDIATE');
      return { queue: new SqliteDeliveryQueue(db), release: async () => void locker.exec('ROLLBACK') };
    },
  };
});
contract('SQLite :memory:', () => {
  const db = openSqliteDatabase(':memory:');
  return { queue: new SqliteDeliveryQueue(db), cleanup: async () => void db.close(), lastErrorsByRanking: sqliteRanking(db) };
});
onPostgres('DeliveryQueue contract', () =>
  contract('PostgreSQL', async () => {
    const t = await migratedSchema();
    return {
      queue: new PostgresDeliveryQueue(t.first),
      second: () => new PostgresDeliveryQueue(t.pool()),
      cleanup: t.drop,
      lastErrorsByRanking: postgresRanking(t.first),
      listening: () => new PostgresDeliveryQueue(t.pool()),
      blocked: async () => {
        const locker = await t.pool().connect();
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE messages IN ACCESS EXCLUSIVE MODE');
        // Gives up on the lock after 100 ms instead of waiting for it.
        const pool = new pg.Pool({ connectionString: PG_URL, options: `-c search_path=${t.schema} -c lock_timeout=100`, max: 4 });
        return {
          queue: new PostgresDeliveryQueue(pool),
          release: async () => {
            await locker.query('ROLLBACK');
            locker.release();
            await pool.end();
          },
        };
      },
    };
  }),
);
