import { pacedAfter, rateAllowance } from './rate-limit.js';

/**
 * Which due jobs a worker claims (ADR 0014). The queue adapters carry this rule out in SQL; this
 * is the rule itself, and their contract test compares the two.
 *
 * An endpoint is one channel of one webhook. An endpoint takes at most `endpointConcurrency`
 * deliveries at once across every worker, and no more than its `rate_limit` allows; the jobs
 * over either wait, unsent. Among the organizations with work that may start, a worker's slots
 * are shared equally, and its jobs are taken round-robin: every organization's oldest job
 * first, then every one's second, and so on.
 */

/**
 * In-flight deliveries one endpoint may have across all workers unless configured
 * (HOOKLEDGER_ENDPOINT_CONCURRENCY). Lower protects receivers more, but caps one endpoint's
 * throughput: measured with a fast receiver, 4 gave a third of what 16 gives (ADR 0014).
 */
export const DEFAULT_ENDPOINT_CONCURRENCY = 16;

/**
 * How many attempts a worker may have in flight, as a multiple of its slots. Slots an organization
 * holds beyond its share were taken while it had the worker to itself: they do not keep the next
 * organization waiting until they end, up to this ceiling.
 */
export const WORKER_CEILING = 2;

/** A job a claim may take: due now, or leased by a worker whose lease ran out. */
export interface DueJob {
  readonly id: number;
  readonly organizationId: string;
  /** One channel of one webhook (`<webhook_id>/<channel_id>`). */
  readonly endpoint: string;
  /** When it became due (a job whose lease ran out keeps its place). */
  readonly dueAt: number;
}

/** An endpoint as a claim finds it. */
export interface EndpointState {
  /** Its deliveries in flight now, in every worker (live leases). */
  readonly inFlight: number;
  /** Its channel's `rate_limit`, deliveries per second. */
  readonly rateLimit?: number | undefined;
  /** Its pacing state (rate-limit.ts), if it was paced before. */
  readonly pacedUntil?: number | undefined;
}

/** How a worker shares itself out: its slots, and the most one endpoint may have in flight. */
export interface FairnessPolicy {
  readonly slots: number;
  readonly endpointConcurrency: number;
}

/** Everything a claim decides on. Without a `policy`, only rate limits and the round-robin order apply. */
export interface ClaimSituation {
  readonly now: number;
  readonly due: readonly DueJob[];
  /** Endpoints with jobs in flight or paced; any other endpoint is idle and unpaced. */
  readonly endpoints: ReadonlyMap<string, EndpointState>;
  /** This worker's deliveries in flight, per organization. */
  readonly mine: ReadonlyMap<string, number>;
  /** At most this many jobs. */
  readonly limit: number;
  readonly policy?: FairnessPolicy | undefined;
}

/** The jobs to lease, in the order to start them, and the new `pacedUntil` of each rate-limited endpoint among them. */
export interface FairPick {
  readonly jobs: readonly DueJob[];
  readonly paced: ReadonlyMap<string, number>;
}

/** How many of a worker's slots one organization may hold while `organizations` have work that may start: an equal share, at least one. */
export const organizationShare = (slots: number, organizations: number): number => Math.max(1, Math.ceil(slots / Math.max(1, organizations)));

/** How many more deliveries an endpoint may start now: its concurrency room and its rate allowance, whichever is smaller. */
export const endpointAllowance = (state: EndpointState | undefined, now: number, policy: FairnessPolicy | undefined): number => {
  const concurrency = policy ? policy.endpointConcurrency - (state?.inFlight ?? 0) : Number.POSITIVE_INFINITY;
  const rate = state?.rateLimit === undefined ? Number.POSITIVE_INFINITY : rateAllowance(state.rateLimit, state.pacedUntil, now);
  return Math.max(0, Math.min(concurrency, rate));
};

const byDue = (a: DueJob, b: DueJob) => a.dueAt - b.dueAt || a.id - b.id;

const groupBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
};

/**
 * The jobs a claim takes:
 * 1. each endpoint offers its oldest due jobs, as many as `endpointAllowance` lets start;
 * 2. the organizations offering any share the worker's slots: each may hold
 *    `organizationShare(slots, those organizations)`, less what it has in flight here, and the
 *    worker takes no more than its slots less what each holds within its share;
 * 3. the offered jobs go round-robin between organizations: each one's oldest, then each one's
 *    second, …, ties by due time; the first `limit` (and no more than the free slots) are taken.
 */
export const pickFairly = (s: ClaimSituation): FairPick => {
  const offered = [...groupBy(s.due, (j) => j.endpoint)].flatMap(([endpoint, jobs]) =>
    jobs.sort(byDue).slice(0, endpointAllowance(s.endpoints.get(endpoint), s.now, s.policy)),
  );
  const byOrganization = groupBy(offered.sort(byDue), (j) => j.organizationId);
  const share = s.policy ? organizationShare(s.policy.slots, byOrganization.size) : Number.POSITIVE_INFINITY;
  const held = [...s.mine.values()].reduce((sum, n) => sum + Math.min(n, share), 0);
  const free = s.policy ? s.policy.slots - held : Number.POSITIVE_INFINITY;
  const rounds = [...byOrganization].flatMap(([organization, jobs]) =>
    jobs.slice(0, Math.max(0, share - (s.mine.get(organization) ?? 0))).map((job, round) => ({ job, round })),
  );
  const jobs = rounds
    .sort((a, b) => a.round - b.round || byDue(a.job, b.job))
    .slice(0, Math.max(0, Math.min(s.limit, free)))
    .map((r) => r.job);
  const paced = new Map<string, number>();
  for (const [endpoint, started] of groupBy(jobs, (j) => j.endpoint)) {
    const state = s.endpoints.get(endpoint);
    if (state?.rateLimit !== undefined) paced.set(endpoint, pacedAfter(state.rateLimit, state.pacedUntil, s.now, started.length));
  }
  return { jobs, paced };
};
