import type { Database } from 'better-sqlite3';
import type { Pool } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresDeliveryQueue } from '../../src/adapters/store/postgres/postgres-delivery-queue.js';
import { openSqliteDatabase } from '../../src/adapters/store/sqlite/open-database.js';
import { SqliteDeliveryQueue } from '../../src/adapters/store/sqlite/sqlite-delivery-queue.js';
import { type DeliveryStatus, type RecoverWindow, isDeliveryStatus, isRecoverable, isRetryable } from '../../src/domain/index.js';
import type { AcceptedMessage, AttemptRecord, DeliveryQueue, DeliveryTarget } from '../../src/ports/delivery-queue.js';
import { migratedSchema, onPostgres } from '../support/postgres.js';
import { tempSqlite } from '../support/sqlite-temp.js';

const ORG = 'int_aaaaaaaaaaaaaaaaaaaaaaaa';
const HOOK = 'wh_0000000001';
const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const at = (seconds: number) => T0 + seconds * 1000;
const iso = (seconds: number) => new Date(at(seconds)).toISOString();
const msg = (id: string, acceptedSeconds: number): AcceptedMessage => ({
  messageId: id,
  organizationId: ORG,
  eventType: 'object.created',
  data: {},
  acceptedAt: iso(acceptedSeconds),
});
const target = (channelIndex = 0, held = false): DeliveryTarget => ({
  webhookId: HOOK,
  webhookName: 'W',
  channelIndex,
  channelId: `ch_${channelIndex + 7}`,
  channel: { channel: 'webhook', configs: { url: 'https://e.com', headers: {}, timeout: 10 } },
  ...(held ? { held: true } : {}),
});
const bad = (seconds: number): AttemptRecord => ({ at: iso(seconds), succeeded: false, statusCode: 500, latencyMs: 5, error: 'HTTP 500' });
const ok = (seconds: number): AttemptRecord => ({ at: iso(seconds), succeeded: true, statusCode: 200, latencyMs: 5 });

/** One job as stored: what the repair rules look at. */
interface JobRow {
  readonly messageId: string;
  readonly status: DeliveryStatus;
  readonly acceptedAt: string;
  readonly leaseUntil: number | null;
  readonly nextAttemptAt: number | null;
}

interface Fixture {
  readonly queue: DeliveryQueue;
  /** Every job of HOOK, read straight from the store. */
  readonly jobs: () => Promise<JobRow[]>;
  readonly cleanup: () => Promise<void>;
}

const sqliteJobs = (db: Database) => async (): Promise<JobRow[]> =>
  (
    db
      .prepare(
        `SELECT d.message_id, d.status, m.accepted_at, d.lease_until, d.next_attempt_at FROM deliveries d JOIN messages m ON m.message_id = d.message_id
         WHERE d.webhook_id = ? ORDER BY d.message_id`,
      )
      .all(HOOK) as { message_id: string; status: string; accepted_at: string; lease_until: number | null; next_attempt_at: number | null }[]
  ).map(toJob);
const postgresJobs = (pool: Pool) => async (): Promise<JobRow[]> =>
  (
    await pool.query<{ message_id: string; status: string; accepted_at: string; lease_until: string | null; next_attempt_at: string | null }>(
      `SELECT d.message_id, d.status, m.accepted_at, d.lease_until, d.next_attempt_at FROM deliveries d JOIN messages m ON m.message_id = d.message_id
       WHERE d.webhook_id = $1 ORDER BY d.message_id`,
      [HOOK],
    )
  ).rows.map((r) =>
    toJob({
      ...r,
      lease_until: r.lease_until === null ? null : Number(r.lease_until),
      next_attempt_at: r.next_attempt_at === null ? null : Number(r.next_attempt_at),
    }),
  );
const toJob = (r: { message_id: string; status: string; accepted_at: string; lease_until: number | null; next_attempt_at: number | null }): JobRow => {
  if (!isDeliveryStatus(r.status)) throw new Error(`the store holds a status outside the domain's union: ${r.status}`);
  return { messageId: r.message_id, status: r.status, acceptedAt: r.accepted_at, leaseUntil: r.lease_until, nextAttemptAt: r.next_attempt_at };
};

// Jobs in every status (a lease both live and expired), their messages accepted at every place around a window.
const KINDS = ['scheduled', 'leased-live', 'leased-expired', 'succeeded', 'failed', 'held', 'cancelled'] as const;
const ACCEPTED = [0, 10, 20, 30, 40];
const CLAIMED = at(100);
const NOW = at(200);
const FAR = at(1_000_000);

/** Builds the jobs through the port only: enqueue, claim, record, hold, cancel. */
const seed = async (q: DeliveryQueue) => {
  const id = (kind: string, t: number) => `msg_${kind}_${String(t).padStart(2, '0')}`;
  // The expired leases first, claimed alone with a 1 ms lease.
  for (const t of ACCEPTED) await q.enqueue(msg(id('leased-expired', t), t), [target()]);
  expect(await q.claim({ workerId: 'w-short', now: CLAIMED, leaseMs: 1, limit: 100 })).toHaveLength(ACCEPTED.length);
  for (const kind of KINDS.filter((k) => k !== 'leased-expired')) {
    for (const t of ACCEPTED) await q.enqueue(msg(id(kind, t), t), [target(0, kind === 'held')]);
  }
  const claimed = await q.claim({ workerId: 'w1', now: CLAIMED, leaseMs: 1_000_000_000, limit: 100 });
  for (const d of claimed) {
    const kind = KINDS.find((k) => d.message.messageId.startsWith(`msg_${k}_`));
    if (kind === 'scheduled') await q.record(d.deliveryId, 'w1', bad(100), { status: 'scheduled', at: FAR });
    else if (kind === 'succeeded') await q.record(d.deliveryId, 'w1', ok(100), { status: 'succeeded' });
    else if (kind === 'failed') await q.record(d.deliveryId, 'w1', bad(100), { status: 'failed' });
    else if (kind === 'cancelled') expect(await q.cancel(d.deliveryId, 'w1', { at: iso(100), error: 'cancelled: channel ch_7 was removed' })).toBe(true);
  }
};

/** Jobs the last reschedule touched: due now, which no job was before (the scheduled ones are due far later). */
const rescheduled = (jobs: readonly JobRow[]) => jobs.filter((j) => j.status === 'scheduled' && j.nextAttemptAt === NOW).map((j) => j.messageId);

const repairContract = (name: string, factory: () => Promise<Fixture>) =>
  describe(`DeliveryQueue repair and cancellation: ${name}`, () => {
    const opened: Fixture[] = [];
    const open = async () => {
      const f = await factory();
      opened.push(f);
      return f;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((f) => f.cleanup()));
    });

    const windows: RecoverWindow[] = [
      { since: iso(10), until: iso(30) },
      { since: iso(20) },
      { since: iso(0), until: iso(40) },
      { since: iso(41) },
      { since: iso(15), until: iso(15) },
    ];
    it.each(windows)('recover $since … $until reschedules exactly the jobs the domain’s isRecoverable selects', async (window) => {
      const f = await open();
      await seed(f.queue);
      const before = await f.jobs();
      expect(new Set(before.map((j) => j.status))).toEqual(new Set(['scheduled', 'leased', 'succeeded', 'failed', 'held', 'cancelled']));
      const expected = before.filter((j) => isRecoverable(j, window)).map((j) => j.messageId);
      const n = await f.queue.reschedule({ organizationId: ORG, webhookId: HOOK, since: window.since, until: window.until, now: NOW });
      expect(rescheduled(await f.jobs())).toEqual(expected);
      expect(n).toBe(expected.length);
    });

    it('retry of one message reschedules exactly the jobs the domain’s isRetryable selects', async () => {
      const f = await open();
      await seed(f.queue);
      const before = await f.jobs();
      const expected = before.filter((j) => isRetryable(j, NOW)).map((j) => j.messageId);
      const counts = new Map<string, number>();
      for (const j of before) counts.set(j.messageId, await f.queue.reschedule({ organizationId: ORG, webhookId: HOOK, messageId: j.messageId, now: NOW }));
      // The scheduled ones are due now too, like the rest retried: the same set, and each answered 1.
      expect(rescheduled(await f.jobs())).toEqual(expected);
      expect([...counts].filter(([, n]) => n === 1).map(([m]) => m)).toEqual(expected);
      expect(expected.some((m) => m.startsWith('msg_cancelled_') || m.startsWith('msg_leased-live_'))).toBe(false);
    });

    it('keeps the channel id a job was queued for, and cancels a leased job visibly, only for the worker holding it', async () => {
      const { queue: q } = await open();
      await q.enqueue(msg('msg_1', 0), [target(0), target(1)]);
      const claimed = await q.claim({ workerId: 'w1', now: at(1), leaseMs: 60_000, limit: 10 });
      expect(claimed.map((d) => [d.channelIndex, d.channelId])).toEqual([
        [0, 'ch_7'],
        [1, 'ch_8'],
      ]);
      const [first, second] = claimed;
      expect(await q.cancel(first!.deliveryId, 'w2', { at: iso(1), error: 'cancelled: x' })).toBe(false);
      expect(await q.cancel(first!.deliveryId, 'w1', { at: iso(1), error: 'cancelled: channel ch_7 was removed from the webhook; nothing was sent' })).toBe(
        true,
      );
      expect(await q.cancel(first!.deliveryId, 'w1', { at: iso(2), error: 'again' })).toBe(false);
      await q.record(second!.deliveryId, 'w1', bad(1), { status: 'failed' });
      const log = await q.attempts({ organizationId: ORG, webhookId: HOOK, limit: 10 });
      expect(log.map((a) => [a.attempt, a.succeeded, a.error, a.deliveryStatus])).toEqual([
        [1, false, 'HTTP 500', 'failed'],
        [1, false, 'cancelled: channel ch_7 was removed from the webhook; nothing was sent', 'cancelled'],
      ]);
      // Neither claimable again, nor retried by hand, nor recovered.
      expect(await q.claim({ workerId: 'w1', now: FAR, leaseMs: 60_000, limit: 10 })).toEqual([]);
      expect(await q.reschedule({ organizationId: ORG, webhookId: HOOK, since: iso(0), now: at(5) })).toBe(1);
      expect((await q.claim({ workerId: 'w1', now: at(5), leaseMs: 60_000, limit: 10 })).map((d) => d.channelId)).toEqual(['ch_8']);
    });

    it('leaves a cancellation out of last_error and the failure streak', async () => {
      const { queue: q } = await open();
      await q.enqueue(msg('msg_1', 0), [target(0)]);
      await q.enqueue(msg('msg_2', 1), [target(0)]);
      const [a, b] = await q.claim({ workerId: 'w1', now: at(2), leaseMs: 60_000, limit: 10 });
      await q.record(a!.deliveryId, 'w1', bad(2), { status: 'failed' });
      await q.cancel(b!.deliveryId, 'w1', { at: iso(3), error: 'cancelled: the webhook was deleted; nothing was sent' });
      expect((await q.lastErrors([HOOK])).get(HOOK)).toMatchObject({ message: 'HTTP 500', at: iso(2) });
      expect(await q.failureStreak(HOOK)).toEqual({ count: 1, since: iso(2) });
    });

    it('counts the failure streak only from the later of the last success and the given reset (resume, channel change)', async () => {
      const { queue: q } = await open();
      for (const n of [1, 2, 3, 4, 5]) await q.enqueue(msg(`msg_${n}`, 0), [target(0)]);
      const jobs = await q.claim({ workerId: 'w1', now: at(1), leaseMs: 60_000, limit: 10 });
      const outcomes: [AttemptRecord, 'succeeded' | 'failed'][] = [
        [ok(1), 'succeeded'],
        [bad(2), 'failed'],
        [bad(3), 'failed'],
        [bad(4), 'failed'],
        [bad(5), 'failed'],
      ];
      for (const [i, d] of jobs.entries()) await q.record(d.deliveryId, 'w1', outcomes[i]![0], { status: outcomes[i]![1] });
      expect(await q.failureStreak(HOOK)).toEqual({ count: 4, since: iso(2) });
      expect(await q.failureStreak(HOOK, iso(0))).toEqual({ count: 4, since: iso(2) });
      expect(await q.failureStreak(HOOK, iso(4))).toEqual({ count: 2, since: iso(4) });
      expect(await q.failureStreak(HOOK, iso(6))).toEqual({ count: 0, since: undefined });
    });
  });

repairContract('SQLite file', async () => {
  const t = tempSqlite();
  return { queue: new SqliteDeliveryQueue(t.db), jobs: sqliteJobs(t.db), cleanup: t.cleanup };
});
repairContract('SQLite :memory:', async () => {
  const db = openSqliteDatabase(':memory:');
  return { queue: new SqliteDeliveryQueue(db), jobs: sqliteJobs(db), cleanup: async () => void db.close() };
});
onPostgres('DeliveryQueue repair contract', () =>
  repairContract('PostgreSQL', async () => {
    const t = await migratedSchema();
    return { queue: new PostgresDeliveryQueue(t.first), jobs: postgresJobs(t.first), cleanup: t.drop };
  }),
);
