import { TokenBuckets } from '../../../application/index.js';
import { msUntil } from '../../../domain/index.js';

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
    const t = this.now();
    const tokens = this.buckets.level(key, t);
    if (tokens < 1) return msUntil(tokens, 1, this.buckets.rate);
    this.buckets.spend(key, 1, t);
    return 0;
  }
}
