import { type Either, left, right } from 'fp-ts/lib/Either.js';

/** The contract's default: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_RETRY_SCHEDULE = '0,5s,5m,30m,2h,5h,10h,10h';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `0,5s,5m` → delays in ms before each attempt; the number of entries is the number of attempts. */
export const parseRetrySchedule = (text: string): Either<string, readonly number[]> => {
  const delays: number[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(part);
    if (!match) return left(`'${part}' is not a delay such as 500ms, 5s, 5m or 2h`);
    delays.push(Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']!));
  }
  return delays.length > 0 ? right(delays) : left('the schedule needs at least one delay');
};

/**
 * When the next attempt is due after `attemptsMade` attempts, or undefined
 * when the schedule is used up. ±20 % jitter (from `random` in [0, 1)) spreads
 * retries; a receiver's Retry-After is honoured when it asks for longer.
 */
export const nextAttemptDelay = (schedule: readonly number[], attemptsMade: number, random: number, retryAfterMs?: number): number | undefined => {
  const base = schedule[attemptsMade];
  if (base === undefined) return undefined;
  const jittered = Math.round(base * (0.8 + 0.4 * random));
  return Math.max(jittered, retryAfterMs ?? 0);
};
