import type { Logger } from 'pino';
import { listen } from '../adapters/http/koa/server.js';
import { BoundedLogWriter } from '../adapters/log/stdout/bounded-log-writer.js';
import { type Config, maskUrl } from './config.js';
import { buildApi, buildDeliveryDeps, closeContainer, compose, createLogger } from './container.js';
import { packageVersion } from './package-info.js';
import { TOKENS } from './tokens.js';
import { type RunningWorker, startWorker } from './worker.js';
import { startWorkerOpsServer } from './worker-ops-server.js';
import { retentionLoopOptions } from './retention.js';

/** A long-running process's log: stdout through a bounded writer, so a stalled reader costs at most the buffer (ADR 0016). */
const processLog = (config: Config) => {
  const writer = new BoundedLogWriter(process.stdout, config.logBufferBytes);
  return { writer, logger: createLogger(undefined, writer), logLinesDropped: () => writer.dropped() };
};

/**
 * Runs the shutdown steps once, and exits by `config.shutdownDeadlineMs` whatever is still
 * running: a stalled log reader, a stuck request or store never keeps the process alive.
 * The log gets what time is left (at most 2 s) to reach its reader.
 */
const onSignals = (config: Config, logger: Logger, writer: BoundedLogWriter, steps: (signal: string) => Promise<void>) => {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const deadline = Date.now() + config.shutdownDeadlineMs;
    setTimeout(() => {
      logger.error({ deadlineMs: config.shutdownDeadlineMs }, 'shutdown deadline reached: exiting now');
      void writer.flush(100).finally(() => process.exit(1));
    }, config.shutdownDeadlineMs).unref();
    let code = 0;
    try {
      await steps(signal);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      code = 1;
    }
    await writer.flush(Math.max(0, Math.min(2000, deadline - Date.now())));
    process.exit(code);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
};

/** Runs the HTTP API (and, unless HOOKLEDGER_WORKER=false, the delivery worker) until SIGTERM or SIGINT, then drains and closes the store. */
export const serve = async (config: Config): Promise<void> => {
  const { writer, logger, logLinesDropped } = processLog(config);
  const container = await compose(config, { logger, logLinesDropped });
  const { app } = buildApi(container, packageVersion());
  if ((await container.get(TOKENS.Organizations).listOrganizations()).length === 0) {
    logger.info(
      { next: ['npx hookledger orgs create acme', 'npx hookledger keys create --org acme'] },
      'no organization yet: create one and an API key (in another terminal, also while this runs)',
    );
  }
  if (config.delivery.leaseMs <= 30_000) {
    logger.warn(
      { leaseMs: config.delivery.leaseMs },
      'HOOKLEDGER_LEASE_MS is not longer than the longest channel timeout (30 s): a slow attempt may be sent twice',
    );
  }
  const running = await listen(app, config.host, config.port);
  const worker: RunningWorker | undefined = config.delivery.workerInProcess
    ? startWorker(buildDeliveryDeps(container), logger, {
        pollMs: config.delivery.pollMs,
        leaseMs: config.delivery.leaseMs,
        endpointConcurrency: config.delivery.endpointConcurrency,
        retention: retentionLoopOptions(container),
      })
    : undefined;
  logger.info({ url: running.url, database: maskUrl(config.databaseUrl) }, `listening on ${running.url}`);

  onSignals(config, logger, writer, async (signal) => {
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    await running.close();
    await worker?.stop();
    await closeContainer(container);
    logger.info('stopped');
  });
};

/** Runs only the delivery worker (`hookledger worker`), e.g. beside API processes started with HOOKLEDGER_WORKER=false. */
export const work = async (config: Config): Promise<void> => {
  const { writer, logger, logLinesDropped } = processLog(config);
  const container = await compose(config, { logger, logLinesDropped });
  const ops = await startWorkerOpsServer(container).catch(async (error: unknown) => {
    await closeContainer(container);
    throw error;
  });
  const worker = startWorker(buildDeliveryDeps(container), logger, {
    pollMs: config.delivery.pollMs,
    leaseMs: config.delivery.leaseMs,
    endpointConcurrency: config.delivery.endpointConcurrency,
    retention: retentionLoopOptions(container),
  });
  onSignals(config, logger, writer, async (signal) => {
    logger.info({ signal }, 'worker stopping: finishing attempts in flight');
    await worker.stop();
    await ops.close(1000);
    await closeContainer(container);
  });
};
