import { describe, expect, it } from 'vitest';
import { EVENT_DATA_LIMITS, eventDataProblems } from '../../src/domain/index.js';

/** `{"a": {"a": … 1}}`, `levels` objects deep. */
const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

describe('event data bounds', () => {
  it('given data exactly at the nesting limit, when checked, then nothing is wrong', () => {
    expect(eventDataProblems(nested(EVENT_DATA_LIMITS.depth))).toEqual([]);
    expect(eventDataProblems({ list: [[{ ok: true }]], n: null, s: 'x' })).toEqual([]);
    expect(eventDataProblems(null)).toEqual([]);
    expect(eventDataProblems('plain string')).toEqual([]);
  });

  it('given data one level too deep, when checked, then the path of the level over the limit is reported', () => {
    const [problem, ...rest] = eventDataProblems(nested(EVENT_DATA_LIMITS.depth + 1));
    expect(rest).toEqual([]);
    expect(problem!.path).toEqual(['data', ...Array<string>(EVENT_DATA_LIMITS.depth).fill('a')]);
    expect(problem!.message).toBe(`is nested more than ${EVENT_DATA_LIMITS.depth} levels deep`);
  });

  it('given arrays, when too deep, then the path names the indexes', () => {
    const deep = { items: [0, { x: nested(EVENT_DATA_LIMITS.depth) }] };
    expect(eventDataProblems(deep)[0]!.path.slice(0, 4)).toEqual(['data', 'items', 1, 'x']);
  });

  it('given data nested 200,000 deep, when checked, then it is reported without overflowing the stack', () => {
    let value: unknown = [];
    for (let i = 0; i < 200_000; i++) value = [value];
    const problems = eventDataProblems(value);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toHaveLength(EVENT_DATA_LIMITS.depth + 1);
  });
});
