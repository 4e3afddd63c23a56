import { taggedCursor } from './tagged-cursor.js';

/** History pages continue after a revision of one webhook's stream. */
const historyCursor = taggedCursor('h', (webhookId: string) => [webhookId], {
  message: 'cursor is not one this API issued for this webhook’s history',
  detail: 'unknown cursor: pass next_cursor from the previous page',
});

/** Opaque to clients: the last revision of the page, bound to the webhook. */
export const encodeHistoryCursor = historyCursor.encode;

/** The revision a cursor of ours continues after; 422 at `cursor` for anything else. */
export const decodeHistoryCursor = historyCursor.decode;
