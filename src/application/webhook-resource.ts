import { type Either, left, right } from 'fp-ts/lib/Either.js';
import type { DomainError, ExistingWebhook } from '../domain/index.js';
import type { DeliveryQueue, LastDeliveryError } from '../ports/delivery-queue.js';
import type { StoredEvent } from '../ports/event-store.js';
import { webhookNotFound } from './errors.js';
import type { PageCursor } from './paging.js';
import {
  type Caller,
  type WebhookCommandInput,
  type WebhookDeps,
  type WebhookError,
  HISTORY_PAGE,
  executeWebhookCommand,
  findWebhook,
  webhookHistoryPage,
} from './webhooks.js';

/** What the API's webhook use cases need: the command handler's ports, and where `last_error` comes from. */
export interface WebhookResourceDeps extends WebhookDeps {
  readonly queue: Pick<DeliveryQueue, 'lastErrors'>;
}

/** A webhook as the API shows it: its state, stream revision (`version`) and latest failed attempt. */
export interface WebhookResourceView {
  readonly webhook: ExistingWebhook;
  readonly version: number;
  /** The latest failed delivery attempt (always the latest known, also for `as_of`). */
  readonly lastError?: LastDeliveryError | undefined;
}

/** Options of a change: the version the caller last saw (If-Match). */
export interface ChangeOptions {
  readonly expectedVersion?: number | undefined;
}

const withLastError = async (deps: WebhookResourceDeps, found: { webhook: ExistingWebhook; version: number }): Promise<WebhookResourceView> => {
  const id = found.webhook.webhook_id;
  return { webhook: found.webhook, version: found.version, lastError: (await deps.queue.lastErrors([id])).get(id) };
};

/** The caller's live webhook, now or as it was at `asOf`. */
export const getWebhook = async (
  deps: WebhookResourceDeps,
  caller: Pick<Caller, 'organizationId'>,
  webhookId: string,
  asOf?: Date,
): Promise<Either<DomainError, WebhookResourceView>> => {
  const found = await findWebhook(deps, caller.organizationId, webhookId, { asOf });
  return found._tag === 'Left' ? found : right(await withLastError(deps, found.right));
};

/** Runs a command that changes a webhook (PUT, PATCH, pause, …) and returns what the API shows after it. */
export const changeWebhook = async (
  deps: WebhookResourceDeps,
  caller: Caller,
  webhookId: string,
  command: WebhookCommandInput,
  options: ChangeOptions = {},
): Promise<Either<WebhookError, WebhookResourceView>> => {
  const result = await executeWebhookCommand(deps, caller, webhookId, command, options);
  return result._tag === 'Left' ? result : right(await withLastError(deps, result.right));
};

/** Deletes a webhook (idempotent: deleting a deleted one records nothing); its history stays. */
export const deleteWebhook = async (
  deps: WebhookDeps,
  caller: Caller,
  webhookId: string,
  options: ChangeOptions = {},
): Promise<Either<WebhookError, { version: number }>> => {
  const result = await executeWebhookCommand(deps, caller, webhookId, { type: 'DeleteWebhook', data: {} }, options);
  return result._tag === 'Left' ? result : right({ version: result.right.version });
};

/** One page of a webhook's audit trail, oldest first; also after deletion (the history stays readable). */
export const historyPage = async (
  deps: Pick<WebhookDeps, 'eventStore' | 'states'>,
  caller: Pick<Caller, 'organizationId'>,
  webhookId: string,
  request: { readonly limit?: number | undefined; readonly cursor?: string | undefined },
  cursors: PageCursor<string>,
): Promise<Either<DomainError, { events: readonly StoredEvent[]; limit: number; nextCursor: string | null; hasMore: boolean }>> => {
  const limit = request.limit ?? HISTORY_PAGE.defaultLimit;
  let afterRevision = 0;
  if (request.cursor !== undefined) {
    const decoded = cursors.decode(webhookId, request.cursor);
    if (decoded._tag === 'Left') return decoded;
    afterRevision = decoded.right;
  }
  const page = await webhookHistoryPage(deps, caller.organizationId, webhookId, { afterRevision, limit });
  if (!page) return left(webhookNotFound(webhookId));
  const last = page.events.at(-1);
  return right({ events: page.events, limit, nextCursor: page.hasMore && last ? cursors.encode(webhookId, last.revision) : null, hasMore: page.hasMore });
};
