import { type Either, left, right } from 'fp-ts/lib/Either.js';
import { type DomainError, eventDataProblems, hasEventType, validationFailed } from '../domain/index.js';
import type { Clock } from '../ports/clock.js';
import type { DeliveryQueue, DeliveryTarget } from '../ports/delivery-queue.js';
import type { EventStore } from '../ports/event-store.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { WebhookReadModel, WebhookRow } from '../ports/webhook-read-model.js';
import { catchUpWebhookList } from './project-webhooks.js';
import type { Caller } from './webhooks.js';

/** What publishing needs: the log and read model (to find subscribers) and the delivery queue. */
export interface PublishDeps {
  readonly eventStore: EventStore;
  readonly readModel: WebhookReadModel;
  readonly queue: DeliveryQueue;
  readonly clock: Clock;
  readonly ids: Pick<IdGenerator, 'messageId'>;
}

/** How long an `Idempotency-Key` returns the first message instead of accepting again (24 h). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Sent by POST …/{id}/test, outside any catalog. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** Every channel of every webhook as one delivery target each; a paused webhook's are held (for a later recover). */
const targetsOf = (rows: readonly WebhookRow[], holdPaused = true): DeliveryTarget[] =>
  rows.flatMap(({ webhook }) =>
    webhook.channels.map((channel, channelIndex) => ({
      webhookId: webhook.webhook_id,
      webhookName: webhook.webhook_name,
      channelIndex,
      channel,
      ...(holdPaused && webhook.status === 'paused' ? { held: true } : {}),
    })),
  );

/** All live webhooks (active or paused) of the organization that would receive `eventType`. */
const subscribers = async (deps: PublishDeps, organizationId: string, eventType: string): Promise<WebhookRow[]> => {
  await catchUpWebhookList(deps);
  const rows: WebhookRow[] = [];
  for (let after: number | undefined; ; ) {
    const page = await deps.readModel.list({ organizationId, eventType, limit: 500, afterSequence: after });
    rows.push(...page.rows);
    if (page.rows.length < 500) return rows;
    after = page.rows.at(-1)!.sequence;
  }
};

/**
 * Accepts an event: records it and one delivery per (matching webhook,
 * channel) in one transaction, before answering. Active webhooks' deliveries
 * are due at once; a paused webhook's are held, so recovering a window after
 * resuming sends exactly what it missed. A repeated
 * idempotency key within 24 h returns the first message and delivers nothing new.
 */
export const publishEvent = async (
  deps: PublishDeps,
  caller: Caller,
  input: { event_type: string; data: unknown; idempotency_key?: string | undefined },
): Promise<Either<DomainError, { messageId: string; duplicate: boolean; deliveries: number }>> => {
  if (!hasEventType(caller.catalog, input.event_type)) {
    return left(validationFailed([{ path: ['event_type'], message: `'${input.event_type}' is not an event type of the ${caller.catalog.id} catalog` }]));
  }
  // Checked before anything is stored: data nested without bound would break every later read of it.
  const dataProblems = eventDataProblems(input.data);
  if (dataProblems.length > 0) return left(validationFailed(dataProblems));
  const now = deps.clock.now();
  const targets = targetsOf(await subscribers(deps, caller.organizationId, input.event_type));
  const result = await deps.queue.enqueue(
    { messageId: deps.ids.messageId(), organizationId: caller.organizationId, eventType: input.event_type, data: input.data, acceptedAt: now.toISOString() },
    targets,
    input.idempotency_key === undefined ? undefined : { key: input.idempotency_key, expiresAt: new Date(now.getTime() + IDEMPOTENCY_WINDOW_MS).toISOString() },
  );
  return right({ ...result, deliveries: result.duplicate ? 0 : targets.filter((t) => !t.held).length });
};

/** Sends a `webhook.test` event to every channel of one webhook, active or not. */
export const sendTestEvent = async (deps: PublishDeps, caller: Caller, row: WebhookRow): Promise<string> => {
  const now = deps.clock.now();
  const { messageId } = await deps.queue.enqueue(
    {
      messageId: deps.ids.messageId(),
      organizationId: caller.organizationId,
      eventType: TEST_EVENT_TYPE,
      data: { webhook_id: row.webhook.webhook_id, message: 'This is a test event from Hookledger.' },
      acceptedAt: now.toISOString(),
    },
    targetsOf([row], false),
  );
  return messageId;
};
