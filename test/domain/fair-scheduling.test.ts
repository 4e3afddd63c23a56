import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DueJob,
  type EndpointState,
  type FairnessPolicy,
  endpointAllowance,
  organizationShare,
  pacedAfter,
  pickFairly,
  rateAllowance,
} from '../../src/domain/index.js';

const NOW = 1_000_000;
let nextId = 0;
const job = (organizationId: string, endpoint: string, dueAt = NOW - 1000): DueJob => ({ id: ++nextId, organizationId, endpoint, dueAt });
const jobs = (n: number, organizationId: string, endpoint: (i: number) => string, dueAt: (i: number) => number = (i) => NOW - 1000 + i) =>
  Array.from({ length: n }, (_, i) => job(organizationId, endpoint(i), dueAt(i)));

/** Given these due jobs and endpoints, this worker's jobs in flight, when it claims `limit` under `policy`, then these jobs (as org/endpoint pairs, in order). */
const given = (due: DueJob[], endpoints: Record<string, EndpointState> = {}, mine: Record<string, number> = {}) => ({
  whenClaiming: (limit: number, policy?: FairnessPolicy, now = NOW) => {
    const pick = pickFairly({ now, due, endpoints: new Map(Object.entries(endpoints)), mine: new Map(Object.entries(mine)), limit, policy });
    return {
      then: (...expected: [string, string][]) => expect(pick.jobs.map((j) => [j.organizationId, j.endpoint])).toEqual(expected),
      thenNothing: () => expect(pick.jobs).toEqual([]),
      pick,
    };
  },
});

describe('an organization’s share of a worker', () => {
  it('is an equal share of the slots among the organizations with work, rounded up, at least one', () => {
    expect([organizationShare(20, 1), organizationShare(20, 2), organizationShare(20, 3), organizationShare(20, 40), organizationShare(20, 0)]).toEqual([
      20, 10, 7, 1, 20,
    ]);
  });
});

describe('picking the jobs a claim takes', () => {
  const fair: FairnessPolicy = { slots: 20, endpointConcurrency: 4 };

  it('takes jobs round-robin between organizations, each one’s oldest first, however many one queued before', () => {
    const p = jobs(6, 'P', (i) => `p/${i}`);
    const q = jobs(
      2,
      'Q',
      (i) => `q/${i}`,
      (i) => NOW - 10 + i,
    );
    given([...p, ...q])
      .whenClaiming(5, fair)
      .then(['P', 'p/0'], ['Q', 'q/0'], ['P', 'p/1'], ['Q', 'q/1'], ['P', 'p/2']);
  });

  it('gives an endpoint no more than its in-flight limit, counting what every worker has in flight there', () => {
    given(
      jobs(10, 'P', () => 'p/slow'),
      { 'p/slow': { inFlight: 3 } },
    )
      .whenClaiming(10, fair)
      .then(['P', 'p/slow']);
    given(
      jobs(10, 'P', () => 'p/slow'),
      { 'p/slow': { inFlight: 4 } },
    )
      .whenClaiming(10, fair)
      .thenNothing();
  });

  it('passes over a full endpoint to the organization’s other endpoints, however many jobs wait at the full one', () => {
    given([...jobs(100, 'P', () => 'p/slow'), job('P', 'p/fast', NOW)], { 'p/slow': { inFlight: 4 } })
      .whenClaiming(10, fair)
      .then(['P', 'p/fast']);
  });

  it('lets an organization alone take every slot, and a newcomer its share while the first holds them all', () => {
    const p = jobs(30, 'P', (i) => `p/${i}`);
    given(p)
      .whenClaiming(40, fair)
      .then(...p.slice(0, 20).map((j): [string, string] => ['P', j.endpoint]));
    // P holds 20 (its share when alone); Q arrives: a share of 10 each, P's 10 beyond its share do not count against Q.
    given([...p.slice(20), job('Q', 'q/1', NOW), job('Q', 'q/2', NOW)], {}, { P: 20 })
      .whenClaiming(20, fair)
      .then(['Q', 'q/1'], ['Q', 'q/2']);
  });

  it('takes no more than the free slots: slots held within their share count, and no organization beyond its share', () => {
    given(
      jobs(10, 'P', (i) => `p/${i}`),
      {},
      { P: 18, Q: 1 },
    )
      .whenClaiming(40, fair)
      .then(['P', 'p/0']);
    given([...jobs(10, 'P', (i) => `p/${i}`), ...jobs(10, 'Q', (i) => `q/${i}`)], {}, { P: 10 })
      .whenClaiming(40, fair)
      .then(...jobs(10, 'Q', (i) => `q/${i}`).map((j): [string, string] => ['Q', j.endpoint]));
  });

  it('without a policy, keeps only the order and the rate limits', () => {
    given(
      jobs(6, 'P', () => 'p/1'),
      { 'p/1': { inFlight: 50 } },
    )
      .whenClaiming(3)
      .then(['P', 'p/1'], ['P', 'p/1'], ['P', 'p/1']);
    given(
      jobs(6, 'P', () => 'p/1'),
      { 'p/1': { inFlight: 0, rateLimit: 1 } },
    )
      .whenClaiming(3)
      .then(['P', 'p/1']);
  });

  it('paces a rate-limited endpoint and says where its pacing stands after the claim', () => {
    const claim = given(
      jobs(6, 'P', () => 'p/1'),
      { 'p/1': { inFlight: 0, rateLimit: 2 } },
    ).whenClaiming(10, fair);
    claim.then(['P', 'p/1'], ['P', 'p/1']);
    expect(claim.pick.paced).toEqual(new Map([['p/1', NOW + 1000]]));
    given(
      jobs(6, 'P', () => 'p/1'),
      { 'p/1': { inFlight: 0, rateLimit: 2, pacedUntil: NOW + 1000 } },
    )
      .whenClaiming(10, fair)
      .thenNothing();
  });

  it('takes each job at most once, never more than asked, and every job it takes was due and offered by its endpoint', () => {
    const scenario = fc.record({
      due: fc.array(fc.record({ org: fc.constantFrom('A', 'B', 'C'), endpoint: fc.integer({ min: 0, max: 5 }), age: fc.integer({ min: 0, max: 10_000 }) }), {
        maxLength: 60,
      }),
      inFlight: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 6, maxLength: 6 }),
      mine: fc.record({ A: fc.integer({ min: 0, max: 8 }), B: fc.integer({ min: 0, max: 8 }) }),
      limit: fc.integer({ min: 0, max: 30 }),
      slots: fc.integer({ min: 1, max: 20 }),
      endpointConcurrency: fc.integer({ min: 1, max: 6 }),
    });
    fc.assert(
      fc.property(scenario, (s) => {
        // An endpoint belongs to one organization: the one of its first job.
        const owner = new Map<number, string>();
        const due = s.due.map((d, i) => {
          if (!owner.has(d.endpoint)) owner.set(d.endpoint, d.org);
          return { id: i + 1, organizationId: owner.get(d.endpoint)!, endpoint: `e${d.endpoint}`, dueAt: NOW - d.age };
        });
        const endpoints = new Map(s.inFlight.map((n, e): [string, EndpointState] => [`e${e}`, { inFlight: n }]));
        const policy = { slots: s.slots, endpointConcurrency: s.endpointConcurrency };
        const mine = new Map(Object.entries(s.mine));
        const pick = pickFairly({ now: NOW, due, endpoints, mine, limit: s.limit, policy });
        const ids = pick.jobs.map((j) => j.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBeLessThanOrEqual(s.limit);
        for (const [endpoint, state] of endpoints) {
          const taken = pick.jobs.filter((j) => j.endpoint === endpoint);
          expect(taken.length).toBeLessThanOrEqual(Math.max(0, s.endpointConcurrency - state.inFlight));
          // An endpoint's jobs go oldest first.
          const offered = due.filter((j) => j.endpoint === endpoint).sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
          expect(taken.map((j) => j.id).sort((a, b) => a - b)).toEqual(
            offered
              .slice(0, taken.length)
              .map((j) => j.id)
              .sort((a, b) => a - b),
          );
        }
        const organizations = new Set(pick.jobs.map((j) => j.organizationId));
        const share = organizationShare(
          s.slots,
          new Set(due.filter((j) => endpointAllowance(endpoints.get(j.endpoint), NOW, policy) > 0).map((j) => j.organizationId)).size,
        );
        for (const o of organizations)
          expect(pick.jobs.filter((j) => j.organizationId === o).length + (mine.get(o) ?? 0)).toBeLessThanOrEqual(Math.max(share, mine.get(o) ?? 0));
      }),
      { numRuns: 300 },
    );
  });
});

describe('a channel’s rate_limit', () => {
  it('lets an idle endpoint take a burst of one second’s worth, at least one', () => {
    expect([
      rateAllowance(5, undefined, NOW),
      rateAllowance(2.5, undefined, NOW),
      rateAllowance(0.2, undefined, NOW),
      rateAllowance(5, NOW - 60_000, NOW),
    ]).toEqual([5, 2, 1, 5]);
  });

  it('then one delivery per interval: nothing until the next one is due, never more than the burst', () => {
    // 2 per second: a burst of 2 at NOW, then one each 500 ms.
    const after = pacedAfter(2, undefined, NOW, 2);
    expect(after).toBe(NOW + 1000);
    expect([
      rateAllowance(2, after, NOW),
      rateAllowance(2, after, NOW + 499),
      rateAllowance(2, after, NOW + 500),
      rateAllowance(2, after, NOW + 1000),
      rateAllowance(2, after, NOW + 10_000),
    ]).toEqual([0, 0, 1, 2, 2]);
    // One per 5 s: the second waits 5 s.
    expect([rateAllowance(0.2, pacedAfter(0.2, undefined, NOW, 1), NOW + 4999), rateAllowance(0.2, pacedAfter(0.2, undefined, NOW, 1), NOW + 5000)]).toEqual([
      0, 1,
    ]);
  });

  it('never lets more than the rate through over a long run, plus one burst', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 50, noNaN: true }), fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 200 }), (rate, gaps) => {
        let now = NOW;
        let paced: number | undefined;
        let sent = 0;
        for (const gap of gaps) {
          now += gap;
          const n = rateAllowance(rate, paced, now);
          if (n > 0) paced = pacedAfter(rate, paced, now, n);
          sent += n;
        }
        expect(sent).toBeLessThanOrEqual(Math.max(1, Math.floor(rate)) + Math.floor(((now - NOW - gaps[0]!) * rate) / 1000) + 1);
      }),
    );
  });

  it('is one of the limits of an endpoint: the smaller of concurrency room and rate allowance counts', () => {
    const policy = { slots: 20, endpointConcurrency: 4 };
    expect(endpointAllowance({ inFlight: 1, rateLimit: 100 }, NOW, policy)).toBe(3);
    expect(endpointAllowance({ inFlight: 1, rateLimit: 2 }, NOW, policy)).toBe(2);
    expect(endpointAllowance({ inFlight: 9 }, NOW, policy)).toBe(0);
    expect(endpointAllowance(undefined, NOW, undefined)).toBe(Number.POSITIVE_INFINITY);
  });
});
