import { listen } from '../adapters/http/koa/server.js';
import type { Config } from './config.js';
import { buildApi, buildContainer, closeContainer } from './container.js';
import { packageVersion } from './package-info.js';
import { TOKENS } from './tokens.js';

/** Runs the HTTP API until SIGTERM or SIGINT, then drains in-flight requests and closes the store. */
export const serve = async (config: Config): Promise<void> => {
  const container = buildContainer(config);
  const logger = container.get(TOKENS.Logger);
  const { app } = buildApi(container, packageVersion());
  if ((await container.get(TOKENS.Organizations).listOrganizations()).length === 0) {
    logger.info(
      { next: ['npx hookledger orgs create acme', 'npx hookledger keys create --org acme'] },
      'no organization yet: create one and an API key (in another terminal, also while this runs)',
    );
  }
  const running = await listen(app, config.host, config.port);
  logger.info({ url: running.url, database: config.databaseUrl.replace(/\/\/[^@]*@/, '//…@') }, `listening on ${running.url}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    await running.close();
    await closeContainer(container);
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
};
