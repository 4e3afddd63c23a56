import { type Either, left, right } from 'fp-ts/lib/Either.js';
import type { DomainError, ExistingWebhook } from '../domain/index.js';
import type { DeliveryQueue, LastDeliveryError } from '../ports/delivery-queue.js';
import type { PageCursor } from './paging.js';
import { type ProjectionDeps, listWebhooks } from './project-webhooks.js';
import type { Caller } from './webhooks.js';

/** Page sizes of the webhook list. */
export const WEBHOOK_LIST_PAGE = { defaultLimit: 20, maxLimit: 100 } as const;

/** What listing needs: the list projection (caught up first) and where `last_error` comes from. */
export interface WebhookListDeps extends ProjectionDeps {
  readonly queue: Pick<DeliveryQueue, 'lastErrors'>;
}

/** Filters and the page asked for: an offset or a cursor from a previous page, never both. */
export interface WebhookListRequest {
  readonly eventType?: string | undefined;
  readonly isActive?: boolean | undefined;
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
  readonly cursor?: string | undefined;
}

/** One page, in a stable order, with each webhook's latest failed attempt. */
export interface WebhookListResult {
  readonly rows: readonly { readonly webhook: ExistingWebhook; readonly version: number; readonly lastError?: LastDeliveryError | undefined }[];
  /** Webhooks matching the filters, over all pages. */
  readonly total: number;
  readonly limit: number;
  /** The offset of this page; null when paging by cursor. */
  readonly offset: number | null;
  readonly nextCursor: string | null;
  readonly hasMore: boolean;
}

/** A cursor names the last row's place in the list order (`sequence`), whatever else the list holds. */
export type ListCursor = PageCursor<void>;

/** One page of the caller's webhooks (deleted ones are never listed). */
export const listWebhookPage = async (
  deps: WebhookListDeps,
  caller: Pick<Caller, 'organizationId'>,
  request: WebhookListRequest,
  cursors: ListCursor,
): Promise<Either<DomainError, WebhookListResult>> => {
  if (request.offset !== undefined && request.cursor !== undefined) {
    return left({
      type: 'ValidationFailed',
      message: 'use either offset or cursor, not both',
      details: [{ path: ['cursor'], message: 'cannot be combined with offset' }],
    });
  }
  let afterSequence: number | undefined;
  if (request.cursor !== undefined) {
    const decoded = cursors.decode(undefined, request.cursor);
    if (decoded._tag === 'Left') return decoded;
    afterSequence = decoded.right;
  }
  const limit = request.limit ?? WEBHOOK_LIST_PAGE.defaultLimit;
  const offset = request.cursor === undefined ? (request.offset ?? 0) : undefined;
  const page = await listWebhooks(deps, {
    organizationId: caller.organizationId,
    eventType: request.eventType,
    isActive: request.isActive,
    limit,
    offset,
    afterSequence,
  });
  const lastErrors = await deps.queue.lastErrors(page.rows.map((row) => row.webhook.webhook_id));
  const seen = offset === undefined ? undefined : offset + page.rows.length;
  // A full page by cursor may be the last one: the next request then returns none.
  const hasMore = page.rows.length === limit && (seen === undefined || seen < page.total);
  const last = page.rows.at(-1);
  return right({
    rows: page.rows.map((row) => ({ webhook: row.webhook, version: row.version, lastError: lastErrors.get(row.webhook.webhook_id) })),
    total: page.total,
    limit,
    offset: offset ?? null,
    nextCursor: hasMore && last ? cursors.encode(undefined, last.sequence) : null,
    hasMore,
  });
};
