import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientTypes } from '../../scripts/openapi-document.js';
import { CLIENT_OPERATIONS } from '../../src/client/index.js';
import { type Harness, startHarness } from '../support/http-harness.js';

describe('hookledger/client stays in step with /openapi.json', () => {
  let h: Harness;
  let doc: { info: object; paths: Record<string, Record<string, { operationId: string }>> };
  beforeAll(async () => {
    h = await startHarness('memory');
    doc = (await h.request('GET', '/openapi.json')).body;
  });
  afterAll(() => h.close());

  it('its types are what openapi-typescript generates from the served document (npm run client:types)', async () => {
    const committed = readFileSync(new URL('../../src/client/api-types.ts', import.meta.url), 'utf8');
    expect(committed === (await clientTypes(doc)), 'src/client/api-types.ts is stale: run npm run client:types').toBe(true);
  });

  it('has a method for every /v1 operation', () => {
    const v1 = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([, ops]) => Object.values(ops).map((op) => op.operationId));
    expect(v1.filter((id) => !(CLIENT_OPERATIONS as readonly string[]).includes(id))).toEqual([]);
    expect([...CLIENT_OPERATIONS].filter((id) => !v1.includes(id))).toEqual([]);
  });
});
