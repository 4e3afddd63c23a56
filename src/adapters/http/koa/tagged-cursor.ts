import { createHash } from 'node:crypto';
import { HttpError } from './errors.js';

/**
 * Opaque page cursors bound to what they were issued for: `<prefix><position in base 36>.<tag>`,
 * the tag a hash of the prefix, the scope (webhook, filters) and the position, so a cursor
 * edited, forged or used with another scope is refused.
 */
export interface TaggedCursor<S> {
  encode(scope: S, position: number): string;
  /** The position a cursor of ours continues after; 422 at `cursor` for anything else. */
  decode(scope: S, cursor: string): number;
}

export const taggedCursor = <S>(
  prefix: string,
  scopeParts: (scope: S) => readonly string[],
  refusal: { readonly message: string; readonly detail: string },
): TaggedCursor<S> => {
  const tag = (scope: S, position: number): string =>
    createHash('sha256').update(JSON.stringify([prefix, ...scopeParts(scope), position])).digest('hex').slice(0, 12);
  const shape = new RegExp(`^${prefix}([0-9a-z]{1,11})\\.([0-9a-f]{12})$`);
  return {
    encode: (scope, position) => `${prefix}${position.toString(36)}.${tag(scope, position)}`,
    decode: (scope, cursor) => {
      const match = shape.exec(cursor);
      const position = match ? parseInt(match[1]!, 36) : NaN;
      if (!match || !Number.isSafeInteger(position) || position < 1 || match[2] !== tag(scope, position)) {
        throw new HttpError(422, 'ValidationError', refusal.message, [{ path: ['cursor'], message: refusal.detail }]);
      }
      return position;
    },
  };
};
