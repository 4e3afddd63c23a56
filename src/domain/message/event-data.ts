import type { ErrorDetail } from '../shared/errors.js';

/**
 * Bounds on the `data` of a published event. The body limit (1 MiB) bounds its
 * size; nesting needs its own bound because every later JSON.stringify,
 * template walk and response serializer recurses, and one deep event must not
 * make a later read of the delivery log fail.
 */
export const EVENT_DATA_LIMITS = {
  /** Levels of arrays and objects inside `data` (`{"a": [1]}` is 2 deep). */
  depth: 64,
} as const;

interface Frame {
  readonly value: unknown;
  readonly depth: number;
  readonly key: string | number | undefined;
  readonly parent: Frame | undefined;
}

const pathOf = (frame: Frame): (string | number)[] => {
  const path: (string | number)[] = [];
  for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) path.push(f.key);
  return path.reverse();
};

/**
 * Problems with an event's `data`, addressed from the request body (`data.a.b…`).
 * Walks with an explicit stack, so a value nested far beyond the limit is
 * reported rather than overflowing the call stack.
 */
export const eventDataProblems = (data: unknown, limits = EVENT_DATA_LIMITS): ErrorDetail[] => {
  const stack: Frame[] = [{ value: data, depth: 0, key: 'data', parent: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (value === null || typeof value !== 'object') continue;
    const depth = frame.depth + 1;
    if (depth > limits.depth) {
      return [{ path: pathOf(frame), message: `is nested more than ${limits.depth} levels deep` }];
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth, key: i, parent: frame });
    } else {
      for (const [key, v] of Object.entries(value)) stack.push({ value: v, depth, key, parent: frame });
    }
  }
  return [];
};
