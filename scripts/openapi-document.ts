/**
 * The OpenAPI document the server serves, built without a database (in-memory adapters), and the
 * client's types generated from it (openapi-typescript, its default options).
 */
import { readFileSync } from 'node:fs';
import openapiTS, { COMMENT_HEADER, astToString } from 'openapi-typescript';
import { pino } from 'pino';
import { openApiDocument } from '../src/adapters/http/koa/openapi/index.js';
import { readConfig } from '../src/main/config.js';
import { buildApi, closeContainer, compose } from '../src/main/container.js';

export const packageVersion = (): string => (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const servedDocument = async (version = packageVersion()) => {
  const container = await compose({ ...readConfig({}), databaseUrl: 'memory:' }, { logger: pino({ level: 'silent' }) });
  try {
    return openApiDocument(buildApi(container, version).routes, { title: 'Hookledger API', version });
  } finally {
    await closeContainer(container);
  }
};

/** src/client/api-types.ts for a document; the version is left out, so a release does not change the types. */
export const clientTypes = async (doc: { info: object }): Promise<string> => {
  const ast = await openapiTS({ ...doc, info: { ...doc.info, version: '' } } as never);
  return `${COMMENT_HEADER}// Regenerate with \`npm run client:types\`; test/client/types-in-step.test.ts fails when it is stale.\n\n${astToString(ast)}`;
};
