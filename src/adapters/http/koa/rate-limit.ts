import { type BucketRate, msUntil, refilled } from '../../../domain/index.js';

/**
 * A token bucket per API key, in this process: `perSecond` requests a second on
 * average, up to `burst` at once. Several API processes each keep their own
 * buckets, so the effective limit is per process (ADR 0006).
 */
export class KeyRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly rate: BucketRate;

  constructor(
    perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.rate = { perSecond, burst };
  }

  /** Takes one token: 0 when the request may go ahead, else how many ms until one is free. */
  take(key: string): number {
    const t = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    bucket.tokens = refilled(bucket.tokens, t - bucket.at, this.rate);
    bucket.at = t;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.forgetIdle(t);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return msUntil(bucket.tokens, 1, this.rate);
  }

  /** A bucket that would be full again holds nothing worth keeping. */
  private forgetIdle(t: number) {
    for (const [key, b] of this.buckets) if (refilled(b.tokens, t - b.at, this.rate) >= this.burst) this.buckets.delete(key);
  }
}
