import { left, right } from 'fp-ts/lib/Either.js';
import type { ListCursor, PageCursor } from '../../../application/index.js';
import { taggedCursor } from './tagged-cursor.js';

// The webhook routes' page cursors: how a page position is written for clients (the use cases decide the pages).

/** History pages continue after a revision of one webhook's stream (opaque to clients), bound to the webhook. */
export const historyCursor: PageCursor<string> = taggedCursor('h', (webhookId: string) => [webhookId], {
  message: 'cursor is not one this API issued for this webhook’s history',
  detail: 'unknown cursor: pass next_cursor from the previous page',
});

/** List cursors are opaque to clients: the list order key in base 36. */
export const listCursor: ListCursor = {
  encode: (_scope, sequence) => `c${sequence.toString(36)}`,
  decode: (_scope, cursor) => {
    const n = /^c[0-9a-z]{1,12}$/.test(cursor) ? parseInt(cursor.slice(1), 36) : NaN;
    if (!Number.isSafeInteger(n))
      return left({ type: 'ValidationFailed', message: 'cursor is not one this API issued', details: [{ path: ['cursor'], message: 'unknown cursor' }] });
    return right(n);
  },
};
