import { TEMPLATE_LIMITS } from './limits.js';
import type { TemplateError } from './template-error.js';
import { isPlainObject, itemAt, jsonKeys, member } from './values.js';

/** Ends a rendering early with its reason; caught inside the domain's template functions, never seen outside. */
export class RenderStop {
  constructor(readonly error: TemplateError) {}
}

/**
 * A JSON value's text, built only while it fits in `room` characters and
 * counting one `step` per value. Unlike JSON.stringify it reads descriptors,
 * so no `toJSON` or getter runs, and it stops at `TEMPLATE_LIMITS.dataDepth`
 * instead of overflowing the stack. Throws RenderStop.
 */
export const jsonText = (value: unknown, room: number, step: () => void, tooLarge: () => RenderStop): string => {
  const out: string[] = [];
  let size = 0;
  const put = (text: string) => {
    size += text.length;
    if (size > room) throw tooLarge();
    out.push(text);
  };
  const walk = (v: unknown, depth: number): void => {
    step();
    if (typeof v === 'string') put(JSON.stringify(v));
    else if (typeof v === 'number') put(Number.isFinite(v) ? String(v) : 'null');
    else if (typeof v === 'boolean') put(v ? 'true' : 'false');
    else if (Array.isArray(v) || isPlainObject(v)) {
      if (depth >= TEMPLATE_LIMITS.dataDepth) {
        throw new RenderStop({ kind: 'too-deep', message: `a value is nested more than ${TEMPLATE_LIMITS.dataDepth} levels deep` });
      }
      if (Array.isArray(v)) {
        put('[');
        for (let i = 0; i < v.length; i++) {
          if (i > 0) put(',');
          walk(itemAt(v, i), depth + 1);
        }
        put(']');
      } else {
        put('{');
        jsonKeys(v).forEach((key, i) => {
          put(`${i > 0 ? ',' : ''}${JSON.stringify(key)}:`);
          walk(member(v, key), depth + 1);
        });
        put('}');
      }
    } else put('null');
  };
  walk(value, 0);
  return out.join('');
};
