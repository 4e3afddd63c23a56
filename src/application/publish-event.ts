import { type Either, left, right } from 'fp-ts/lib/Either.js';
import { type DomainError, eventDataProblems, hasEventType, redactChannel, validationFailed } from '../domain/index.js';
import type { Clock } from '../ports/clock.js';
import type { DeliveryQueue, DeliveryTarget } from '../ports/delivery-queue.js';
import type { EventStore } from '../ports/event-store.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { WebhookReadModel, WebhookRow } from '../ports/webhook-read-model.js';
import type { RateLimited } from './errors.js';
import type { DataCheck } from './event-data-schemas.js';
import { sharedCatchUp } from './shared-catch-up.js';
import type { Caller } from './webhooks.js';

/** What publishing needs: the log and read model (to find subscribers) and the delivery queue. */
export interface PublishDeps {
  readonly eventStore: EventStore;
  readonly readModel: WebhookReadModel;
  readonly queue: DeliveryQueue;
  readonly clock: Clock;
  readonly ids: Pick<IdGenerator, 'messageId'>;
  /** `data` under its event type's JSON Schema (`EventDataSchemas.check`, ADR 0020); nothing checked when absent. */
  readonly checkData?: (caller: Caller, eventType: string, data: unknown) => DataCheck;
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
      // The job refers to the channel by id: each attempt reads its settings of then (ADR 0015).
      channelId: channel.channel_id,
      // Only for the log and scheduling: no credential, address or number in the queue (ADR 0018).
      channel: redactChannel(channel),
      ...(holdPaused && webhook.status === 'paused' ? { held: true } : {}),
    })),
  );

/** All live webhooks (active or paused) of the organization that would receive `eventType`, from the list as it is now. */
const subscribers = async (deps: PublishDeps, organizationId: string, eventType: string): Promise<WebhookRow[]> => {
  const rows: WebhookRow[] = [];
  for (let after: number | undefined; ;) {
    const page = await deps.readModel.list({ organizationId, eventType, limit: 500, afterSequence: after });
    rows.push(...page.rows);
    if (page.rows.length < 500) return rows;
    after = page.rows.at(-1)!.sequence;
  }
};

/**
 * The targets of a publish, read once per (organization, event type) while the list projection
 * stays at the same position: a webhook event (created, changed, paused, deleted) moves it and
 * drops every entry. Each publish still catches the projection up first, so it sees every webhook
 * change committed before it, in any process.
 */
interface TargetCache {
  readonly position: number;
  readonly byKey: Map<string, readonly DeliveryTarget[]>;
  size: number;
}
const targetCaches = new WeakMap<WebhookReadModel, TargetCache>();
/** Targets kept at most (summed over entries), so many organizations or event types cannot grow it without bound. */
const MAX_CACHED_TARGETS = 100_000;

const subscriberTargets = async (deps: PublishDeps, organizationId: string, eventType: string): Promise<readonly DeliveryTarget[]> => {
  // Shared with the publishes and delivery attempts of this turn, started after all of them (ADR 0013).
  const { position } = await sharedCatchUp(deps);
  let cache = targetCaches.get(deps.readModel);
  if (cache?.position !== position) targetCaches.set(deps.readModel, (cache = { position, byKey: new Map(), size: 0 }));
  const key = `${organizationId}\u0000${eventType}`;
  const known = cache.byKey.get(key);
  if (known) return known;
  // Read after catching up to `position`, so never older than it (another process may have moved it further: newer is fine).
  const targets = targetsOf(await subscribers(deps, organizationId, eventType));
  if (cache.size + targets.length > MAX_CACHED_TARGETS) {
    cache.byKey.clear();
    cache.size = 0;
  }
  cache.byKey.set(key, targets);
  cache.size += targets.length;
  return targets;
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
): Promise<Either<DomainError | RateLimited, { messageId: string; duplicate: boolean; deliveries: number }>> => {
  if (!hasEventType(caller.catalog, input.event_type)) {
    return left(validationFailed([{ path: ['event_type'], message: `'${input.event_type}' is not an event type of the ${caller.catalog.id} catalog` }]));
  }
  // Checked before anything is stored: data nested without bound would break every later read of it.
  const dataProblems = eventDataProblems(input.data);
  if (dataProblems.length > 0) return left(validationFailed(dataProblems));
  // The type's JSON Schema, when it has one (ADR 0020).
  const checked = deps.checkData?.(caller, input.event_type, input.data);
  if (checked?.kind === 'throttled') {
    const seconds = Math.ceil(checked.retryAfterMs / 1000);
    return left({
      type: 'RateLimited',
      message: `this organization's events used their share of the server's time for schema checks; retry in ${seconds} s`,
      retryAfterMs: checked.retryAfterMs,
    });
  }
  if (checked !== undefined && checked.problems.length > 0) return left(validationFailed(checked.problems));
  const now = deps.clock.now();
  const targets = await subscriberTargets(deps, caller.organizationId, input.event_type);
  const messageId = deps.ids.messageId();
  // Addressed to no webhook: the payload is not kept, and a row only where an idempotency key needs one (ADR 0019).
  if (targets.length === 0 && input.idempotency_key === undefined) return right({ messageId, duplicate: false, deliveries: 0 });
  const result = await deps.queue.enqueue(
    {
      messageId,
      organizationId: caller.organizationId,
      eventType: input.event_type,
      data: targets.length === 0 ? null : input.data,
      acceptedAt: now.toISOString(),
    },
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
