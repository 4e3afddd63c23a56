import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EsdbEventStore } from '../../src/adapters/store/esdb/esdb-event-store.js';
import { InMemoryEventStore } from '../../src/adapters/store/memory/memory-event-store.js';
import { InMemoryWebhookReadModel } from '../../src/adapters/store/memory/memory-webhook-read-model.js';
import { PostgresDeliveryQueue } from '../../src/adapters/store/postgres/postgres-delivery-queue.js';
import { PostgresEventStore } from '../../src/adapters/store/postgres/postgres-event-store.js';
import { SqliteDeliveryQueue } from '../../src/adapters/store/sqlite/sqlite-delivery-queue.js';
import { SqliteEventStore } from '../../src/adapters/store/sqlite/sqlite-event-store.js';
import { SqliteWebhookReadModel } from '../../src/adapters/store/sqlite/sqlite-webhook-read-model.js';
import { readConfig } from '../../src/main/config.js';
import { closeContainer, compose as composeRoot, createLogger } from '../../src/main/container.js';
import { TOKENS } from '../../src/main/tokens.js';
import { PG_URL, onPostgres, tempSchema } from '../support/postgres.js';

const compose = async (env: Record<string, string>) => composeRoot(readConfig(env), { logger: createLogger('silent') });

describe('the composition root picks adapters from DATABASE_URL and READ_MODEL_URL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookledger-compose-'));

  it.each([
    ['sqlite file', { DATABASE_URL: `sqlite:${join(dir, 'a.db')}` }, SqliteEventStore, SqliteWebhookReadModel, SqliteDeliveryQueue],
    ['memory', { DATABASE_URL: 'memory:' }, InMemoryEventStore, InMemoryWebhookReadModel, SqliteDeliveryQueue],
    [
      'EventStoreDB with SQLite beside it',
      { DATABASE_URL: 'esdb://127.0.0.1:1?tls=false', READ_MODEL_URL: `sqlite:${join(dir, 'b.db')}` },
      EsdbEventStore,
      SqliteWebhookReadModel,
      SqliteDeliveryQueue,
    ],
    [
      'EventStoreDB with memory beside it',
      { DATABASE_URL: 'esdb://127.0.0.1:1?tls=false', READ_MODEL_URL: 'memory:' },
      EsdbEventStore,
      InMemoryWebhookReadModel,
      SqliteDeliveryQueue,
    ],
  ] as const)('%s', async (_name, env, eventStore, readModel, queue) => {
    const c = await compose(env);
    try {
      expect(c.get(TOKENS.EventStore)).toBeInstanceOf(eventStore);
      expect(c.get(TOKENS.ReadModel)).toBeInstanceOf(readModel);
      expect(c.get(TOKENS.Queue)).toBeInstanceOf(queue);
    } finally {
      await closeContainer(c);
    }
  });

  it('refuses a URL it does not know, and an EventStoreDB READ_MODEL_URL, saying what it accepts', async () => {
    await expect(compose({ DATABASE_URL: 'mysql://x' })).rejects.toThrow(/postgres:\/\//);
    await expect(compose({ DATABASE_URL: 'esdb://a:1', READ_MODEL_URL: 'esdb://b:1' })).rejects.toThrow(/READ_MODEL_URL must be/);
    rmSync(dir, { recursive: true, force: true });
  });
});

onPostgres('composition on PostgreSQL', () =>
  it('puts every store on PostgreSQL for a postgres:// URL, migrating first', async () => {
    const t = await tempSchema();
    try {
      const c = await compose({ DATABASE_URL: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${t.schema}`)}`, HOOKLEDGER_PG_POOL_SIZE: '3' });
      expect(c.get(TOKENS.EventStore)).toBeInstanceOf(PostgresEventStore);
      expect(c.get(TOKENS.Queue)).toBeInstanceOf(PostgresDeliveryQueue);
      expect(c.get(TOKENS.Postgres).options.max).toBe(3);
      await closeContainer(c);
    } finally {
      await t.drop();
    }
  }),
);
