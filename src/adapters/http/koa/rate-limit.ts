import { TokenBuckets } from '../../../application/index.js';

/**
 * A token bucket per API key, in this process: `perSecond` requests a second on
 * average, up to `burst` at once. Several API processes each keep their own
 * buckets, so the effective limit is per process (ADR 0006).
 */
export class KeyRateLimiter {
  private readonly buckets: TokenBuckets;

  constructor(
    perSecond: number,
    burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.buckets = new TokenBuckets({ perSecond, burst });
  }

  /** Takes one token: 0 when the request may go ahead, else how many ms until one is free. */
  take(key: string): number {
    return this.buckets.take(key, 1, this.now());
  }
}
