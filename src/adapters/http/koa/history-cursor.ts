import { createHash } from 'node:crypto';
import { HttpError } from './errors.js';

/** Binds a revision to the webhook it was issued for, so a cursor edited, forged or used on another webhook is refused. */
const tag = (webhookId: string, revision: number): string =>
  createHash('sha256').update(`history\n${webhookId}\n${revision}`).digest('hex').slice(0, 12);

/** Opaque to clients: the last revision of the page, in base 36, and its tag. */
export const encodeHistoryCursor = (webhookId: string, revision: number): string => `h${revision.toString(36)}.${tag(webhookId, revision)}`;

/** The revision a cursor of ours continues after; 422 at `cursor` for anything else. */
export const decodeHistoryCursor = (webhookId: string, cursor: string): number => {
  const match = /^h([0-9a-z]{1,11})\.([0-9a-f]{12})$/.exec(cursor);
  const revision = match ? parseInt(match[1]!, 36) : NaN;
  if (!match || !Number.isSafeInteger(revision) || revision < 1 || match[2] !== tag(webhookId, revision)) {
    throw new HttpError(422, 'ValidationError', 'cursor is not one this API issued for this webhook’s history', [
      { path: ['cursor'], message: 'unknown cursor: pass next_cursor from the previous page' },
    ]);
  }
  return revision;
};
