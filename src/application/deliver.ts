import { nextAttemptDelay } from '../domain/index.js';
import type { Clock } from '../ports/clock.js';
import type { ClaimedDelivery, DeliveryQueue, NextStep } from '../ports/delivery-queue.js';
import type { Notifier } from '../ports/notifier.js';
import type { WebhookSecrets } from '../ports/webhook-secrets.js';
import { TEST_EVENT_TYPE } from './publish-event.js';

/** What delivering needs: the queue, the notifiers, secrets, clock, retry schedule and auto-pause rules. */
export interface DeliveryDeps {
  readonly queue: DeliveryQueue;
  readonly notifiers: readonly Notifier[];
  readonly secrets: WebhookSecrets;
  readonly clock: Clock;
  /** Delays before each attempt, in ms (HOOKLEDGER_RETRY_SCHEDULE). */
  readonly schedule: readonly number[];
  /** In [0, 1): jitter source, injected so tests can fix it. */
  readonly random: () => number;
  /** Pauses the webhook through the domain (410 Gone, or failing for too long). */
  readonly pause: (delivery: ClaimedDelivery, reason: string) => Promise<void>;
  /** Auto-pause after this many failed attempts in a row, or failing for this long. */
  readonly autoPause: { readonly afterFailures: number; readonly afterMs: number };
  /**
   * Whether the webhook still takes deliveries (exists and is active). Checked before each
   * attempt, so pausing or deleting a webhook also stops the retries already queued for it.
   */
  readonly acceptsDeliveries: (webhookId: string) => Promise<boolean>;
  /** Metrics hook: one call per attempt. */
  readonly observe?: (channel: string, outcome: string, latencyMs: number) => void;
}

/** How one delivery cycle runs: which worker, how many at once, and for how long a claim is leased. */
export interface CycleOptions {
  readonly workerId: string;
  /** Longer than any channel's timeout, so a live attempt never loses its lease. */
  readonly leaseMs: number;
  readonly batchSize: number;
}

/** Leases up to `limit` due deliveries to this worker. */
export const claimDue = (deps: DeliveryDeps, options: CycleOptions, limit = options.batchSize): Promise<readonly ClaimedDelivery[]> =>
  deps.queue.claim({ workerId: options.workerId, now: deps.clock.now().getTime(), leaseMs: options.leaseMs, limit });

/** Claims due deliveries, attempts each once, records the outcomes. Returns how many it attempted. */
export const runDeliveryCycle = async (deps: DeliveryDeps, options: CycleOptions): Promise<number> => {
  const claimed = await claimDue(deps, options);
  await Promise.all(claimed.map((delivery) => attemptDelivery(deps, options.workerId, delivery)));
  return claimed.length;
};

/** One attempt of one claimed delivery: send, record the outcome and the next step, pause the webhook if it must. */
export const attemptDelivery = async (deps: DeliveryDeps, workerId: string, delivery: ClaimedDelivery): Promise<void> => {
  // A test event is sent to a paused webhook on purpose; anything else waits for the webhook to be active.
  if (delivery.message.eventType !== TEST_EVENT_TYPE && !(await deps.acceptsDeliveries(delivery.webhookId))) {
    await deps.queue.hold(delivery.deliveryId, workerId);
    return;
  }
  const notifier = deps.notifiers.find((n) => n.kind === delivery.channel.channel);
  const now = deps.clock.now();
  const result = notifier
    ? await notifier.send(
        delivery.channel,
        { ...delivery.message, timestamp: delivery.message.acceptedAt, webhookId: delivery.webhookId, webhookName: delivery.webhookName },
        { secrets: await deps.secrets.get(delivery.webhookId), now },
      )
    : { disposition: 'final' as const, statusCode: null, latencyMs: 0, error: `no notifier for ${delivery.channel.channel}` };

  deps.observe?.(delivery.channel.channel, result.disposition, result.latencyMs);
  let next: NextStep;
  if (result.disposition === 'succeeded') next = { status: 'succeeded' };
  else if (result.disposition === 'retry') {
    const delay = nextAttemptDelay(deps.schedule, delivery.attempts + 1, deps.random(), result.retryAfterMs);
    next = delay === undefined ? { status: 'failed' } : { status: 'scheduled', at: now.getTime() + delay };
  } else next = { status: 'failed' };

  await deps.queue.record(
    delivery.deliveryId,
    workerId,
    {
      at: now.toISOString(),
      succeeded: result.disposition === 'succeeded',
      statusCode: result.statusCode,
      latencyMs: Math.round(result.latencyMs * 10) / 10,
      responseBody: result.responseBody,
      error: result.error,
    },
    next,
  );
  if (result.disposition === 'gone') {
    await deps.pause(delivery, `auto-paused: the ${delivery.channel.channel} endpoint answered 410 Gone`);
  } else if (result.disposition !== 'succeeded') {
    const streak = await deps.queue.failureStreak(delivery.webhookId);
    const failingFor = streak.since ? now.getTime() - Date.parse(streak.since) : 0;
    if (streak.count >= deps.autoPause.afterFailures || failingFor >= deps.autoPause.afterMs) {
      await deps.pause(delivery, `auto-paused: ${streak.count} failed delivery attempts in a row since ${streak.since}`);
    }
  }
};
