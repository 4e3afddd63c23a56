import 'reflect-metadata';
import { Container } from 'inversify';
import type { Logger } from 'pino';
import { SmtpNotifier } from '../adapters/channels/email/smtp-notifier.js';
import { HttpNotifier } from '../adapters/channels/http/http-notifier.js';
import { SlackNotifier } from '../adapters/channels/slack/slack-notifier.js';
import { TwilioNotifier } from '../adapters/channels/sms/twilio-notifier.js';
import { SystemClock } from '../adapters/clock/system/system-clock.js';
import { CryptoIds } from '../adapters/ids/crypto/crypto-ids.js';
import { CryptoKeyMaterial } from '../adapters/ids/crypto/crypto-key-material.js';
import { CryptoSecretGenerator } from '../adapters/ids/crypto/crypto-secret-generator.js';
import { createDeliveryMetrics } from '../adapters/metrics/prometheus/delivery-metrics.js';
import { StateCache } from '../application/index.js';
import type { WebhookState } from '../domain/index.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/event-store.js';
import { buildApi } from './api-wiring.js';
import { bindStores } from './bind-stores.js';
import type { Config } from './config.js';
import { buildDeliveryDeps } from './delivery-wiring.js';
import { httpRequestsOf } from './http-metrics.js';
import { createLogger } from './logger.js';
import { packageVersion } from './package-info.js';
import { withRetentionCounters } from './retention.js';
import { bindSealer, sealedEventStore } from './sealing-wiring.js';
import { TOKENS } from './tokens.js';

/** What a caller of `compose` may supply instead of what the configuration names (tests, embedders, the process log). */
export interface Overrides {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Log lines dropped so far by a bounded log destination (a metric). */
  readonly logLinesDropped?: () => number;
  /** An event store of the caller's own (`hookledger/memory` hands its in-memory one to its user). */
  readonly eventStore?: EventStore;
  /** Told of each PostgreSQL migration applied while composing (`hookledger migrate` prints them). */
  readonly onMigration?: (m: { version: number; name: string }) => void;
}

export { buildApi, buildDeliveryDeps, createLogger };

/**
 * The composition root: the one place that knows which adapters run, chosen from
 * DATABASE_URL (and READ_MODEL_URL), and that assembles the use cases' dependencies.
 * The server, the worker, every CLI command, `hookledger/memory` and the demo call it;
 * everything else receives ports. PostgreSQL schemas are migrated here, before anything uses them.
 */
export const compose = async (config: Config, overrides: Overrides = {}): Promise<Container> => {
  const c = new Container({ defaultScope: 'Singleton' });
  c.bind(TOKENS.Config).toConstantValue(config);
  c.bind(TOKENS.Logger).toConstantValue(overrides.logger ?? createLogger());
  c.bind(TOKENS.Clock).toConstantValue(overrides.clock ?? new SystemClock());
  c.bind(TOKENS.Ids).toConstantValue(new CryptoIds());
  c.bind(TOKENS.KeyMaterial).toConstantValue(new CryptoKeyMaterial());
  c.bind(TOKENS.SecretGenerator).toConstantValue(new CryptoSecretGenerator());
  c.bind(TOKENS.WebhookStates).toConstantValue(new StateCache<WebhookState>());

  await bindStores(c, config, overrides.eventStore, overrides.onMigration);
  await bindSealer(c, config);
  c.bind(TOKENS.Webhooks).toResolvedValue(
    (eventStore, clock, ids, states) => ({
      eventStore: sealedEventStore(c, eventStore),
      clock,
      ids,
      states,
      allowPrivateDestinations: config.delivery.allowPrivateDestinations,
    }),
    [TOKENS.EventStore, TOKENS.Clock, TOKENS.Ids, TOKENS.WebhookStates],
  );
  const userAgent = `Hookledger/${packageVersion()}`;
  const allowPrivate = config.delivery.allowPrivateDestinations;
  c.bind(TOKENS.Notifiers).toConstantValue([
    new HttpNotifier({ allowPrivateDestinations: allowPrivate, userAgent }),
    new SlackNotifier({ allowPrivateDestinations: allowPrivate, userAgent }),
    new SmtpNotifier(config.delivery.smtpUrl, config.delivery.smtpFrom),
    new TwilioNotifier(config.delivery.twilio, userAgent),
  ]);
  c.bind(TOKENS.Metrics).toResolvedValue(
    (queue, clock) =>
      withRetentionCounters(
        c,
        createDeliveryMetrics(queue, () => clock.now().getTime(), { logLinesDropped: overrides.logLinesDropped, httpRequests: httpRequestsOf(c) }),
      ),
    [TOKENS.Queue, TOKENS.Clock],
  );
  return c;
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
