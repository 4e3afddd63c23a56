import { type BucketRate, msUntil } from '../domain/index.js';
import { TokenBuckets } from './token-buckets.js';

/**
 * The share of this process's event loop an organization may spend on work whose cost its own
 * settings decide (checking event data against its schemas, ADR 0020): `rate.perSecond` ms of
 * work a second, up to `rate.burst` ms at once. Work is charged after it ran, by the time it took,
 * so a cheap check costs a cheap check; an organization in debt waits until it is out of it, and
 * the others never notice. Buckets are per process, like the API-key rate limit (ADR 0006).
 */
export class OrganizationTimeBudget {
  private readonly buckets: TokenBuckets;

  constructor(
    rate: BucketRate,
    /** A monotonic clock in ms (`performance.now` in production; tests drive it). */
    private readonly monotonicMs: () => number,
    /** Buckets kept before full ones are forgotten (a full bucket is the same as none). */
    maxKept = 10_000,
  ) {
    this.buckets = new TokenBuckets(rate, maxKept);
  }

  /** 0 when the organization may start work now, else ms until it may. */
  waitMs(organizationId: string): number {
    return msUntil(this.buckets.level(organizationId, this.monotonicMs()), 0, this.buckets.rate);
  }

  /** Runs `work` and charges the organization what it took, also when it throws. */
  charged<T>(organizationId: string, work: () => T): T {
    const started = this.monotonicMs();
    try {
      return work();
    } finally {
      const ended = this.monotonicMs();
      this.buckets.spend(organizationId, ended - started, ended);
    }
  }
}
