import { type DueJob, type EndpointState, type FairPick, endpointAllowance, organizationShare, pickFairly } from '../../../domain/index.js';
import type { ClaimOptions } from '../../../ports/delivery-queue.js';
import { claimPolicy } from './fair-claim.js';

/**
 * A fair claim in three small steps (ADR 0014): the store reads what little decides it (each due
 * endpoint's oldest job, stale leases, live lease counts, pacing), `planReads` says whose jobs to
 * read, `gatherScheduled` reads about as many as may be taken (small indexed reads per endpoint),
 * and `decide` hands all of it to the domain's `pickFairly`, which decides. One SQL query doing it
 * all cost 1-5 ms per claim on SQLite (bench/delivery-claim.ts).
 */

/** A due job as the head and stale queries return it, with its channel's `rate_limit` value. */
export interface HeadRow {
  readonly id: number | string;
  readonly organization_id: string;
  readonly endpoint: string;
  readonly due_at: number | string;
  readonly rate: unknown;
}

/** Live leases, counted per endpoint, organization and whether this worker holds them. */
export interface LiveRow {
  readonly endpoint: string;
  readonly organization_id: string;
  readonly mine: number | boolean;
  readonly n: number | string;
}

export interface ClaimFacts {
  /** Each endpoint's oldest scheduled due job. */
  readonly heads: readonly HeadRow[];
  /** Leased jobs whose lease ran out, due again in their place. */
  readonly stale: readonly HeadRow[];
  readonly live: readonly LiveRow[];
  /** Endpoints' pacing, where it is still ahead of now. */
  readonly paced: ReadonlyMap<string, number>;
}

export interface ClaimPlan {
  /** Per organization, how many of its oldest due jobs to read at most, from which endpoints, and at most how many of each. */
  readonly reads: ReadonlyMap<string, { readonly wanted: number; readonly endpoints: readonly { readonly endpoint: string; readonly n: number }[] }>;
  readonly endpoints: ReadonlyMap<string, EndpointState>;
  readonly mine: ReadonlyMap<string, number>;
  readonly stale: readonly DueJob[];
}

/** A rate the store read from a channel copy: a positive number, or none. */
const rateOf = (value: unknown): number | undefined => {
  const rate = typeof value === 'string' ? Number(value) : value;
  return typeof rate === 'number' && Number.isFinite(rate) && rate > 0 ? rate : undefined;
};

const toJob = (r: HeadRow): DueJob => ({ id: Number(r.id), organizationId: r.organization_id, endpoint: r.endpoint, dueAt: Number(r.due_at) });

const before = (a: DueJob, b: DueJob) => a.dueAt - b.dueAt || a.id - b.id;

/**
 * Which endpoints a claim may take jobs of: those allowed to start any, and per organization only
 * the `limit` whose oldest job is oldest (its first `limit` jobs lie among them).
 */
export const planReads = (o: ClaimOptions, facts: ClaimFacts): ClaimPlan => {
  const { perEndpoint } = claimPolicy(o);
  const inFlight = new Map<string, number>();
  const mine = new Map<string, number>();
  for (const l of facts.live) {
    const n = Number(l.n);
    inFlight.set(l.endpoint, (inFlight.get(l.endpoint) ?? 0) + n);
    if (l.mine === 1 || l.mine === true) mine.set(l.organization_id, (mine.get(l.organization_id) ?? 0) + n);
  }
  // An endpoint's oldest due job (scheduled or stale) decides its place and carries its rate limit.
  const firsts = new Map<string, { job: DueJob; rate: number | undefined }>();
  for (const row of [...facts.heads, ...facts.stale]) {
    const job = toJob(row);
    const seen = firsts.get(job.endpoint);
    if (!seen || before(job, seen.job) < 0) firsts.set(job.endpoint, { job, rate: rateOf(row.rate) });
  }
  const endpoints = new Map<string, EndpointState>();
  const perOrganization = new Map<string, { job: DueJob; allowance: number }[]>();
  for (const [endpoint, { job, rate }] of firsts) {
    const state: EndpointState = { inFlight: inFlight.get(endpoint) ?? 0, rateLimit: rate, pacedUntil: facts.paced.get(endpoint) };
    endpoints.set(endpoint, state);
    const allowance = endpointAllowance(state, o.now, o.fairness);
    if (allowance <= 0) continue;
    const list = perOrganization.get(job.organizationId);
    if (list) list.push({ job, allowance });
    else perOrganization.set(job.organizationId, [{ job, allowance }]);
  }
  // No organization takes more than its share less what it holds here, nor the worker more than its
  // free slots: fewer jobs need reading. One that may take none is still read (its oldest job), as
  // it counts among those sharing the slots.
  const share = o.fairness ? organizationShare(o.fairness.slots, perOrganization.size) : Number.POSITIVE_INFINITY;
  const held = [...mine.values()].reduce((sum, n) => sum + Math.min(n, share), 0);
  const free = Math.min(o.limit, o.fairness ? o.fairness.slots - held : Number.POSITIVE_INFINITY);
  const stale = facts.stale.map(toJob);
  const reads = new Map<string, { wanted: number; endpoints: { endpoint: string; n: number }[] }>();
  for (const [organization, list] of perOrganization) {
    // A stale job may push a scheduled one out of its endpoint's allowance: one more to read for each.
    const wanted = Math.max(1, Math.min(free, share - (mine.get(organization) ?? 0))) + stale.filter((j) => j.organizationId === organization).length;
    const first = list.sort((a, b) => before(a.job, b.job)).slice(0, wanted);
    reads.set(organization, {
      wanted,
      endpoints: first.map(({ job, allowance }) => ({ endpoint: job.endpoint, n: Math.max(1, Math.min(perEndpoint, allowance, wanted)) })),
    });
  }
  const kept = new Set([...reads.values()].flatMap((r) => r.endpoints.map((e) => e.endpoint)));
  return { reads, endpoints, mine, stale: stale.filter((j) => kept.has(j.endpoint)) };
};

/** Reads up to `n` of an endpoint's oldest scheduled due jobs after `after` (all of them from the start when undefined). */
export type ReadDue = (endpoint: string, organizationId: string, after: DueJob | undefined, n: number) => DueJob[];

/**
 * An organization's `wanted` oldest scheduled jobs across its endpoints (each capped at its `n`),
 * merged from small reads of each endpoint in turn, so a claim reads about what it may take, not
 * every endpoint's `n`.
 */
export const gatherScheduled = (plan: ClaimPlan, read: ReadDue): DueJob[] => {
  const out: DueJob[] = [];
  for (const [organizationId, { wanted, endpoints }] of plan.reads) {
    const chunk = Math.ceil(wanted / endpoints.length) + 1;
    const sources = endpoints.map(({ endpoint, n }) => {
      const first = read(endpoint, organizationId, undefined, Math.min(n, chunk));
      return { endpoint, left: n - first.length, done: first.length < Math.min(n, chunk), buffer: first, at: 0 };
    });
    for (let taken = 0; taken < wanted; taken++) {
      let best: (typeof sources)[number] | undefined;
      for (const s of sources) {
        if (s.at === s.buffer.length && !s.done && s.left > 0) {
          const more = read(s.endpoint, organizationId, s.buffer.at(-1), Math.min(s.left, chunk));
          s.done = more.length < Math.min(s.left, chunk);
          s.left -= more.length;
          s.buffer = more;
          s.at = 0;
        }
        if (s.at < s.buffer.length && (!best || before(s.buffer[s.at]!, best.buffer[best.at]!) < 0)) best = s;
      }
      if (!best) break;
      out.push(best.buffer[best.at++]!);
    }
  }
  return out;
};

/** The domain's pick among the jobs read for the plan's endpoints (scheduled) and their stale ones. */
export const decide = (o: ClaimOptions, plan: ClaimPlan, scheduled: readonly DueJob[]): FairPick =>
  pickFairly({
    now: o.now,
    due: [...scheduled, ...plan.stale],
    endpoints: plan.endpoints,
    mine: plan.mine,
    limit: o.limit,
    policy: o.fairness,
  });
