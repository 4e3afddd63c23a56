import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE, nextAttemptDelay, parseRetrySchedule } from '../../src/domain/index.js';

describe('retry schedule', () => {
  it('parses the contract default and short test schedules', () => {
    expect(parseRetrySchedule(DEFAULT_RETRY_SCHEDULE)).toEqual({
      _tag: 'Right',
      right: [0, 5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
    });
    expect(parseRetrySchedule('0, 50ms, 1.5s')).toEqual({ _tag: 'Right', right: [0, 50, 1500] });
    expect(parseRetrySchedule('5x')._tag).toBe('Left');
    expect(parseRetrySchedule('')._tag).toBe('Left');
  });

  it('stays within ±20 % of the schedule, honours a longer Retry-After, and ends with the schedule', () => {
    const schedule = [0, 5000, 300_000];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
        (made, random, retryAfter) => {
          const delay = nextAttemptDelay(schedule, made, random, retryAfter)!;
          const base = schedule[made]!;
          expect(delay).toBeGreaterThanOrEqual(Math.min(Math.round(base * 0.8), Math.max(base * 0.8, retryAfter ?? 0)));
          expect(delay).toBeLessThanOrEqual(Math.max(Math.round(base * 1.2), retryAfter ?? 0));
          if (retryAfter !== undefined) expect(delay).toBeGreaterThanOrEqual(retryAfter);
        },
      ),
    );
    expect(nextAttemptDelay(schedule, 3, 0.5)).toBeUndefined();
  });
});
