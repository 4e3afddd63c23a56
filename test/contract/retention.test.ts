import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { CryptoDigest } from '../../src/adapters/ids/crypto/crypto-digest.js';
import { CryptoIds } from '../../src/adapters/ids/crypto/crypto-ids.js';
import { PostgresDeliveryQueue } from '../../src/adapters/store/postgres/postgres-delivery-queue.js';
import { PostgresEventStore } from '../../src/adapters/store/postgres/postgres-event-store.js';
import { PostgresRetentionStore } from '../../src/adapters/store/postgres/postgres-retention-store.js';
import { PostgresWebhookReadModel } from '../../src/adapters/store/postgres/postgres-webhook-read-model.js';
import { SqliteDeliveryQueue } from '../../src/adapters/store/sqlite/sqlite-delivery-queue.js';
import { SqliteEventStore } from '../../src/adapters/store/sqlite/sqlite-event-store.js';
import { SqliteRetentionStore } from '../../src/adapters/store/sqlite/sqlite-retention-store.js';
import { SqliteWebhookReadModel } from '../../src/adapters/store/sqlite/sqlite-webhook-read-model.js';
import { IDEMPOTENCY_WINDOW_MS, type Caller, createWebhook, publishEvent } from '../../src/application/index.js';
import { pruneExpired } from '../../src/application/prune-retention.js';
import { verifyEventLog } from '../../src/application/verify-log.js';
import { dottedCatalog } from '../../src/domain/index.js';
import { isPrunableMessage, pruneCutoffs } from '../../src/domain/retention/retention-rule.js';
import type { DeliveryQueue, DeliveryTarget } from '../../src/ports/delivery-queue.js';
import type { EventStore } from '../../src/ports/event-store.js';
import type { RetentionStore } from '../../src/ports/retention-store.js';
import type { WebhookReadModel } from '../../src/ports/webhook-read-model.js';
import { migratedSchema, onPostgres } from '../support/postgres.js';
import { tempSqlite } from '../support/sqlite-temp.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-11-22T10:00:00.000Z');
const ORG = 'int_aaaaaaaaaaaaaaaaaaaaaaaa';
const org: Caller = { organizationId: ORG, actor: 'key:a', catalog: dottedCatalog };
const settings = { retentionDays: 30, idempotencyWindowMs: IDEMPOTENCY_WINDOW_MS };

interface Fixture {
  queue: DeliveryQueue;
  retention: RetentionStore;
  eventStore: EventStore;
  readModel: WebhookReadModel;
  rows: (sql: string) => Promise<Record<string, unknown>[]>;
  cleanup: () => Promise<void>;
}

const target = (n: number): DeliveryTarget => ({
  webhookId: `wh_${String(n).padStart(10, '0')}`,
  webhookName: 'W',
  channelIndex: 0,
  channelId: 'ch_1',
  channel: { channel: 'webhook', configs: { url: 'https://e.example/h', headers: {}, timeout: 10 } },
});

/** What each fixture message's jobs end as; `none` is a message addressed to no webhook (kept for its key). */
const OUTCOMES = ['succeeded', 'failed', 'held', 'scheduled', 'leased', 'none'] as const;
const AGES_DAYS = [45, 31, 29, 2, 0.5];

const contract = (name: string, factory: () => Promise<Fixture>) =>
  describe(`retention contract: ${name}`, () => {
    let f: Fixture;
    beforeEach(async () => {
      f = await factory();
    });
    afterEach(() => f.cleanup());
    const count = async (table: string) => Number((await f.rows(`SELECT count(*) AS n FROM ${table}`))[0]!.n);
    const ids = async (sql: string) => (await f.rows(sql)).map((r) => String(Object.values(r)[0])).sort();

    /** One message per (age, outcome), each to its own webhook, with an idempotency key; returns what the rule says of each. */
    const seed = async () => {
      const expected = new Map<string, boolean>();
      let n = 0;
      const outcomeOf = new Map<number, (typeof OUTCOMES)[number]>();
      for (const age of AGES_DAYS) {
        for (const outcome of OUTCOMES) {
          n += 1;
          const acceptedAt = new Date(NOW - age * DAY).toISOString();
          await f.queue.enqueue(
            {
              messageId: `msg_${n}`,
              organizationId: ORG,
              eventType: 'object.created',
              data: outcome === 'none' ? null : { n, pad: 'x'.repeat(100) },
              acceptedAt,
            },
            outcome === 'none' ? [] : [target(n)],
            { key: `key-${n}`, expiresAt: new Date(Date.parse(acceptedAt) + IDEMPOTENCY_WINDOW_MS).toISOString() },
          );
          outcomeOf.set(n, outcome);
          const statuses = outcome === 'none' ? [] : [outcome];
          expected.set(`msg_${n}`, isPrunableMessage({ acceptedAt, jobStatuses: statuses }, pruneCutoffs(new Date(NOW), settings)));
        }
      }
      const claimed = await f.queue.claim({ workerId: 'w', now: NOW, leaseMs: 60 * DAY, limit: 1000 });
      expect(claimed).toHaveLength(n - AGES_DAYS.length);
      for (const d of claimed) {
        const outcome = outcomeOf.get(Number(d.message.messageId.slice(4)));
        const at = new Date(Date.parse(d.message.acceptedAt) + 1000).toISOString();
        if (outcome === 'succeeded') await f.queue.record(d.deliveryId, 'w', { at, succeeded: true, statusCode: 200, latencyMs: 3 }, { status: 'succeeded' });
        if (outcome === 'failed')
          await f.queue.record(d.deliveryId, 'w', { at, succeeded: false, statusCode: 500, latencyMs: 3, error: 'HTTP 500' }, { status: 'failed' });
        if (outcome === 'held') await f.queue.hold(d.deliveryId, 'w');
        if (outcome === 'scheduled')
          await f.queue.record(d.deliveryId, 'w', { at, succeeded: false, statusCode: 503, latencyMs: 3 }, { status: 'scheduled', at: NOW + DAY });
      }
      return expected;
    };

    it('deletes exactly what the retention rule allows: old finished messages with their jobs and attempts, old unaddressed ones, expired keys', async () => {
      const expected = await seed();
      const attemptsBefore = await count('delivery_attempts');
      const run = await pruneExpired({ retention: f.retention, clock: new ManualClock(new Date(NOW)) }, { ...settings, batchSize: 100, maxBatches: 10 });
      const kept = [...expected]
        .filter(([, prunable]) => !prunable)
        .map(([id]) => id)
        .sort();
      expect(await ids('SELECT message_id FROM messages')).toEqual(kept);
      // The rule keeps unfinished work whatever its age, and everything younger than the retention period.
      expect(kept).toEqual(expect.arrayContaining(['msg_4', 'msg_5', 'msg_10', 'msg_11', 'msg_13', 'msg_14', 'msg_15', 'msg_16', 'msg_17']));
      expect(kept).not.toContain('msg_1');
      expect(await ids('SELECT DISTINCT message_id FROM deliveries')).toEqual(kept.filter((id) => !['msg_18', 'msg_24', 'msg_30'].includes(id)));
      expect(run.messages).toBe(expected.size - kept.length);
      expect(run.attempts).toBe(attemptsBefore - (await count('delivery_attempts')));
      expect(await count('delivery_attempts')).toBe(
        Number((await f.rows('SELECT count(*) AS n FROM delivery_attempts a JOIN deliveries d ON d.delivery_id = a.delivery_id'))[0]!.n),
      );
      // Keys whose 24 h window is over are gone; the younger ones still answer.
      expect(await ids('SELECT key FROM idempotency_keys')).toEqual(['key-25', 'key-26', 'key-27', 'key-28', 'key-29', 'key-30']);
      expect(run.idempotencyKeys).toBe(24);
      expect(
        await f.queue.enqueue(
          { messageId: 'msg_again', organizationId: ORG, eventType: 'object.created', data: 1, acceptedAt: new Date(NOW).toISOString() },
          [target(1)],
          { key: 'key-26', expiresAt: new Date(NOW + DAY).toISOString() },
        ),
      ).toEqual({ messageId: 'msg_26', duplicate: true });
    });

    it('works in bounded batches and says when it stopped with rows left', async () => {
      const old = new Date(NOW - 40 * DAY).toISOString();
      for (let n = 1; n <= 7; n++)
        await f.queue.enqueue({ messageId: `msg_${n}`, organizationId: ORG, eventType: 'object.created', data: { n }, acceptedAt: old }, []);
      const sizes: number[] = [];
      const counting: RetentionStore = {
        pruneIdempotencyKeys: (c, limit) => f.retention.pruneIdempotencyKeys(c, limit),
        pruneMessages: async (c, limit) => {
          const pruned = await f.retention.pruneMessages(c, limit);
          sizes.push(pruned.messages);
          return pruned;
        },
      };
      const deps = { retention: counting, clock: new ManualClock(new Date(NOW)) };
      const first = await pruneExpired(deps, { ...settings, batchSize: 3, maxBatches: 2 });
      expect([first.messages, first.more, sizes]).toEqual([6, true, [3, 3]]);
      const second = await pruneExpired(deps, { ...settings, batchSize: 3, maxBatches: 2 });
      expect([second.messages, second.more, sizes]).toEqual([1, false, [3, 3, 1]]);
      expect(await count('messages')).toBe(0);
    });

    it('moves with the injected clock: nothing is pruned until the retention period has passed', async () => {
      const clock = new ManualClock(new Date(NOW));
      await f.queue.enqueue({ messageId: 'msg_1', organizationId: ORG, eventType: 'object.created', data: { n: 1 }, acceptedAt: clock.now().toISOString() }, [
        target(1),
      ]);
      const [d] = await f.queue.claim({ workerId: 'w', now: NOW, leaseMs: 60_000, limit: 10 });
      await f.queue.record(d!.deliveryId, 'w', { at: clock.now().toISOString(), succeeded: true, statusCode: 200, latencyMs: 1 }, { status: 'succeeded' });
      const options = { ...settings, batchSize: 10, maxBatches: 10 };
      clock.advance(30 * DAY - 1);
      expect((await pruneExpired({ retention: f.retention, clock }, options)).messages).toBe(0);
      expect(await count('messages')).toBe(1);
      clock.advance(2);
      expect(await pruneExpired({ retention: f.retention, clock }, options)).toMatchObject({ messages: 1, deliveries: 1, attempts: 1 });
      expect([await count('messages'), await count('deliveries'), await count('delivery_attempts')]).toEqual([0, 0, 0]);
    });

    it('never touches the event log', async () => {
      const clock = new ManualClock(new Date(NOW - 400 * DAY));
      const created = await createWebhook({ eventStore: f.eventStore, clock, ids: new CryptoIds() }, org, {
        webhook_name: 'A',
        event_types: ['*'],
        channels: [{ channel: 'webhook', configs: { url: 'https://a.example/h' } }],
      });
      expect(created._tag).toBe('Right');
      const before = await f.eventStore.readAll();
      await pruneExpired({ retention: f.retention, clock: new ManualClock(new Date(NOW)) }, { ...settings, batchSize: 10, maxBatches: 10 });
      expect(await f.eventStore.readAll()).toEqual(before);
      expect((await verifyEventLog({ eventStore: f.eventStore, digest: new CryptoDigest() })).problems).toEqual([]);
    });

    it('stores no payload for an event no webhook subscribes to; with an idempotency key, only a row for the key, gone once its window is over', async () => {
      const clock = new ManualClock(new Date(NOW));
      const deps = { eventStore: f.eventStore, readModel: f.readModel, queue: f.queue, clock, ids: new CryptoIds() };
      const secret = { card: '4111 1111 1111 1111', pad: 'y'.repeat(10_000) };
      const plain = await publishEvent(deps, org, { event_type: 'object.created', data: secret });
      expect(plain).toMatchObject({ _tag: 'Right', right: { duplicate: false, deliveries: 0 } });
      expect(await count('messages')).toBe(0);
      const keyed = await publishEvent(deps, org, { event_type: 'object.created', data: secret, idempotency_key: 'k1' });
      const again = await publishEvent(deps, org, { event_type: 'object.created', data: secret, idempotency_key: 'k1' });
      if (keyed._tag === 'Left' || again._tag === 'Left') throw new Error('refused');
      expect(again.right).toEqual({ messageId: keyed.right.messageId, duplicate: true, deliveries: 0 });
      const stored = await f.rows('SELECT data FROM messages');
      expect(stored).toEqual([{ data: 'null' }]);
      clock.advance(IDEMPOTENCY_WINDOW_MS + 1);
      expect(await pruneExpired({ retention: f.retention, clock }, { ...settings, batchSize: 10, maxBatches: 10 })).toMatchObject({
        messages: 1,
        idempotencyKeys: 1,
      });
      expect([await count('messages'), await count('idempotency_keys')]).toEqual([0, 0]);
      // A subscribed event keeps its payload, for its deliveries.
      await createWebhook(deps, org, {
        webhook_name: 'A',
        event_types: ['object.*'],
        channels: [{ channel: 'webhook', configs: { url: 'https://a.example/h' } }],
      });
      await publishEvent(deps, org, { event_type: 'object.created', data: { n: 1 } });
      expect(await f.rows('SELECT data FROM messages')).toEqual([{ data: '{"n":1}' }]);
    });
  });

contract('SQLite file', async () => {
  const t = tempSqlite();
  return {
    queue: new SqliteDeliveryQueue(t.db),
    retention: new SqliteRetentionStore(t.db),
    eventStore: new SqliteEventStore(t.db),
    readModel: new SqliteWebhookReadModel(t.db),
    rows: async (sql) => t.db.prepare(sql).all() as Record<string, unknown>[],
    cleanup: t.cleanup,
  };
});

onPostgres('retention contract', () =>
  contract('PostgreSQL', async () => {
    const t = await migratedSchema();
    return {
      queue: new PostgresDeliveryQueue(t.first),
      retention: new PostgresRetentionStore(t.first),
      eventStore: new PostgresEventStore(t.first),
      readModel: new PostgresWebhookReadModel(t.first),
      rows: async (sql) => (await t.first.query(sql)).rows as Record<string, unknown>[],
      cleanup: t.drop,
    };
  }),
);
