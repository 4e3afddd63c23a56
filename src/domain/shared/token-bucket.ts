/** A rate with bursts: `perSecond` units a second on average, up to `burst` at once. */
export interface BucketRate {
  readonly perSecond: number;
  readonly burst: number;
}

/** What a bucket that held `tokens` holds `elapsedMs` later, refilled at `rate` and never above its burst. */
export const refilled = (tokens: number, elapsedMs: number, rate: BucketRate): number => Math.min(rate.burst, tokens + (elapsedMs * rate.perSecond) / 1000);

/** Whole ms until a bucket holding `tokens` holds `need` at `rate`: 0 when it does now. */
export const msUntil = (tokens: number, need: number, rate: BucketRate): number => (tokens >= need ? 0 : Math.ceil(((need - tokens) * 1000) / rate.perSecond));
