import { type BucketRate, msUntil, refilled } from '../domain/index.js';

/**
 * One token bucket per key, all at one `rate`, in this process. Times are passed in (ms on a
 * monotonic clock), so callers own the clock. A bucket that would be full again is the same as
 * none: past `maxKept` buckets, those are forgotten, so keys cannot grow the map without bound.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly rate: BucketRate,
    private readonly maxKept = 10_000,
  ) {}

  /** What `key`'s bucket holds at `at` (its burst when it has none yet); may be below zero after `spend`. */
  level(key: string, at: number): number {
    return this.bucket(key, at).tokens;
  }

  /** Takes `amount` from `key`'s bucket at `at` if it holds that much: 0, else ms until it will. */
  take(key: string, amount: number, at: number): number {
    const bucket = this.bucket(key, at);
    if (bucket.tokens < amount) return msUntil(bucket.tokens, amount, this.rate);
    bucket.tokens -= amount;
    return 0;
  }

  /** Takes `amount` from `key`'s bucket at `at`, into debt if it holds less. */
  spend(key: string, amount: number, at: number): void {
    this.bucket(key, at).tokens -= amount;
  }

  private bucket(key: string, at: number): { tokens: number; at: number } {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxKept) this.forgetFull(at);
      this.buckets.set(key, (bucket = { tokens: this.rate.burst, at }));
    }
    bucket.tokens = refilled(bucket.tokens, at - bucket.at, this.rate);
    bucket.at = at;
    return bucket;
  }

  private forgetFull(at: number): void {
    for (const [key, b] of this.buckets) if (refilled(b.tokens, at - b.at, this.rate) >= this.rate.burst) this.buckets.delete(key);
  }
}
