import { createHash } from 'node:crypto';
import { left, right } from 'fp-ts/lib/Either.js';
import type { PageCursor } from '../../../application/index.js';

/**
 * Opaque page cursors bound to what they were issued for: `<prefix><position in base 36>.<tag>`,
 * the tag a hash of the prefix, the scope (webhook, filters) and the position, so a cursor
 * edited, forged or used with another scope is refused (a ValidationFailed at `cursor`: 422).
 */
export const taggedCursor = <S>(
  prefix: string,
  scopeParts: (scope: S) => readonly string[],
  refusal: { readonly message: string; readonly detail: string },
): PageCursor<S> => {
  const tag = (scope: S, position: number): string =>
    createHash('sha256')
      .update(JSON.stringify([prefix, ...scopeParts(scope), position]))
      .digest('hex')
      .slice(0, 12);
  const shape = new RegExp(`^${prefix}([0-9a-z]{1,11})\\.([0-9a-f]{12})$`);
  return {
    encode: (scope, position) => `${prefix}${position.toString(36)}.${tag(scope, position)}`,
    decode: (scope, cursor) => {
      const match = shape.exec(cursor);
      const position = match ? parseInt(match[1]!, 36) : NaN;
      if (!match || !Number.isSafeInteger(position) || position < 1 || match[2] !== tag(scope, position)) {
        return left({ type: 'ValidationFailed', message: refusal.message, details: [{ path: ['cursor'], message: refusal.detail }] });
      }
      return right(position);
    },
  };
};
