import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CryptoDigest } from '../../src/adapters/ids/crypto/crypto-digest.js';
import { migratePostgres, pgMigrations } from '../../src/adapters/store/postgres/migrations.js';
import { PostgresDeliveryQueue } from '../../src/adapters/store/postgres/postgres-delivery-queue.js';
import { PostgresEventStore } from '../../src/adapters/store/postgres/postgres-event-store.js';
import { PostgresWebhookReadModel } from '../../src/adapters/store/postgres/postgres-webhook-read-model.js';
import { migrate, migrations } from '../../src/adapters/store/sqlite/migrations.js';
import { SqliteDeliveryQueue } from '../../src/adapters/store/sqlite/sqlite-delivery-queue.js';
import { SqliteEventStore } from '../../src/adapters/store/sqlite/sqlite-event-store.js';
import { SqliteWebhookReadModel } from '../../src/adapters/store/sqlite/sqlite-webhook-read-model.js';
import { catchUpWebhookList, currentWebhooks, verifyEventLog } from '../../src/application/index.js';
import { type ExistingWebhook, planAttempt, streamIdOf } from '../../src/domain/index.js';
import type { DeliveryQueue } from '../../src/ports/delivery-queue.js';
import type { EventStore } from '../../src/ports/event-store.js';
import type { WebhookReadModel } from '../../src/ports/webhook-read-model.js';
import { onPostgres, tempSchema } from '../support/postgres.js';

const ORG = 'int_aaaaaaaaaaaaaaaaaaaaaaaa';
const HOOK = 'wh_0000000001';
const T0 = '2026-11-22T10:00:00.000Z';
const T1 = '2026-11-22T11:00:00.000Z';
const a = { channel: 'webhook', configs: { url: 'https://a.example/hook', headers: {}, timeout: 10 } };
const b = { channel: 'webhook', configs: { url: 'https://b.example/hook', headers: {}, timeout: 10 } };
const c = { channel: 'slack', configs: { webhook_url: 'https://hooks.slack.com/x' } };
const meta = (recordedAt: string) => ({ organizationId: ORG, actor: 'key:old', recordedAt });

/** A webhook as the code before channel ids recorded it: version 1 events, channels without ids. */
const writeOldStream = async (events: EventStore) => {
  const appended = await events.append(streamIdOf(HOOK), 0, [
    {
      eventId: 'evt_1',
      type: 'WebhookCreated',
      version: 1,
      data: { webhook_id: HOOK, organization_id: ORG, webhook_name: 'Old', event_types: ['*'], channels: [a], is_active: true, at: T0 },
      metadata: meta(T0),
    },
    { eventId: 'evt_2', type: 'WebhookChannelsChanged', version: 1, data: { channels: [a, b], at: T1 }, metadata: meta(T1) },
  ]);
  if (!appended.ok) throw new Error('could not write the old stream');
  return appended.lastPosition;
};

/** The list row that code projected: its state has channels without ids, and no counter or streak reset. */
const writeOldProjection = async (model: WebhookReadModel, checkpoint: number) => {
  const old = {
    status: 'active',
    webhook_id: HOOK,
    organization_id: ORG,
    webhook_name: 'Old',
    event_types: ['*'],
    channels: [a, b],
    created_at: T0,
    updated_at: T1,
  };
  await model.apply([{ webhook: old as unknown as ExistingWebhook, version: 2, sequence: 1 }], checkpoint);
};

/** After the migration: ids everywhere, the projection rebuilt from the unchanged log, old jobs pointing at their channel. */
const expectMigrated = async (deps: { eventStore: EventStore; readModel: WebhookReadModel; queue: DeliveryQueue }) => {
  expect(await deps.readModel.checkpoint()).toBe(0);
  expect(await deps.readModel.get(HOOK)).toBeUndefined();
  await catchUpWebhookList(deps);
  const row = await deps.readModel.get(HOOK);
  expect(row?.webhook).toMatchObject({
    channels: [
      { channel_id: 'ch_1', ...a },
      { channel_id: 'ch_2', ...b },
    ],
    last_channel_number: 2,
    failure_streak_reset_at: T1,
  });

  const claimed = await deps.queue.claim({ workerId: 'w1', now: Date.parse(T1) + 1000, leaseMs: 60_000, limit: 10 });
  expect(claimed.map((d) => [d.channelIndex, d.channelId])).toEqual([
    [0, 'ch_1'],
    [1, 'ch_2'],
    [2, 'ch_3'],
  ]);
  // Each old job finds the channel at its index; one for a channel that no longer exists is cancelled.
  const now = await currentWebhooks(deps)(HOOK);
  expect(claimed.map((d) => planAttempt(now, { channelId: d.channelId, kind: d.channel.channel }, 'event').kind)).toEqual(['send', 'send', 'cancel']);

  // The stored events were read through the upcaster, never rewritten: still version 1, the hash chain intact.
  const stored = await deps.eventStore.readStream(streamIdOf(HOOK));
  expect(stored.map((e) => e.version)).toEqual([1, 1]);
  expect((await verifyEventLog({ eventStore: deps.eventStore, digest: new CryptoDigest() })).problems).toEqual([]);
};

describe('channel ids on a store written before them (SQLite migration 8)', () => {
  it('gives queued jobs the ids of their channel index and rebuilds the list projection from the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookledger-ids-'));
    const db = new Database(join(dir, 'old.db'));
    try {
      migrate(
        db,
        migrations.filter((m) => m.version <= 7),
      );
      const eventStore = new SqliteEventStore(db);
      const readModel = new SqliteWebhookReadModel(db);
      await writeOldProjection(readModel, await writeOldStream(eventStore));
      db.prepare("INSERT INTO messages (message_id, organization_id, event_type, data, accepted_at) VALUES ('msg_1', ?, 'object.created', '{}', ?)").run(
        ORG,
        T1,
      );
      const job = db.prepare(
        "INSERT INTO deliveries (message_id, organization_id, webhook_id, webhook_name, channel_index, channel, status, next_attempt_at) VALUES ('msg_1', ?, ?, 'Old', ?, ?, 'scheduled', ?)",
      );
      for (const [i, channel] of [a, b, c].entries()) job.run(ORG, HOOK, i, JSON.stringify(channel), Date.parse(T1));

      expect(migrate(db)).toContain(8);
      await expectMigrated({ eventStore, readModel, queue: new SqliteDeliveryQueue(db) });
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

onPostgres('channel ids migration', () =>
  describe('channel ids on a store written before them (PostgreSQL migration 4)', () => {
    it('gives queued jobs the ids of their channel index and rebuilds the list projection from the log', async () => {
      const t = await tempSchema();
      try {
        const pool = t.pool();
        await migratePostgres(
          pool,
          pgMigrations.filter((m) => m.version <= 3),
        );
        const eventStore = new PostgresEventStore(pool);
        const readModel = new PostgresWebhookReadModel(pool);
        await writeOldProjection(readModel, await writeOldStream(eventStore));
        await pool.query("INSERT INTO messages (message_id, organization_id, event_type, data, accepted_at) VALUES ('msg_1', $1, 'object.created', '{}', $2)", [
          ORG,
          T1,
        ]);
        for (const [i, channel] of [a, b, c].entries()) {
          await pool.query(
            `INSERT INTO deliveries (message_id, organization_id, webhook_id, webhook_name, channel_index, channel_kind, channel, status, next_attempt_at)
             VALUES ('msg_1', $1, $2, 'Old', $3, $4, $5, 'scheduled', $6)`,
            [ORG, HOOK, i, channel.channel, JSON.stringify(channel), Date.parse(T1)],
          );
        }
        expect(await migratePostgres(pool)).toContain(4);
        await expectMigrated({ eventStore, readModel, queue: new PostgresDeliveryQueue(pool) });
      } finally {
        await t.drop();
      }
    });
  }),
);
