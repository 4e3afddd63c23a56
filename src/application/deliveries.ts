import { type Either, left, right } from 'fp-ts/lib/Either.js';
import type { DomainError } from '../domain/index.js';
import type { DeliveryMetrics } from '../ports/delivery-metrics.js';
import type { AttemptFilter, DeliveryAttemptView, DeliveryQueue, StoredMessage } from '../ports/delivery-queue.js';
import { type DeliveryError, type RateLimited, messageNotFound } from './errors.js';
import type { PageCursor } from './paging.js';
import { type PublishDeps, publishEvent, sendTestEvent } from './publish-event.js';
import { type Caller, type WebhookDeps, findWebhook } from './webhooks.js';

/** What the delivery use cases need: publishing's ports, the webhook reads, and (optionally) the accepted-events counter. */
export interface DeliveriesDeps extends PublishDeps, Pick<WebhookDeps, 'states'> {
  readonly metrics?: Pick<DeliveryMetrics, 'countAccepted'> | undefined;
}

/** Page sizes of a webhook's delivery log. */
export const DELIVERY_PAGE = { defaultLimit: 50, maxLimit: 100 } as const;

/** The filters of the delivery log, which a cursor is bound to. */
export type AttemptScope = Pick<AttemptFilter, 'webhookId' | 'status' | 'channel' | 'eventType' | 'since' | 'until'>;

/** The shape of the ids we hand out (`msg_` + letters and digits); anything else names no message, and never reaches a store (PostgreSQL refuses a NUL in text). */
const isMessageId = (value: string): boolean => /^msg_[A-Za-z0-9]{1,64}$/.test(value);
const iso = (t: string | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

/** Accepts an event for every matching active webhook; a new one (not an idempotent repeat) is counted. */
export const acceptEvent = async (
  deps: DeliveriesDeps,
  caller: Caller,
  input: { event_type: string; data: unknown; idempotency_key?: string | undefined },
): Promise<Either<DomainError | RateLimited, { messageId: string }>> => {
  const result = await publishEvent(deps, caller, input);
  if (result._tag === 'Left') return result;
  if (!result.right.duplicate) deps.metrics?.countAccepted();
  return right({ messageId: result.right.messageId });
};

/** Sends a `webhook.test` event to the caller's live webhook, active or paused. */
export const testWebhook = async (deps: DeliveriesDeps, caller: Caller, webhookId: string): Promise<Either<DomainError, { messageId: string }>> => {
  const found = await findWebhook(deps, caller.organizationId, webhookId);
  if (found._tag === 'Left') return found;
  return right({ messageId: await sendTestEvent(deps, caller, { ...found.right, sequence: 0 }) });
};

/** One page of a webhook's attempts, newest first; also after deletion. */
export const deliveryAttemptsPage = async (
  deps: DeliveriesDeps,
  caller: Pick<Caller, 'organizationId'>,
  request: AttemptScope & { readonly limit?: number | undefined; readonly cursor?: string | undefined },
  cursors: PageCursor<AttemptScope>,
): Promise<Either<DomainError, { attempts: readonly DeliveryAttemptView[]; limit: number; nextCursor: string | null; hasMore: boolean }>> => {
  const found = await findWebhook(deps, caller.organizationId, request.webhookId, { includeDeleted: true });
  if (found._tag === 'Left') return found;
  const scope: AttemptScope = {
    webhookId: request.webhookId,
    status: request.status,
    channel: request.channel,
    eventType: request.eventType,
    since: iso(request.since),
    until: iso(request.until),
  };
  const limit = request.limit ?? DELIVERY_PAGE.defaultLimit;
  let before: number | undefined;
  if (request.cursor !== undefined) {
    const decoded = cursors.decode(scope, request.cursor);
    if (decoded._tag === 'Left') return decoded;
    before = decoded.right;
  }
  // One more than the page shows: whether another page follows, without a count.
  const rows = await deps.queue.attempts({ organizationId: caller.organizationId, ...scope, before, limit: limit + 1 });
  const attempts = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  return right({ attempts, limit, nextCursor: hasMore ? cursors.encode(scope, attempts.at(-1)!.attemptId) : null, hasMore });
};

/** A message addressed to the caller's webhook (also after deletion), with its data as stored. */
export const deliveredMessage = async (
  deps: DeliveriesDeps,
  caller: Pick<Caller, 'organizationId'>,
  webhookId: string,
  messageId: string,
): Promise<Either<DomainError | DeliveryError, StoredMessage>> => {
  const found = await findWebhook(deps, caller.organizationId, webhookId, { includeDeleted: true });
  if (found._tag === 'Left') return found;
  if (!isMessageId(messageId)) return left(messageNotFound('no such message was addressed to this webhook'));
  const message = await deps.queue.message({ organizationId: caller.organizationId, webhookId, messageId });
  return message ? right(message) : left(messageNotFound(`no message ${messageId} was addressed to this webhook`));
};

/** Delivers one message to the caller's live webhook again, now. */
export const retryDelivery = async (
  deps: DeliveriesDeps,
  caller: Pick<Caller, 'organizationId'>,
  webhookId: string,
  messageId: string,
): Promise<Either<DomainError | DeliveryError, { rescheduled: number }>> => {
  const found = await findWebhook(deps, caller.organizationId, webhookId);
  if (found._tag === 'Left') return found;
  if (!isMessageId(messageId)) return left(messageNotFound('no such message was addressed to this webhook'));
  const n = await deps.queue.reschedule({ organizationId: caller.organizationId, webhookId, messageId, now: deps.clock.now().getTime() });
  return n === 0 ? left(messageNotFound(`no delivery of ${messageId} to this webhook (or it is being attempted right now)`)) : right({ rescheduled: n });
};

/** Delivers again every failed (or held) message accepted in a window; `until` must not be before `since`. */
export const recoverDeliveries = async (
  deps: Pick<DeliveriesDeps, 'eventStore' | 'states' | 'clock'> & { readonly queue: Pick<DeliveryQueue, 'reschedule'> },
  caller: Pick<Caller, 'organizationId'>,
  webhookId: string,
  window: { readonly since: string; readonly until?: string | undefined },
): Promise<Either<DomainError, { rescheduled: number }>> => {
  const found = await findWebhook(deps, caller.organizationId, webhookId);
  if (found._tag === 'Left') return found;
  if (window.until && Date.parse(window.until) < Date.parse(window.since)) {
    return left({ type: 'ValidationFailed', message: 'until is before since', details: [{ path: ['until'], message: 'must not be before since' }] });
  }
  const n = await deps.queue.reschedule({
    organizationId: caller.organizationId,
    webhookId,
    since: iso(window.since),
    until: iso(window.until),
    now: deps.clock.now().getTime(),
  });
  return right({ rescheduled: n });
};
