import { join } from 'node:path';
import type { Container } from 'inversify';
import { createApi } from '../adapters/http/koa/api.js';
import { isEsdbUnavailable } from '../adapters/store/esdb/unavailable.js';
import { isPostgresUnavailable } from '../adapters/store/postgres/unavailable.js';
import { isSqliteUnavailable } from '../adapters/store/sqlite/unavailable.js';
import { catalogWiring } from './catalog-wiring.js';
import { dottedCatalog } from '../domain/index.js';
import { freshApiStores } from './fresh-api-stores.js';
import { observeRequestsOf } from './http-metrics.js';
import { packageRoot } from './package-info.js';
import { fieldSealer, sealedEventStore, sealedReadModel } from './sealing-wiring.js';
import { SealingUnavailableError } from '../ports/field-sealer.js';
import { TOKENS } from './tokens.js';

/** The HTTP API on a composed container: the routes' use cases get their ports from it. */
export const buildApi = (c: Container, version: string) => {
  // Reads that only confirm nothing changed cost no store read on one SQLite file (ADR 0022).
  const fresh = freshApiStores(c);
  // Sealed at rest, opened for the owner (ADR 0018).
  const { eventStore, readModel, queue } = { ...fresh, eventStore: sealedEventStore(c, fresh.eventStore), readModel: fresh.freshen(sealedReadModel(c)) };
  const organizations = c.get(TOKENS.Organizations);
  const config = c.get(TOKENS.Config);
  const commands = { ...c.get(TOKENS.Webhooks), eventStore };
  const catalogs = catalogWiring(c, eventStore);
  return createApi({
    webhooks: { ...commands, readModel, queue, secrets: c.get(TOKENS.Secrets), secretGenerator: c.get(TOKENS.SecretGenerator), sealer: fieldSealer(c) },
    // Publishing reads the list as stored: jobs keep no sensitive value, so nothing is opened on the hot path.
    deliveries: {
      ...commands,
      readModel: fresh.readModel,
      queue,
      metrics: { countAccepted: () => c.get(TOKENS.Metrics).countAccepted() },
      checkData: catalogs.checkData,
    },
    metrics: () => c.get(TOKENS.Metrics).render(),
    isUnavailable: (error) =>
      isSqliteUnavailable(error) || isPostgresUnavailable(error) || isEsdbUnavailable(error) || error instanceof SealingUnavailableError,
    rateLimit: config.rateLimit,
    observeRequest: observeRequestsOf(c),
    consoleDir: config.consoleDir ?? join(packageRoot(), 'dist', 'console'),
    logger: c.get(TOKENS.Logger),
    version,
    ready: async () => {
      await eventStore.readAll({ limit: 1 });
      return true;
    },
    catalogIdOf: async (organizationId) => (await organizations.findOrganization(organizationId))?.catalogId ?? dottedCatalog.id,
    // Organization keys with their catalog, and operator keys (ADR 0020); the app answers 403 for the wrong kind.
    authenticate: catalogs.authenticate,
    eventTypes: catalogs.eventTypes,
    operator: catalogs.operator,
  });
};
