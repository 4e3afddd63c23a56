import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Container } from 'inversify';
import pg from 'pg';
import { pino, type Logger } from 'pino';
import { SmtpNotifier } from '../adapters/channels/email/smtp-notifier.js';
import { HttpNotifier } from '../adapters/channels/http/http-notifier.js';
import { SlackNotifier } from '../adapters/channels/slack/slack-notifier.js';
import { TwilioNotifier } from '../adapters/channels/sms/twilio-notifier.js';
import { SystemClock } from '../adapters/clock/system/system-clock.js';
import { createApi } from '../adapters/http/koa/api.js';
import { CryptoIds } from '../adapters/ids/crypto/crypto-ids.js';
import { CryptoKeyMaterial } from '../adapters/ids/crypto/crypto-key-material.js';
import { createDeliveryMetrics } from '../adapters/metrics/prometheus/delivery-metrics.js';
import { EsdbEventStore } from '../adapters/store/esdb/esdb-event-store.js';
import { isEsdbUnavailable } from '../adapters/store/esdb/unavailable.js';
import { isPostgresUnavailable } from '../adapters/store/postgres/unavailable.js';
import { isSqliteUnavailable } from '../adapters/store/sqlite/unavailable.js';
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
import { type Caller, CredentialCache, type DeliveryDeps, StateCache, authenticate, currentWebhooks, executeWebhookCommand, sharingSecretReads } from '../application/index.js';
import { type WebhookState, dottedCatalog, findCatalog } from '../domain/index.js';
import type { Clock } from '../ports/clock.js';
import { type Config, parseDatabaseUrl, parseReadModelUrl } from './config.js';
import { packageRoot, packageVersion } from './package-info.js';
import { deliveryObserver } from './delivery-observer.js';
import { TOKENS } from './tokens.js';

export interface Overrides {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Log lines dropped so far by a bounded log destination (a metric). */
  readonly logLinesDropped?: () => number;
}

/** `whsec_` + base64 of 32 random bytes (Standard Webhooks). */
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** The service's logger; `destination` is where lines go (default: pino's own stdout writer, for the CLI). */
export const createLogger = (level = process.env.LOG_LEVEL ?? 'info', destination?: { write(line: string): unknown }): Logger =>
  pino(
    {
      level,
      base: { service: 'hookledger' },
      // Defence in depth: nothing should log these, and if something does they are masked.
      redact: { paths: ['authorization', '*.authorization', 'headers.authorization', 'key', 'secret', '*.secret'], censor: '[redacted]' },
    },
    destination as Parameters<typeof pino>[1],
  );

/**
 * The composition root: the one place that knows which adapters run,
 * chosen from DATABASE_URL (and READ_MODEL_URL). Everything else receives
 * ports. PostgreSQL schemas are migrated here, before anything uses them.
 */
export const buildContainer = async (config: Config, overrides: Overrides = {}): Promise<Container> => {
  const c = new Container({ defaultScope: 'Singleton' });
  c.bind(TOKENS.Config).toConstantValue(config);
  c.bind(TOKENS.Logger).toConstantValue(overrides.logger ?? createLogger());
  c.bind(TOKENS.Clock).toConstantValue(overrides.clock ?? new SystemClock());
  c.bind(TOKENS.Ids).toConstantValue(new CryptoIds());
  c.bind(TOKENS.KeyMaterial).toConstantValue(new CryptoKeyMaterial());
  c.bind(TOKENS.WebhookStates).toConstantValue(new StateCache<WebhookState>());

  await bindStores(c, config);
  const userAgent = `Hookledger/${packageVersion()}`;
  const allowPrivate = config.delivery.allowPrivateDestinations;
  c.bind(TOKENS.Notifiers).toConstantValue([
    new HttpNotifier({ allowPrivateDestinations: allowPrivate, userAgent }),
    new SlackNotifier({ allowPrivateDestinations: allowPrivate, userAgent }),
    new SmtpNotifier(config.delivery.smtpUrl, config.delivery.smtpFrom),
    new TwilioNotifier(config.delivery.twilio, userAgent),
  ]);
  c.bind(TOKENS.Metrics).toResolvedValue(
    (queue, clock) => createDeliveryMetrics(queue, () => clock.now().getTime(), { logLinesDropped: overrides.logLinesDropped }),
    [TOKENS.Queue, TOKENS.Clock],
  );
  return c;
};

/** Binds the event store and the other stores for DATABASE_URL / READ_MODEL_URL. */
const bindStores = async (c: Container, config: Config) => {
  const events = parseDatabaseUrl(config.databaseUrl);
  const rest = parseReadModelUrl(config);
  if (rest.kind === 'postgres') {
    // A bounded connect timeout, so a request fails fast (503) while the server is unreachable.
    const pool = new pg.Pool({ connectionString: rest.url, max: config.pgPoolSize, connectionTimeoutMillis: 5000 });
    // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
    pool.on('error', (error) => c.get(TOKENS.Logger).warn({ err: error.message }, 'PostgreSQL connection lost'));
    // A checked-out client whose connection is cut between two queries emits 'error' too, where the
    // pool's listener does not reach; the query in flight (or the next one) fails and answers 503.
    pool.on('connect', (client) => client.on('error', (error) => c.get(TOKENS.Logger).warn({ err: error.message }, 'PostgreSQL connection lost')));
    try {
      await migratePostgres(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    c.bind(TOKENS.Postgres).toConstantValue(pool);
    c.bind(TOKENS.ReadModel).toConstantValue(new PostgresWebhookReadModel(pool));
    c.bind(TOKENS.Organizations).toResolvedValue((clock) => new CredentialCache(new PostgresOrganizationStore(pool), clock), [TOKENS.Clock]);
    c.bind(TOKENS.Secrets).toConstantValue(new PostgresWebhookSecrets(pool));
    c.bind(TOKENS.Queue).toConstantValue(new PostgresDeliveryQueue(pool));
    if (events.kind === 'postgres') c.bind(TOKENS.EventStore).toConstantValue(new PostgresEventStore(pool));
  } else {
    // With `memory:` the stores are plain in-memory adapters; the queue, which has no such adapter, uses an in-memory SQLite.
    c.bind(TOKENS.Sqlite).toResolvedValue(() => openSqliteDatabase(rest.kind === 'sqlite' ? rest.path : ':memory:'));
    if (rest.kind === 'sqlite') {
      c.bind(TOKENS.ReadModel).toResolvedValue((db) => new SqliteWebhookReadModel(db), [TOKENS.Sqlite]);
      c.bind(TOKENS.Organizations).toResolvedValue((db, clock) => new CredentialCache(new SqliteOrganizationStore(db), clock), [TOKENS.Sqlite, TOKENS.Clock]);
      c.bind(TOKENS.Secrets).toResolvedValue((db) => new SqliteWebhookSecrets(db), [TOKENS.Sqlite]);
      if (events.kind === 'sqlite') c.bind(TOKENS.EventStore).toResolvedValue((db) => new SqliteEventStore(db), [TOKENS.Sqlite]);
    } else {
      if (events.kind === 'memory') c.bind(TOKENS.EventStore).toConstantValue(new InMemoryEventStore());
      c.bind(TOKENS.ReadModel).toConstantValue(new InMemoryWebhookReadModel());
      c.bind(TOKENS.Organizations).toConstantValue(new InMemoryOrganizationStore());
      c.bind(TOKENS.Secrets).toConstantValue(new InMemoryWebhookSecrets());
    }
    c.bind(TOKENS.Queue).toResolvedValue((db) => new SqliteDeliveryQueue(db), [TOKENS.Sqlite]);
  }
  if (events.kind === 'esdb') c.bind(TOKENS.EventStore).toConstantValue(new EsdbEventStore(events.url));
};

/** Closes what the container opened. */
export const closeContainer = async (c: Container): Promise<void> => {
  for (const n of c.get(TOKENS.Notifiers)) if (n instanceof SmtpNotifier) n.close();
  await c.get(TOKENS.EventStore).close();
  if (c.isBound(TOKENS.Sqlite)) {
    const db = c.get(TOKENS.Sqlite);
    if (db.open) db.close();
  }
  if (c.isBound(TOKENS.Postgres)) await c.get(TOKENS.Postgres).end();
};

const webhookDeps = (c: Container) => ({
  eventStore: c.get(TOKENS.EventStore),
  clock: c.get(TOKENS.Clock),
  ids: c.get(TOKENS.Ids),
  allowPrivateDestinations: c.get(TOKENS.Config).delivery.allowPrivateDestinations,
  states: c.get(TOKENS.WebhookStates),
});

/** What the delivery worker needs; pausing goes through the domain, recorded as done by the system. */
export const buildDeliveryDeps = (c: Container): DeliveryDeps => {
  const config = c.get(TOKENS.Config);
  const metrics = c.get(TOKENS.Metrics);
  const organizations = c.get(TOKENS.Organizations);
  return {
    queue: c.get(TOKENS.Queue),
    notifiers: c.get(TOKENS.Notifiers),
    // A batch of jobs for one webhook reads its secrets once (ADR 0013).
    secrets: sharingSecretReads(c.get(TOKENS.Secrets)),
    clock: c.get(TOKENS.Clock),
    schedule: config.delivery.retrySchedule,
    random: Math.random,
    autoPause: { afterFailures: config.delivery.autoPauseAfterFailures, afterMs: config.delivery.autoPauseAfterMs },
    currentWebhook: currentWebhooks({ eventStore: c.get(TOKENS.EventStore), readModel: c.get(TOKENS.ReadModel) }),
    observe: deliveryObserver(metrics, c.get(TOKENS.Logger)),
    pause: async (delivery, reason) => {
      const organization = await organizations.findOrganization(delivery.message.organizationId);
      const caller: Caller = {
        organizationId: delivery.message.organizationId,
        actor: 'system:delivery',
        catalog: findCatalog(organization?.catalogId ?? dottedCatalog.id) ?? dottedCatalog,
      };
      await executeWebhookCommand(webhookDeps(c), caller, delivery.webhookId, { type: 'PauseWebhook', data: { reason, automatic: true } });
    },
  };
};

export const buildApi = (c: Container, version: string) => {
  const eventStore = c.get(TOKENS.EventStore);
  const organizations = c.get(TOKENS.Organizations);
  const keys = c.get(TOKENS.KeyMaterial);
  const readModel = c.get(TOKENS.ReadModel);
  const queue = c.get(TOKENS.Queue);
  const webhooks = webhookDeps(c);
  return createApi({
    webhooks,
    readModel,
    secrets: c.get(TOKENS.Secrets),
    newSecret,
    lastErrorsOf: (webhookIds) => queue.lastErrors(webhookIds),
    publish: { ...webhooks, readModel, queue },
    queue,
    metrics: () => c.get(TOKENS.Metrics).render(),
    countAccepted: () => c.get(TOKENS.Metrics).countAccepted(),
    isUnavailable: (error) => isSqliteUnavailable(error) || isPostgresUnavailable(error) || isEsdbUnavailable(error),
    rateLimit: c.get(TOKENS.Config).rateLimit,
    consoleDir: c.get(TOKENS.Config).consoleDir ?? join(packageRoot(), 'dist', 'console'),
    logger: c.get(TOKENS.Logger),
    version,
    ready: async () => {
      await eventStore.readAll({ limit: 1 });
      return true;
    },
    catalogIdOf: async (organizationId) => (await organizations.findOrganization(organizationId))?.catalogId ?? dottedCatalog.id,
    authenticate: async (authorization, requestId): Promise<Caller | undefined> => {
      const found = await authenticate({ organizations, keys }, authorization);
      if (!found) return undefined;
      return {
        organizationId: found.organization.id,
        actor: `key:${found.keyId}`,
        catalog: findCatalog(found.organization.catalogId) ?? dottedCatalog,
        correlationId: requestId,
      };
    },
  });
};
