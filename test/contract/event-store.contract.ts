import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CryptoDigest } from '../../src/adapters/ids/crypto/crypto-digest.js';
import { verifyEventLog } from '../../src/application/verify-log.js';
import type { EventStore, NewEvent } from '../../src/ports/event-store.js';

export interface EventStoreFixture {
  readonly store: EventStore;
  /** For durable adapters: a second, independent instance on the same storage. */
  readonly reopen?: () => Promise<EventStore>;
  readonly cleanup: () => Promise<void>;
}

let seq = 0;
const ev = (type = 'Thing', data: unknown = { n: seq }, recordedAt = '2026-11-22T10:00:00.000Z'): NewEvent => ({
  eventId: `evt-${process.pid}-${++seq}`,
  type,
  version: 1,
  data,
  metadata: { organizationId: 'int_org', actor: 'test', correlationId: 'corr-1', recordedAt },
});

/** The behaviour every EventStore adapter must have; see ADR 0002. */
export const eventStoreContract = (name: string, factory: () => Promise<EventStoreFixture>) => {
  describe(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;
    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });
    afterEach(async () => fixture.cleanup());

    it('appends to a new stream at revisions 1..n with increasing positions, and reads them back intact', async () => {
      const events = [ev('A', { a: 1, nested: { list: [1, 'two'] } }), ev('B'), ev('C')];
      const result = await store.append('s-1', 0, events);
      expect(result).toMatchObject({ ok: true, nextRevision: 3 });
      const read = await store.readStream('s-1');
      expect(read.map((e) => e.revision)).toEqual([1, 2, 3]);
      expect(read.map(({ eventId, type, version, data, metadata }) => ({ eventId, type, version, data, metadata }))).toEqual(events);
      expect(read.every((e) => e.streamId === 's-1')).toBe(true);
      const positions = read.map((e) => e.position);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(new Set(positions).size).toBe(3);
      if (result.ok) expect(result.lastPosition).toBe(positions[2]);
    });

    it('returns optional metadata fields only when they were given', async () => {
      const bare = { ...ev(), metadata: { organizationId: 'int_org', actor: 'test', recordedAt: '2026-11-22T10:00:00.000Z' } };
      await store.append('s-bare', 0, [bare]);
      const [read] = await store.readStream('s-bare');
      expect(Object.keys(read!.metadata).sort()).toEqual(['actor', 'organizationId', 'recordedAt']);
    });

    it('reports a wrong expected revision as a conflict and writes nothing', async () => {
      expect(await store.append('s-2', 1, [ev()])).toEqual({ ok: false, expected: 1, actual: 0 });
      await store.append('s-2', 0, [ev(), ev()]);
      expect(await store.append('s-2', 1, [ev()])).toEqual({ ok: false, expected: 1, actual: 2 });
      expect(await store.append('s-2', 5, [ev()])).toEqual({ ok: false, expected: 5, actual: 2 });
      expect(await store.append('s-2', 0, [ev()])).toEqual({ ok: false, expected: 0, actual: 2 });
      expect(await store.readStream('s-2')).toHaveLength(2);
      expect(await store.readAll()).toHaveLength(2);
    });

    it('lets exactly one of two concurrent appends at the same revision win', async () => {
      await store.append('s-3', 0, [ev()]);
      const [a, b] = await Promise.all([store.append('s-3', 1, [ev('A'), ev('A')]), store.append('s-3', 1, [ev('B')])]);
      const results = [a, b];
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const winner = a.ok ? 'A' : 'B';
      const loser = results.find((r) => !r.ok);
      expect(loser).toEqual({ ok: false, expected: 1, actual: winner === 'A' ? 3 : 2 });
      const types = (await store.readStream('s-3')).map((e) => e.type);
      expect(types).toEqual(['Thing', ...(winner === 'A' ? ['A', 'A'] : ['B'])]);
    });

    it('writes nothing when an append fails part-way (a reused event id)', async () => {
      const first = ev();
      await store.append('s-4', 0, [first]);
      const before = await store.readAll();
      await expect(store.append('s-4', 1, [ev(), { ...ev(), eventId: first.eventId }, ev()])).rejects.toThrow();
      expect(await store.readAll()).toEqual(before);
      expect(await store.append('s-4', 1, [ev()])).toMatchObject({ ok: true, nextRevision: 2 });
    });

    it('refuses data JSON cannot hold, writing nothing', async () => {
      await expect(store.append('s-5', 0, [ev('Big', { n: 10n })])).rejects.toThrow(/BigInt/i);
      expect(await store.readStream('s-5')).toEqual([]);
      expect(await store.readAll()).toEqual([]);
    });

    it('reads a stream up to a revision or a time, and an unknown stream as empty', async () => {
      await store.append('s-6', 0, [ev('A', {}, '2026-11-22T10:00:00.000Z'), ev('B', {}, '2026-11-22T11:00:00.000Z'), ev('C', {}, '2026-11-22T12:00:00.000Z')]);
      expect((await store.readStream('s-6', { toRevision: 2 })).map((e) => e.type)).toEqual(['A', 'B']);
      expect((await store.readStream('s-6', { until: '2026-11-22T11:00:00.000Z' })).map((e) => e.type)).toEqual(['A', 'B']);
      expect(await store.readStream('s-6', { until: '2026-11-22T09:00:00.000Z' })).toEqual([]);
      expect(await store.readStream('nope')).toEqual([]);
    });

    it('reads a page of the log for projections (readAllData) as readAll does, without the audit fields', async () => {
      if (!store.readAllData) return; // optional: projections fall back to readAll
      await store.append('pa-1', 0, [ev('A', { n: 1 }), ev('B', { n: 2 })]);
      await store.append('other-1', 0, [ev('C', { n: 3 })]);
      await store.append('pa-2', 0, [ev('D', { nested: { list: [1, 'two'] } })]);
      for (const options of [{}, { streamPrefix: 'pa-' }, { after: 1, limit: 2 }, { streamPrefix: 'pa-', limit: 2 }]) {
        const full = await store.readAll(options);
        expect(await store.readAllData(options)).toEqual(
          full.map(({ streamId, revision, position, type, version, data }) => ({ streamId, revision, position, type, version, data })),
        );
      }
    });

    it('reads only the events after a revision, and a page of at most `limit` of them', async () => {
      await store.append('s-7', 0, [ev('A'), ev('B'), ev('C'), ev('D')]);
      const types = async (options: Parameters<EventStore['readStream']>[1]) => (await store.readStream('s-7', options)).map((e) => `${e.revision}${e.type}`);
      expect(await types({ afterRevision: 2 })).toEqual(['3C', '4D']);
      expect(await types({ afterRevision: 4 })).toEqual([]);
      expect(await types({ afterRevision: 9 })).toEqual([]);
      expect(await types({ limit: 2 })).toEqual(['1A', '2B']);
      expect(await types({ afterRevision: 1, limit: 2 })).toEqual(['2B', '3C']);
      expect(await types({ afterRevision: 1, toRevision: 2, limit: 5 })).toEqual(['2B']);
      expect(await store.readStream('nope', { afterRevision: 3 })).toEqual([]);
    });

    it('pages through the global log in position order, each event exactly once', async () => {
      const streams = ['x-1', 'x-2', 'x-3'];
      const revisions = new Map<string, number>();
      for (let i = 0; i < 50; i++) {
        const s = streams[i % 3]!;
        const r = revisions.get(s) ?? 0;
        await store.append(
          s,
          r,
          Array.from({ length: 50 }, () => ev(s)),
        );
        revisions.set(s, r + 50);
      }
      const seen: number[] = [];
      let after = 0;
      for (;;) {
        const page = await store.readAll({ after, limit: 1000 });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(1000);
        seen.push(...page.map((e) => e.position));
        after = page.at(-1)!.position;
      }
      expect(seen).toHaveLength(2500);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
      expect(new Set(seen).size).toBe(2500);
    });

    it('filters the global log by stream prefix, treating _ and % literally', async () => {
      await store.append('webhook-wh_1', 0, [ev('W')]);
      await store.append('webhookXwhX2', 0, [ev('X')]);
      await store.append('delivery-1', 0, [ev('D')]);
      await store.append('a%b-1', 0, [ev('P')]);
      await store.append('aXb-1', 0, [ev('Q')]);
      expect((await store.readAll({ streamPrefix: 'webhook-wh_' })).map((e) => e.type)).toEqual(['W']);
      expect((await store.readAll({ streamPrefix: 'a%b' })).map((e) => e.type)).toEqual(['P']);
      expect((await store.readAll({ streamPrefix: 'webhook' })).map((e) => e.type)).toEqual(['W', 'X']);
    });

    it('keeps revisions contiguous per stream and the global order equal to the append order (property)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 3 })), { maxLength: 20 }), async (ops) => {
          const prefix = `p${++seq}-`;
          const revisions = new Map<string, number>();
          const expected: string[] = [];
          for (const [streamNo, count] of ops) {
            const streamId = `${prefix}${streamNo}`;
            const batch = Array.from({ length: count }, () => ev());
            const result = await store.append(streamId, revisions.get(streamId) ?? 0, batch);
            expect(result.ok).toBe(true);
            revisions.set(streamId, (revisions.get(streamId) ?? 0) + count);
            expected.push(...batch.map((e) => e.eventId));
          }
          for (const [streamId, n] of revisions) {
            expect((await store.readStream(streamId)).map((e) => e.revision)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
          }
          const all = await store.readAll({ streamPrefix: prefix, limit: 10_000 });
          expect(all.map((e) => e.eventId)).toEqual(expected);
        }),
        { numRuns: 30 },
      );
    });

    it('seals every event into its stream’s hash chain and the global chain, which verify accepts', async () => {
      await store.append('h-1', 0, [ev('A', { x: 1 }), ev('B')]);
      await store.append('h-2', 0, [ev('C')]);
      await store.append('h-1', 2, [ev('D', { nested: { b: 2, a: 1 } })]);
      const all = await store.readAll();
      expect(all.every((e) => /^[0-9a-f]{64}$/.test(e.hash) && /^[0-9a-f]{64}$/.test(e.chain))).toBe(true);
      expect(new Set(all.map((e) => e.hash)).size).toBe(all.length);
      expect(await verifyEventLog({ eventStore: store, digest: new CryptoDigest() })).toEqual({
        checked: 4,
        head: all.at(-1)!.chain,
        lastPosition: all.at(-1)!.position,
        problems: [],
      });
    });

    it('keeps everything across a reopen, and concurrent writers on separate instances still conflict', async () => {
      if (!fixture.reopen) return; // an in-memory store has nothing to reopen
      await store.append('r-1', 0, [ev('A'), ev('B')]);
      const other = await fixture.reopen();
      try {
        expect((await other.readStream('r-1')).map((e) => e.type)).toEqual(['A', 'B']);
        const results = await Promise.all([store.append('r-1', 2, [ev('C')]), other.append('r-1', 2, [ev('D')])]);
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.find((r) => !r.ok)).toEqual({ ok: false, expected: 2, actual: 3 });
        await store.close();
        const third = await fixture.reopen();
        const positions = (await third.readAll()).map((e) => e.position);
        expect(await third.append('r-1', 3, [ev('E')])).toMatchObject({ ok: true, nextRevision: 4 });
        const last = (await third.readAll()).at(-1)!;
        expect(last.position).toBeGreaterThan(Math.max(...positions));
        await third.close();
      } finally {
        await other.close();
      }
    });
  });
};
