import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DueJob, type EndpointState, type FairnessPolicy, pickFairly } from '../../src/domain/index.js';
import type { AcceptedMessage, ClaimedDelivery, DeliveryQueue, DeliveryTarget } from '../../src/ports/delivery-queue.js';

/**
 * ADR 0014 on every queue adapter: the claim is the domain's `pickFairly`. Hand-written cases for
 * each rule, then random sequences of publishes, claims by several workers, outcomes and time
 * passing, where every claim must take exactly the jobs, in the order, that `pickFairly` picks.
 */
export interface FairClaimContext {
  readonly queue: () => DeliveryQueue;
  /** The same store through another connection (another process, as far as it can tell), if the adapter has one. */
  readonly second: () => DeliveryQueue | undefined;
  /** A fresh, empty store, for each random sequence. */
  readonly fresh: () => Promise<{ queue: DeliveryQueue; cleanup: () => Promise<void> }>;
}

const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const LEASE = 60_000;
const orgId = (o: string) => `int_${o.padEnd(24, 'o')}`;
const webhookId = (o: string, w: number) => `wh_${o}${String(w).padStart(9, '0')}`;

let seq = 0;
const message = (organization: string, at: number): AcceptedMessage => ({
  messageId: `msg_${++seq}_${Math.random().toString(36).slice(2, 8)}`,
  organizationId: orgId(organization),
  eventType: 'object.created',
  data: { seq },
  acceptedAt: new Date(at).toISOString(),
});
const target = (organization: string, w: number, c = 0, rateLimit?: number): DeliveryTarget => ({
  webhookId: webhookId(organization, w),
  webhookName: 'W',
  channelIndex: c,
  channelId: `ch_${c + 1}`,
  channel: { channel: 'webhook', configs: { url: 'https://e.com', headers: {}, timeout: 10, ...(rateLimit === undefined ? {} : { rate_limit: rateLimit }) } },
});
const endpointOf = (d: Pick<ClaimedDelivery, 'webhookId' | 'channelId'>) => `${d.webhookId}/${d.channelId}`;
const orgOf = (d: ClaimedDelivery) => d.message.organizationId;
const ok = (at: number) => ({ at: new Date(at).toISOString(), succeeded: true, statusCode: 200, latencyMs: 1 });

export const fairClaimCases = (ctx: FairClaimContext) =>
  describe('fair claims (ADR 0014)', () => {
    const policy = (slots: number, endpointConcurrency: number): FairnessPolicy => ({ slots, endpointConcurrency });
    const claim = (q: DeliveryQueue, now: number, workerId: string, limit: number, fairness?: FairnessPolicy) =>
      q.claim({ workerId, now, leaseMs: LEASE, limit, fairness });

    it('skips an endpoint at its in-flight limit, counting every worker’s live leases, until one ends', async () => {
      const q = ctx.queue();
      const other = ctx.second() ?? q;
      for (let i = 0; i < 5; i++) await q.enqueue(message('p', T0 + i), [target('p', 1)]);
      await q.enqueue(message('p', T0 + 10), [target('p', 2)]);
      const first = await claim(q, T0 + 100, 'w1', 10, policy(20, 2));
      expect(first.map(endpointOf)).toEqual([`${webhookId('p', 1)}/ch_1`, `${webhookId('p', 1)}/ch_1`, `${webhookId('p', 2)}/ch_1`]);
      // Another worker (another connection) finds the endpoint full.
      expect(await claim(other, T0 + 200, 'w2', 10, policy(20, 2))).toEqual([]);
      expect(await q.record(first[0]!.deliveryId, 'w1', ok(T0 + 300), { status: 'succeeded' })).toBe(true);
      const next = await claim(other, T0 + 400, 'w2', 10, policy(20, 2));
      expect(next.map((d) => d.message.acceptedAt)).toEqual([new Date(T0 + 2).toISOString()]);
      // Leases that ran out free their places: those jobs are due again, first in line (the third job still holds one place).
      const later = await claim(other, T0 + 100 + LEASE, 'w3', 10, policy(20, 2));
      expect(later.map((d) => d.deliveryId)).toEqual([first[1]!.deliveryId, first[2]!.deliveryId]);
    });

    it('interleaves two organizations’ jobs, oldest of each first, however many the first one queued before', async () => {
      const q = ctx.queue();
      for (let i = 0; i < 6; i++) await q.enqueue(message('p', T0 + i), [target('p', i)]);
      for (let i = 0; i < 2; i++) await q.enqueue(message('q', T0 + 100 + i), [target('q', i)]);
      const claimed = await claim(q, T0 + 1000, 'w1', 5, policy(20, 4));
      expect(claimed.map((d) => [orgOf(d), d.message.acceptedAt])).toEqual([
        [orgId('p'), new Date(T0).toISOString()],
        [orgId('q'), new Date(T0 + 100).toISOString()],
        [orgId('p'), new Date(T0 + 1).toISOString()],
        [orgId('q'), new Date(T0 + 101).toISOString()],
        [orgId('p'), new Date(T0 + 2).toISOString()],
      ]);
    });

    it('shares a worker’s slots between organizations: a newcomer gets its share while another holds every slot', async () => {
      const q = ctx.queue();
      for (let i = 0; i < 10; i++) await q.enqueue(message('p', T0 + i), [target('p', i)]);
      // P alone: it may take every slot.
      expect((await claim(q, T0 + 100, 'w1', 8, policy(4, 4))).map(orgOf)).toEqual(Array(4).fill(orgId('p')));
      expect(await claim(q, T0 + 200, 'w1', 8, policy(4, 4))).toEqual([]);
      // Q arrives: two organizations with work, a share of 2 each; P's two slots beyond its share do not keep Q out.
      await q.enqueue(message('q', T0 + 300), [target('q', 1)]);
      await q.enqueue(message('q', T0 + 301), [target('q', 2)]);
      await q.enqueue(message('q', T0 + 302), [target('q', 3)]);
      expect((await claim(q, T0 + 400, 'w1', 8, policy(4, 4))).map(orgOf)).toEqual([orgId('q'), orgId('q')]);
      // Each at or over its share: nothing more until slots are freed; another worker has slots of its own.
      expect(await claim(q, T0 + 500, 'w1', 8, policy(4, 4))).toEqual([]);
      expect((await claim(q, T0 + 600, 'w2', 8, policy(4, 4))).map(orgOf)).toEqual([orgId('p'), orgId('q'), orgId('p')]);
    });

    it('holds a rate-limited endpoint’s jobs back, unsent and kept, until its pace allows them, across connections', async () => {
      const q = ctx.queue();
      const other = ctx.second() ?? q;
      for (let i = 0; i < 5; i++) await q.enqueue(message('p', T0 + i), [target('p', 1, 0, 2)]);
      await q.enqueue(message('p', T0 + 10), [target('p', 2)]);
      const times: number[] = [];
      const taken = new Set<number>();
      // rate_limit 2: a burst of 2 (a bucket of one second's worth), then one every 500 ms, whoever claims.
      for (let t = T0 + 100, i = 0; taken.size < 6 && t < T0 + 10_000; t += 100, i++) {
        for (const d of await claim(i % 2 === 0 ? q : other, t, `w${i}`, 10)) {
          expect(taken.has(d.deliveryId)).toBe(false);
          taken.add(d.deliveryId);
          if (d.webhookId === webhookId('p', 1)) times.push(t - T0);
        }
      }
      expect(times).toEqual([100, 100, 600, 1100, 1600]);
      expect(taken.size).toBe(6);
      expect((await q.depth(T0 + 10_000)).pending).toBe(6);
    });

    it('takes exactly what the domain’s pickFairly picks, claim after claim (random publishes, workers, outcomes, time)', async () => {
      const orgs = ['a', 'b', 'c'];
      const step = fc.oneof(
        fc.record({
          kind: fc.constant('publish' as const),
          org: fc.constantFrom(...orgs),
          webhook: fc.integer({ min: 1, max: 3 }),
          channels: fc.integer({ min: 1, max: 2 }),
          count: fc.integer({ min: 1, max: 4 }),
        }),
        fc.record({
          kind: fc.constant('claim' as const),
          worker: fc.constantFrom('w1', 'w2'),
          limit: fc.integer({ min: 1, max: 6 }),
          fair: fc.option(fc.record({ slots: fc.integer({ min: 1, max: 5 }), endpointConcurrency: fc.integer({ min: 1, max: 3 }) }), { nil: undefined }),
        }),
        fc.record({ kind: fc.constant('finish' as const), pick: fc.nat() }),
        fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(50, 400, 1500, LEASE + 1) }),
      );
      // Some webhooks' channels are rate-limited: the same setting on every job of theirs.
      const rates = new Map([
        [`${webhookId('a', 2)}/ch_1`, 1],
        [`${webhookId('b', 1)}/ch_2`, 2.5],
        [`${webhookId('c', 3)}/ch_1`, 4],
      ]);
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
          const store = await ctx.fresh();
          try {
            let now = T0;
            // A fresh store numbers its jobs 1, 2, … in the order they are published.
            const jobs: { job: DueJob; leasedBy?: string; leaseUntil?: number; done?: boolean }[] = [];
            const pacing = new Map<string, number>();
            const live = () => jobs.filter((j) => !j.done && j.leasedBy !== undefined && j.leaseUntil! > now);
            for (const s of steps) {
              now += 1;
              switch (s.kind) {
                case 'publish':
                  for (let n = 0; n < s.count; n++) {
                    const targets = Array.from({ length: s.channels }, (_, c) =>
                      target(s.org, s.webhook, c, rates.get(`${webhookId(s.org, s.webhook)}/ch_${c + 1}`)),
                    );
                    await store.queue.enqueue(message(s.org, now), targets);
                    for (const t of targets)
                      jobs.push({ job: { id: jobs.length + 1, organizationId: orgId(s.org), endpoint: `${t.webhookId}/${t.channelId}`, dueAt: now } });
                  }
                  break;
                case 'claim': {
                  const endpoints = new Map<string, EndpointState>();
                  const mine = new Map<string, number>();
                  for (const { job, leasedBy } of live()) {
                    endpoints.set(job.endpoint, { inFlight: (endpoints.get(job.endpoint)?.inFlight ?? 0) + 1 });
                    if (leasedBy === s.worker) mine.set(job.organizationId, (mine.get(job.organizationId) ?? 0) + 1);
                  }
                  for (const [endpoint, rate] of rates) {
                    endpoints.set(endpoint, { inFlight: endpoints.get(endpoint)?.inFlight ?? 0, rateLimit: rate, pacedUntil: pacing.get(endpoint) });
                  }
                  const due = jobs.filter((j) => !j.done && (j.leasedBy === undefined || j.leaseUntil! <= now)).map((j) => j.job);
                  const expected = pickFairly({ now, due, endpoints, mine, limit: s.limit, policy: s.fair });
                  const claimed = await store.queue.claim({ workerId: s.worker, now, leaseMs: LEASE, limit: s.limit, fairness: s.fair });
                  expect(claimed.map((d) => [d.deliveryId, orgOf(d), endpointOf(d)])).toEqual(expected.jobs.map((j) => [j.id, j.organizationId, j.endpoint]));
                  for (const j of expected.jobs) Object.assign(jobs[j.id - 1]!, { leasedBy: s.worker, leaseUntil: now + LEASE });
                  for (const [endpoint, until] of expected.paced) pacing.set(endpoint, until);
                  break;
                }
                case 'finish': {
                  const running = live();
                  if (running.length === 0) break;
                  const j = running[s.pick % running.length]!;
                  expect(await store.queue.record(j.job.id, j.leasedBy!, ok(now), { status: 'succeeded' })).toBe(true);
                  j.done = true;
                  break;
                }
                case 'wait':
                  now += s.ms;
                  break;
                default: {
                  const unreachable: never = s;
                  throw new Error(`unknown step ${JSON.stringify(unreachable)}`);
                }
              }
            }
          } finally {
            await store.cleanup();
          }
        }),
        { numRuns: 25 },
      );
    }, 120_000);
  });
