import type { Container } from 'inversify';
import pg from 'pg';
import { EsdbEventStore } from '../adapters/store/esdb/esdb-event-store.js';
import { InMemoryEventStore } from '../adapters/store/memory/memory-event-store.js';
import { InMemoryOrganizationStore } from '../adapters/store/memory/memory-organization-store.js';
import { InMemoryWebhookReadModel } from '../adapters/store/memory/memory-webhook-read-model.js';
import { InMemoryWebhookSecrets } from '../adapters/store/memory/memory-webhook-secrets.js';
import { migratePostgres } from '../adapters/store/postgres/migrations.js';
import { PostgresDeliveryQueue } from '../adapters/store/postgres/postgres-delivery-queue.js';
import { PostgresEventStore } from '../adapters/store/postgres/postgres-event-store.js';
import { PostgresOrganizationStore } from '../adapters/store/postgres/postgres-organization-store.js';
import { PostgresWebhookReadModel } from '../adapters/store/postgres/postgres-webhook-read-model.js';
import { PostgresWebhookSecrets } from '../adapters/store/postgres/postgres-webhook-secrets.js';
import { openSqliteDatabase } from '../adapters/store/sqlite/open-database.js';
import { SqliteDeliveryQueue } from '../adapters/store/sqlite/sqlite-delivery-queue.js';
import { SqliteEventStore } from '../adapters/store/sqlite/sqlite-event-store.js';
import { SqliteOrganizationStore } from '../adapters/store/sqlite/sqlite-organization-store.js';
import { SqliteWebhookReadModel } from '../adapters/store/sqlite/sqlite-webhook-read-model.js';
import { SqliteWebhookSecrets } from '../adapters/store/sqlite/sqlite-webhook-secrets.js';
import { CredentialCache } from '../application/index.js';
import type { EventStore } from '../ports/event-store.js';
import { type Config, parseDatabaseUrl, parseReadModelUrl } from './config.js';
import { TOKENS } from './tokens.js';

/**
 * Binds the event store and the other stores for DATABASE_URL / READ_MODEL_URL (an `eventStore`
 * given by an embedder or test replaces the one the URL names). PostgreSQL schemas are migrated
 * here, before anything uses them; SQLite migrates when the file is opened.
 */
export const bindStores = async (
  c: Container,
  config: Config,
  eventStore?: EventStore,
  onMigration?: (m: { version: number; name: string }) => void,
): Promise<void> => {
  const events = parseDatabaseUrl(config.databaseUrl);
  const rest = parseReadModelUrl(config);
  if (eventStore) c.bind(TOKENS.EventStore).toConstantValue(eventStore);
  const bindEvents = (bind: () => void) => {
    if (!eventStore) bind();
  };
  if (rest.kind === 'postgres') {
    // A bounded connect timeout, so a request fails fast (503) while the server is unreachable.
    const pool = new pg.Pool({ connectionString: rest.url, max: config.pgPoolSize, connectionTimeoutMillis: 5000 });
    // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
    pool.on('error', (error) => c.get(TOKENS.Logger).warn({ err: error.message }, 'PostgreSQL connection lost'));
    // A checked-out client whose connection is cut between two queries emits 'error' too, where the
    // pool's listener does not reach; the query in flight (or the next one) fails and answers 503.
    pool.on('connect', (client) => client.on('error', (error) => c.get(TOKENS.Logger).warn({ err: error.message }, 'PostgreSQL connection lost')));
    try {
      await migratePostgres(pool, undefined, onMigration);
    } catch (error) {
      await pool.end();
      throw error;
    }
    c.bind(TOKENS.Postgres).toConstantValue(pool);
    c.bind(TOKENS.ReadModel).toConstantValue(new PostgresWebhookReadModel(pool));
    c.bind(TOKENS.Organizations).toResolvedValue((clock) => new CredentialCache(new PostgresOrganizationStore(pool), clock), [TOKENS.Clock]);
    c.bind(TOKENS.Secrets).toConstantValue(new PostgresWebhookSecrets(pool));
    c.bind(TOKENS.Queue).toConstantValue(new PostgresDeliveryQueue(pool));
    if (events.kind === 'postgres') bindEvents(() => c.bind(TOKENS.EventStore).toConstantValue(new PostgresEventStore(pool)));
  } else {
    // With `memory:` the stores are plain in-memory adapters; the queue, which has no such adapter, uses an in-memory SQLite.
    c.bind(TOKENS.Sqlite).toResolvedValue(() => openSqliteDatabase(rest.kind === 'sqlite' ? rest.path : ':memory:'));
    if (rest.kind === 'sqlite') {
      c.bind(TOKENS.ReadModel).toResolvedValue((db) => new SqliteWebhookReadModel(db), [TOKENS.Sqlite]);
      c.bind(TOKENS.Organizations).toResolvedValue((db, clock) => new CredentialCache(new SqliteOrganizationStore(db), clock), [TOKENS.Sqlite, TOKENS.Clock]);
      c.bind(TOKENS.Secrets).toResolvedValue((db) => new SqliteWebhookSecrets(db), [TOKENS.Sqlite]);
      if (events.kind === 'sqlite') bindEvents(() => c.bind(TOKENS.EventStore).toResolvedValue((db) => new SqliteEventStore(db), [TOKENS.Sqlite]));
    } else {
      if (events.kind === 'memory') bindEvents(() => c.bind(TOKENS.EventStore).toConstantValue(new InMemoryEventStore()));
      c.bind(TOKENS.ReadModel).toConstantValue(new InMemoryWebhookReadModel());
      c.bind(TOKENS.Organizations).toConstantValue(new InMemoryOrganizationStore());
      c.bind(TOKENS.Secrets).toConstantValue(new InMemoryWebhookSecrets());
    }
    c.bind(TOKENS.Queue).toResolvedValue((db) => new SqliteDeliveryQueue(db), [TOKENS.Sqlite]);
  }
  if (events.kind === 'esdb') bindEvents(() => c.bind(TOKENS.EventStore).toConstantValue(new EsdbEventStore(events.url)));
};
