import { type BucketRate, msUntil, refilled } from '../domain/index.js';

/**
 * The share of this process's event loop an organization may spend on work whose cost its own
 * settings decide (checking event data against its schemas, ADR 0020): `rate.perSecond` ms of
 * work a second, up to `rate.burst` ms at once. Work is charged after it ran, by the time it took,
 * so a cheap check costs a cheap check; an organization in debt waits until it is out of it, and
 * the others never notice. Buckets are per process, like the API-key rate limit (ADR 0006).
 */
export class OrganizationTimeBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: BucketRate,
    /** A monotonic clock in ms (`performance.now` in production; tests drive it). */
    private readonly monotonicMs: () => number,
    /** Buckets kept before full ones are forgotten (a full bucket is the same as none). */
    private readonly maxKept = 10_000,
  ) {}

  /** 0 when the organization may start work now, else ms until it may. */
  waitMs(organizationId: string): number {
    return msUntil(this.bucket(organizationId, this.monotonicMs()).tokens, 0, this.rate);
  }

  /** Runs `work` and charges the organization what it took, also when it throws. */
  charged<T>(organizationId: string, work: () => T): T {
    const started = this.monotonicMs();
    try {
      return work();
    } finally {
      const ended = this.monotonicMs();
      this.bucket(organizationId, ended).tokens -= ended - started;
    }
  }

  private bucket(organizationId: string, at: number): { tokens: number; at: number } {
    let bucket = this.buckets.get(organizationId);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxKept) this.forgetFull(at);
      this.buckets.set(organizationId, (bucket = { tokens: this.rate.burst, at }));
    }
    bucket.tokens = refilled(bucket.tokens, at - bucket.at, this.rate);
    bucket.at = at;
    return bucket;
  }

  private forgetFull(at: number): void {
    for (const [id, b] of this.buckets) if (refilled(b.tokens, at - b.at, this.rate) >= this.rate.burst) this.buckets.delete(id);
  }
}
