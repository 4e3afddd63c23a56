import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperatorKey } from '../../src/application/organizations.js';
import { TOKENS } from '../../src/main/tokens.js';
import { type Harness, startHarness } from '../support/http-harness.js';

/** Hostile input on the event-type and operator routes (ADR 0020): never a 5xx, always the envelope, nothing stored when refused. */
describe('fuzzing the catalog and operator routes: no input gets a 500', () => {
  let h: Harness;
  let key: string;
  let operator: string;

  beforeAll(async () => {
    h = await startHarness('sqlite-file');
    key = (await h.newOrg('fuzzed')).key;
    const made = await createOperatorKey({ organizations: h.container.get(TOKENS.Organizations), keys: h.container.get(TOKENS.KeyMaterial), clock: h.clock });
    if (made._tag === 'Left') throw new Error(made.left.message);
    operator = made.right.key;
  });
  afterAll(() => h.close());

  const nasty = fc.oneof(
    fc.string(),
    fc.constantFrom('__proto__', 'constructor', '%', '%00', '..', '.', 'invoice.paid', 'object.created', 'fuzzed', 'a'.repeat(3000)),
  );
  const keyword = fc.constantFrom(
    'type',
    'properties',
    'items',
    'prefixItems',
    'anyOf',
    'oneOf',
    'allOf',
    'not',
    'if',
    'then',
    'else',
    '$ref',
    '$defs',
    'definitions',
    'required',
    'enum',
    'const',
    'minimum',
    'multipleOf',
    'minLength',
    'maxItems',
    'uniqueItems',
    'additionalProperties',
    'contains',
    'format',
    '$schema',
    '$anchor',
    '$id',
    'pattern',
    'dependentSchemas',
    'unevaluatedProperties',
    'propertyNames',
    '__proto__',
  );
  const schema = fc.letrec((tie) => ({
    node: fc.dictionary(keyword, fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 2 }), tie('node'), fc.array(tie('node'), { maxLength: 3 })), {
      maxKeys: 5,
    }),
  })).node;
  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.record(
      { name: fc.oneof(nasty, fc.constantFrom('invoice.paid', 'fuzz.one', 'FUZZ_ONE')), schema, description: fc.option(nasty, { nil: undefined }) },
      { requiredKeys: ['name'] },
    ),
    fc.record({ event_type: fc.constantFrom('invoice.paid', 'fuzz.one', 'object.created'), data: fc.jsonValue({ maxDepth: 4 }) }),
    fc.record({ name: nasty, catalog: fc.option(nasty, { nil: undefined }) }),
  );
  // `.` and `..` segments are resolved by fetch before they are sent: not this route's input.
  const segment = nasty.map((s) => (/^\.{1,2}$/.test(s) ? `${s}x` : encodeURIComponent(s)));
  const request = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
    path: fc.oneof(
      fc.constantFrom(
        '/v1/event-types',
        '/v1/event-types/invoice.paid',
        '/v1/event-types/history',
        '/v1/events',
        '/v1/admin/organizations',
        '/v1/admin/organizations/fuzzed/keys',
      ),
      segment.map((s) => `/v1/event-types/${s}`),
      nasty.map((s) => `/v1/event-types?limit=${encodeURIComponent(s)}&offset=${encodeURIComponent(s)}`),
      nasty.map((s) => `/v1/event-types/history?cursor=${encodeURIComponent(s)}`),
      segment.map((s) => `/v1/admin/organizations/${s}/keys/${s}`),
    ),
    body,
    ifMatch: fc.option(
      nasty.map((s) => s.replace(/[^\x20-\x7e]/g, '')),
      { nil: undefined },
    ),
    as: fc.constantFrom('organization', 'operator'),
  });

  it('never answers 5xx; a 4xx is an error envelope and stores nothing', async () => {
    // A type with a schema, so publishes are checked against one.
    await h.request('POST', '/v1/event-types', { key, body: { name: 'invoice.paid', schema: { type: 'object', properties: { n: { type: 'number' } } } } });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const before = await h.eventCount();
        const res = await h.request(r.method, r.path, {
          key: r.as === 'operator' ? operator : key,
          body: r.body,
          headers: r.ifMatch === undefined ? {} : { 'if-match': r.ifMatch },
        });
        expect(res.status, `${r.method} ${r.path}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.body).toMatchObject({ success: false, status: res.status, error: { type: expect.any(String), message: expect.any(String) } });
          expect(await h.eventCount()).toBe(before);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 600) },
    );
  }, 240_000);
});
