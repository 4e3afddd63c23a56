import { describe, expect, it } from 'vitest';
import { migratePostgres } from '../../src/adapters/store/postgres/migrations.js';
import { PostgresDeliveryQueue } from '../../src/adapters/store/postgres/postgres-delivery-queue.js';
import { migrate } from '../../src/adapters/store/sqlite/migrations.js';
import { SqliteDeliveryQueue } from '../../src/adapters/store/sqlite/sqlite-delivery-queue.js';
import type { AttemptRecord, DeliveryQueue } from '../../src/ports/delivery-queue.js';
import { migratedSchema, onPostgres } from '../support/postgres.js';
import { tempSqlite } from '../support/sqlite-temp.js';

const ORG = 'int_aaaaaaaaaaaaaaaaaaaaaaaa';
const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();
const bad = (s: number, code: number): AttemptRecord => ({ at: iso(s), succeeded: false, statusCode: code, latencyMs: 5, error: `HTTP ${code}` });
const ok = (s: number): AttemptRecord => ({ at: iso(s), succeeded: true, statusCode: 200, latencyMs: 5 });
const HOOKS = ['wh_0000000001', 'wh_0000000002', 'wh_0000000003'];

/** wh_1: fails twice, then a success and a cancellation; wh_2: fails once; wh_3: only succeeds. */
const history = async (q: DeliveryQueue) => {
  for (let n = 1; n <= 6; n++) {
    const webhookId = HOOKS[n <= 4 ? 0 : n - 4]!;
    await q.enqueue({ messageId: `msg_${n}`, organizationId: ORG, eventType: 'object.created', data: {}, acceptedAt: iso(0) }, [
      {
        webhookId,
        webhookName: 'W',
        channelIndex: 0,
        channelId: 'ch_1',
        channel: { channel: 'webhook', configs: { url: 'https://e.com', headers: {}, timeout: 10 } },
      },
    ]);
  }
  const jobs = await q.claim({ workerId: 'w1', now: T0, leaseMs: 60_000, limit: 10 });
  const by = (id: string) => jobs.find((j) => j.message.messageId === id)!.deliveryId;
  await q.record(by('msg_1'), 'w1', bad(1, 500), { status: 'failed' });
  await q.record(by('msg_2'), 'w1', bad(2, 503), { status: 'failed' });
  await q.record(by('msg_3'), 'w1', ok(3), { status: 'succeeded' });
  await q.cancel(by('msg_4'), 'w1', { at: iso(4), error: 'cancelled: the webhook was deleted; nothing was sent' });
  await q.record(by('msg_5'), 'w1', bad(5, 404), { status: 'failed' });
  await q.record(by('msg_6'), 'w1', ok(6), { status: 'succeeded' });
};
const expected = new Map([
  ['wh_0000000001', { message: 'HTTP 503', channel: 'webhook', statusCode: 503, at: iso(2) }],
  ['wh_0000000002', { message: 'HTTP 404', channel: 'webhook', statusCode: 404, at: iso(5) }],
]);

describe('last_error kept per webhook, on a store with attempts from before it (SQLite migration 12)', () => {
  it('fills the table with each webhook’s latest failed, non-cancelled attempt', async () => {
    const t = tempSqlite();
    try {
      const q = new SqliteDeliveryQueue(t.db);
      await history(q);
      expect(await q.lastErrors(HOOKS)).toEqual(expected);
      // The store as it was before migration 12: the attempts, no kept last_error.
      t.db.exec('DROP TABLE webhook_last_errors; DELETE FROM schema_migrations WHERE version = 12');
      expect(migrate(t.db)).toEqual([12]);
      expect(await new SqliteDeliveryQueue(t.db).lastErrors(HOOKS)).toEqual(expected);
    } finally {
      await t.cleanup();
    }
  });
});

onPostgres('last_error migration', () =>
  describe('last_error kept per webhook, on a store with attempts from before it (PostgreSQL migration 8)', () => {
    it('fills the table with each webhook’s latest failed, non-cancelled attempt', async () => {
      const t = await migratedSchema();
      try {
        const q = new PostgresDeliveryQueue(t.first);
        await history(q);
        expect(await q.lastErrors(HOOKS)).toEqual(expected);
        await t.first.query('DROP TABLE webhook_last_errors; DELETE FROM schema_migrations WHERE version = 8');
        expect(await migratePostgres(t.first)).toEqual([8]);
        expect(await new PostgresDeliveryQueue(t.first).lastErrors(HOOKS)).toEqual(expected);
      } finally {
        await t.drop();
      }
    });
  }),
);
