import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { CryptoIds } from '../../src/adapters/ids/crypto/crypto-ids.js';
import { AjvJsonSchemaCompiler } from '../../src/adapters/schema/ajv/ajv-json-schema.js';
import { InMemoryEventStore } from '../../src/adapters/store/memory/memory-event-store.js';
import { CATALOG_TTL_MS, type EventTypeDeps, KEY_USE_INTERVAL_MS, KeyUseRecorder, OrganizationCatalogs, changeEventType } from '../../src/application/index.js';
import type { EventStore } from '../../src/ports/event-store.js';
import { orgA, unwrap } from '../support/use-case-fixtures.js';

/** Counts stream reads, to show what the cache saves. */
const counting = (store: EventStore) => {
  const calls = { readStream: 0 };
  const counted: EventStore = {
    ...store,
    append: store.append.bind(store),
    readAll: store.readAll.bind(store),
    close: store.close.bind(store),
    readStream: (...a) => (calls.readStream++, store.readStream(...a)),
  };
  return { counted, calls };
};

describe('each process’s view of an organization’s catalog (ADR 0020)', () => {
  it('serves a catalog for 1 s, sees its own writes at once and another process’s within the second', async () => {
    const clock = new ManualClock('2026-11-25T10:00:00.000Z');
    const { counted, calls } = counting(new InMemoryEventStore());
    const deps = (catalogs: OrganizationCatalogs): EventTypeDeps => ({
      eventStore: counted,
      clock,
      ids: new CryptoIds(),
      schemas: new AjvJsonSchemaCompiler(),
      catalogs,
    });
    const [a, b] = [new OrganizationCatalogs(counted, clock), new OrganizationCatalogs(counted, clock)];

    expect((await b.catalog(orgA.organizationId, 'dotted')).eventTypes).toHaveLength(22);
    await Promise.all([b.catalog(orgA.organizationId, 'dotted'), b.catalog(orgA.organizationId, 'dotted')]);
    expect(calls.readStream).toBe(1);

    unwrap(await changeEventType(deps(a), orgA, { type: 'AddEventType', data: { name: 'invoice.paid' } }));
    // Process A knows at once; B still serves what it read, until its second is over.
    expect((await a.catalog(orgA.organizationId, 'dotted')).revision).toBe(2);
    expect((await b.catalog(orgA.organizationId, 'dotted')).revision).toBe(0);
    clock.advance(CATALOG_TTL_MS);
    const seen = await b.catalog(orgA.organizationId, 'dotted');
    expect(seen.revision).toBe(2);
    expect(seen.eventTypes.at(-1)?.name).toBe('invoice.paid');
    // An exact read goes to the log whatever the age.
    expect((await b.catalog(orgA.organizationId, 'dotted', true)).revision).toBe(2);
  });

  it('records a key’s use at most once per interval', async () => {
    const clock = new ManualClock('2026-11-25T10:00:00.000Z');
    const writes: string[] = [];
    const recorder = new KeyUseRecorder({ recordKeyUse: async (keyId, at) => void writes.push(`${keyId}@${at}`) }, clock);
    await recorder.record('A');
    expect(recorder.record('A')).toBeUndefined();
    await recorder.record('B');
    clock.advance(KEY_USE_INTERVAL_MS - 1);
    expect(recorder.record('A')).toBeUndefined();
    clock.advance(1);
    await recorder.record('A');
    expect(writes).toEqual(['A@2026-11-25T10:00:00.000Z', 'B@2026-11-25T10:00:00.000Z', 'A@2026-11-25T10:01:00.000Z']);
    // A failed write is reported, never thrown at the request.
    const errors: unknown[] = [];
    await new KeyUseRecorder({ recordKeyUse: async () => Promise.reject(new Error('disk full')) }, clock, (e) => errors.push(e)).record('A');
    expect(errors).toHaveLength(1);
  });
});
