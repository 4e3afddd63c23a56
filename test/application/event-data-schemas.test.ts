import { describe, expect, it } from 'vitest';
import { EventDataSchemas, OrganizationTimeBudget } from '../../src/application/index.js';
import type { EventCatalog } from '../../src/domain/index.js';
import type { JsonSchemaCompiler } from '../../src/ports/json-schema.js';

/** A compiler whose checks take `costMs` on the test's clock, and count how often they ran. */
const slowCompiler = (clock: { ms: number }, costMs: number) => {
  const runs = { compiled: 0, checked: 0 };
  const compiler: JsonSchemaCompiler = {
    problems: () => [],
    compile: () => {
      runs.compiled++;
      return (data) => {
        runs.checked++;
        clock.ms += costMs;
        return data === 'bad' ? [{ path: [], message: 'is bad' }] : [];
      };
    },
  };
  return { compiler, runs };
};

const catalog = {
  id: 'dotted',
  revision: 3,
  eventTypes: [
    { name: 'invoice.paid', schema: { type: 'string' } },
    { name: 'invoice.sent', schema: null },
  ],
} as unknown as EventCatalog;

describe('checking event data within an organization’s share of time', () => {
  const setUp = (costMs: number) => {
    const clock = { ms: 0 };
    const { compiler, runs } = slowCompiler(clock, costMs);
    const budget = new OrganizationTimeBudget({ perSecond: 100, burst: 500 }, () => clock.ms);
    return { clock, runs, schemas: new EventDataSchemas(compiler, budget) };
  };

  it('charges each check what it took; an organization that spent its burst waits, and another does not', () => {
    const { clock, runs, schemas } = setUp(200);
    expect(schemas.check('org_a', catalog, 'invoice.paid', 'ok')).toEqual({ kind: 'checked', problems: [] });
    expect(schemas.check('org_a', catalog, 'invoice.paid', 'bad')).toEqual({ kind: 'checked', problems: [{ path: ['data'], message: 'is bad' }] });
    expect(schemas.check('org_a', catalog, 'invoice.paid', 'ok')).toEqual({ kind: 'checked', problems: [] });
    // 600 ms spent from a burst of 500, refilled by 60 ms (100 ms a second over those 600 ms): 60 ms in debt, 600 ms to wait.
    expect(schemas.check('org_a', catalog, 'invoice.paid', 'ok')).toEqual({ kind: 'throttled', retryAfterMs: 600 });
    expect(runs.checked).toBe(3);
    // Another organization has its own share; a type without a schema is never held up.
    expect(schemas.check('org_b', catalog, 'invoice.paid', 'ok').kind).toBe('checked');
    expect(schemas.check('org_a', catalog, 'invoice.sent', 'ok')).toEqual({ kind: 'checked', problems: [] });
    clock.ms += 600;
    expect(schemas.check('org_a', catalog, 'invoice.paid', 'ok').kind).toBe('checked');
    expect(runs.compiled).toBe(2);
  });

  it('a cheap check costs a cheap check: thousands a second stay within the share', () => {
    const { clock, schemas } = setUp(0.01);
    for (let i = 0; i < 5000; i++) {
      clock.ms += 0.2;
      expect(schemas.check('org_a', catalog, 'invoice.paid', 'ok').kind).toBe('checked');
    }
  });

  it('without a budget, checks are never held up', () => {
    const clock = { ms: 0 };
    const schemas = new EventDataSchemas(slowCompiler(clock, 1000).compiler);
    for (let i = 0; i < 5; i++) expect(schemas.check('org_a', catalog, 'invoice.paid', 'ok').kind).toBe('checked');
  });
});

describe('OrganizationTimeBudget', () => {
  it('charges work that throws; making room for more organizations never forgets one in debt', () => {
    const clock = { ms: 0 };
    const budget = new OrganizationTimeBudget({ perSecond: 10, burst: 10 }, () => clock.ms, 2);
    expect(() =>
      budget.charged('org_a', () => {
        clock.ms += 100;
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(budget.waitMs('org_a')).toBe(9000);
    budget.charged('org_b', () => (clock.ms += 5));
    clock.ms += 2000;
    // A third organization makes room by forgetting org_b (full again); org_a still owes 7 s.
    expect(budget.waitMs('org_c')).toBe(0);
    expect(budget.waitMs('org_a')).toBe(9000 - 2005);
  });
});
