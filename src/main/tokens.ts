import type BetterSqlite3 from 'better-sqlite3';
import type { ServiceIdentifier } from 'inversify';
import type pg from 'pg';
import type { Logger } from 'pino';
import type {
  Clock,
  DeliveryMetrics,
  DeliveryQueue,
  EventStore,
  IdGenerator,
  KeyMaterial,
  Notifier,
  OrganizationStore,
  SecretGenerator,
  WebhookReadModel,
  WebhookSecrets,
} from '../ports/index.js';
import type { StateCache, WebhookDeps } from '../application/index.js';
import type { WebhookState } from '../domain/index.js';
import type { Config } from './config.js';

export interface Tokens {
  readonly Config: ServiceIdentifier<Config>;
  readonly Logger: ServiceIdentifier<Logger>;
  readonly Clock: ServiceIdentifier<Clock>;
  readonly Ids: ServiceIdentifier<IdGenerator>;
  readonly KeyMaterial: ServiceIdentifier<KeyMaterial>;
  readonly Sqlite: ServiceIdentifier<BetterSqlite3.Database>;
  readonly Postgres: ServiceIdentifier<pg.Pool>;
  readonly EventStore: ServiceIdentifier<EventStore>;
  readonly ReadModel: ServiceIdentifier<WebhookReadModel>;
  readonly Organizations: ServiceIdentifier<OrganizationStore>;
  readonly Secrets: ServiceIdentifier<WebhookSecrets>;
  readonly Queue: ServiceIdentifier<DeliveryQueue>;
  readonly Notifiers: ServiceIdentifier<readonly Notifier[]>;
  readonly Metrics: ServiceIdentifier<DeliveryMetrics>;
  readonly SecretGenerator: ServiceIdentifier<SecretGenerator>;
  /** Webhook states folded in this process, shared by the API and the worker (ADR 0016). */
  readonly WebhookStates: ServiceIdentifier<StateCache<WebhookState>>;
  /** The webhook use cases' dependencies (the command handler's ports), assembled once for every caller. */
  readonly Webhooks: ServiceIdentifier<WebhookDeps>;
}

const token = (name: string) => Symbol.for(`hookledger.${name}`);

/** Explicit tokens: vitest and tsx transpile without decorator metadata. */
export const TOKENS: Tokens = {
  Config: token('Config'),
  Logger: token('Logger'),
  Clock: token('Clock'),
  Ids: token('Ids'),
  KeyMaterial: token('KeyMaterial'),
  Sqlite: token('Sqlite'),
  Postgres: token('Postgres'),
  EventStore: token('EventStore'),
  ReadModel: token('ReadModel'),
  Organizations: token('Organizations'),
  Secrets: token('Secrets'),
  Queue: token('Queue'),
  Notifiers: token('Notifiers'),
  Metrics: token('Metrics'),
  SecretGenerator: token('SecretGenerator'),
  WebhookStates: token('WebhookStates'),
  Webhooks: token('Webhooks'),
};
