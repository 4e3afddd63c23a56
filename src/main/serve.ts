import { listen } from '../adapters/http/koa/server.js';
import { type Config, maskUrl } from './config.js';
import { buildApi, buildContainer, buildDeliveryDeps, closeContainer } from './container.js';
import { packageVersion } from './package-info.js';
import { TOKENS } from './tokens.js';
import { type RunningWorker, startWorker } from './worker.js';

/** Runs the HTTP API (and, unless HOOKLEDGER_WORKER=false, the delivery worker) until SIGTERM or SIGINT, then drains and closes the store. */
export const serve = async (config: Config): Promise<void> => {
  const container = await buildContainer(config);
  const logger = container.get(TOKENS.Logger);
  const { app } = buildApi(container, packageVersion());
  if ((await container.get(TOKENS.Organizations).listOrganizations()).length === 0) {
    logger.info(
      { next: ['npx hookledger orgs create acme', 'npx hookledger keys create --org acme'] },
      'no organization yet: create one and an API key (in another terminal, also while this runs)',
    );
  }
  if (config.delivery.leaseMs <= 30_000) {
    logger.warn({ leaseMs: config.delivery.leaseMs }, 'HOOKLEDGER_LEASE_MS is not longer than the longest channel timeout (30 s): a slow attempt may be sent twice');
  }
  const running = await listen(app, config.host, config.port);
  const worker: RunningWorker | undefined = config.delivery.workerInProcess
    ? startWorker(buildDeliveryDeps(container), logger, { pollMs: config.delivery.pollMs, leaseMs: config.delivery.leaseMs })
    : undefined;
  logger.info({ url: running.url, database: maskUrl(config.databaseUrl) }, `listening on ${running.url}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    await running.close();
    await worker?.stop();
    await closeContainer(container);
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
};

/** Runs only the delivery worker (`hookledger worker`), e.g. beside API processes started with HOOKLEDGER_WORKER=false. */
export const work = async (config: Config): Promise<void> => {
  const container = await buildContainer(config);
  const logger = container.get(TOKENS.Logger);
  const worker = startWorker(buildDeliveryDeps(container), logger, { pollMs: config.delivery.pollMs, leaseMs: config.delivery.leaseMs });
  const stop = async (signal: string) => {
    logger.info({ signal }, 'worker stopping: finishing attempts in flight');
    await worker.stop();
    await closeContainer(container);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
};
