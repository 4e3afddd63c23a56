import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { msUntil, refilled } from '../../src/domain/index.js';

describe('token bucket', () => {
  const rate = { perSecond: 100, burst: 500 };

  it('refills at its rate and never above its burst', () => {
    expect(refilled(0, 1000, rate)).toBe(100);
    expect(refilled(-300, 2000, rate)).toBe(-100);
    expect(refilled(450, 1000, rate)).toBe(500);
    expect(refilled(500, 0, rate)).toBe(500);
  });

  it('says how long until it holds what is needed: 0 when it does now', () => {
    expect(msUntil(1, 1, rate)).toBe(0);
    expect(msUntil(0, 0, rate)).toBe(0);
    expect(msUntil(-250, 0, rate)).toBe(2500);
    expect(msUntil(0.5, 1, { perSecond: 3, burst: 6 })).toBe(167);
  });

  it('after the wait it names, a bucket holds what was needed', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 500 }), fc.integer({ min: 0, max: 500 }), (tokens, need) => {
        const wait = msUntil(tokens, need, rate);
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(refilled(tokens, wait, rate)).toBeGreaterThanOrEqual(need);
      }),
    );
  });
});
