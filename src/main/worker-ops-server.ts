import type { Container } from 'inversify';
import { createHttpApp } from '../adapters/http/koa/app.js';
import { metricsRoute } from '../adapters/http/koa/metrics-route.js';
import { metaRoutes } from '../adapters/http/koa/meta-routes.js';
import { type RunningServer, listen } from '../adapters/http/koa/server.js';
import { observeRequestsOf } from './http-metrics.js';
import { TOKENS } from './tokens.js';

/**
 * What `hookledger worker` serves on a port of its own (HOOKLEDGER_WORKER_METRICS_PORT):
 * /metrics, /healthz and /readyz, no API and no keys. Started before the worker, so a port
 * already taken stops the start with a clear message instead of running unobserved.
 */
export const startWorkerOpsServer = async (c: Container): Promise<RunningServer> => {
  const config = c.get(TOKENS.Config);
  const logger = c.get(TOKENS.Logger);
  const queue = c.get(TOKENS.Queue);
  const routes = [
    // Only the unauthenticated probes: /healthz and /readyz (the queue answers).
    ...metaRoutes({ ready: async () => (await queue.depth(Date.now()), true), catalogIdOf: async () => '' }).filter((r) => !r.auth),
    metricsRoute(() => c.get(TOKENS.Metrics).render()),
  ];
  const app = createHttpApp({ routes, authenticate: async () => undefined, logger, observeRequest: observeRequestsOf(c) });
  let running: RunningServer;
  try {
    running = await listen(app, config.host, config.workerMetricsPort);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `the worker cannot serve /metrics on ${config.host}:${config.workerMetricsPort} (${reason}): set HOOKLEDGER_WORKER_METRICS_PORT to a free port, or 0 for any`,
      { cause: error },
    );
  }
  logger.info({ url: running.url }, `worker metrics and health on ${running.url}/metrics, ${running.url}/healthz`);
  return running;
};
