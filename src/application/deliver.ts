import { abandonedReason, classifyThrownFailure, isPoisoned, isSuspect, nextAttemptDelay } from '../domain/index.js';
import type { Clock } from '../ports/clock.js';
import type { ClaimedDelivery, DeliveryQueue, NextStep } from '../ports/delivery-queue.js';
import type { AttemptResult, Disposition, Notifier, OutboundMessage } from '../ports/notifier.js';
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
  /** Metrics hook: one call per attempt; if it throws, that is reported and the attempt goes on. */
  readonly observe?: (channel: string, outcome: string, latencyMs: number) => void;
  /** Where failures the worker survives are reported (the log); if it throws, that is ignored. */
  readonly report?: (error: unknown, problem: DeliveryProblem) => void;
  /** A job is set aside as failed after this many claims without an outcome (the domain's POISON_LIMIT when absent). */
  readonly poisonAfter?: number;
}

/** Which part of handling one delivery failed, for the log. */
export interface DeliveryProblem {
  readonly deliveryId: number;
  readonly webhookId: string;
  readonly stage: 'attempt' | 'observe' | 'auto-pause';
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

/**
 * Whether a claimed job must run with nothing else in flight: an earlier claim of it ended
 * with no outcome, so it may be what stopped the worker, and whatever runs beside it would
 * share its fate (and its count towards being set aside).
 */
export const runsAlone = (deps: Pick<DeliveryDeps, 'poisonAfter'>, delivery: ClaimedDelivery): boolean =>
  isSuspect(delivery.claimsWithoutOutcome) && !isPoisoned(delivery.claimsWithoutOutcome, deps.poisonAfter);

/** Claims due deliveries, attempts each once (those that run alone after the rest, one by one), records the outcomes. Returns how many it claimed. */
export const runDeliveryCycle = async (deps: DeliveryDeps, options: CycleOptions): Promise<number> => {
  const claimed = await claimDue(deps, options);
  await Promise.all(claimed.filter((d) => !runsAlone(deps, d)).map((delivery) => attemptDelivery(deps, options.workerId, delivery)));
  for (const delivery of claimed.filter((d) => runsAlone(deps, d))) await attemptDelivery(deps, options.workerId, delivery);
  return claimed.length;
};

const HOLD = Symbol('hold');
const DISPOSITIONS: ReadonlySet<string> = new Set<Disposition>(['succeeded', 'retry', 'final', 'gone']);

/** A notifier's answer as the queue can store it; anything else counts as a throw. */
const wellFormed = (answer: unknown): AttemptResult => {
  const a = answer as Partial<AttemptResult> | null | undefined;
  if (typeof a !== 'object' || a === null || typeof a.disposition !== 'string' || !DISPOSITIONS.has(a.disposition)) {
    throw new Error('the notifier returned no attempt result');
  }
  const { disposition, statusCode, latencyMs, responseBody, error, retryAfterMs } = a;
  return {
    disposition,
    statusCode: typeof statusCode === 'number' && Number.isInteger(statusCode) ? statusCode : null,
    latencyMs: typeof latencyMs === 'number' && Number.isFinite(latencyMs) && latencyMs >= 0 ? latencyMs : 0,
    responseBody: typeof responseBody === 'string' ? responseBody : undefined,
    error: typeof error === 'string' ? error : disposition === 'succeeded' ? undefined : 'failed',
    retryAfterMs: typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0 ? retryAfterMs : undefined,
  };
};

/** Everything up to the receiver's answer: the webhook's state, the notifier, the secrets, the send. Throws what they throw. */
const sendOnce = async (deps: DeliveryDeps, delivery: ClaimedDelivery, now: Date): Promise<AttemptResult | typeof HOLD> => {
  // A test event is sent to a paused webhook on purpose; anything else waits for the webhook to be active.
  if (delivery.message.eventType !== TEST_EVENT_TYPE && !(await deps.acceptsDeliveries(delivery.webhookId))) return HOLD;
  const notifier = deps.notifiers.find((n) => n.kind === delivery.channel.channel);
  if (!notifier) return { disposition: 'final', statusCode: null, latencyMs: 0, error: `no notifier for ${delivery.channel.channel}` };
  const message: OutboundMessage = { ...delivery.message, timestamp: delivery.message.acceptedAt, webhookId: delivery.webhookId, webhookName: delivery.webhookName };
  return wellFormed(await notifier.send(delivery.channel, message, { secrets: await deps.secrets.get(delivery.webhookId), now }));
};

// Reporting and metrics serve the operator; they never decide a delivery's fate.
const report = (deps: DeliveryDeps, error: unknown, delivery: ClaimedDelivery, stage: DeliveryProblem['stage']): void => {
  try {
    deps.report?.(error, { deliveryId: delivery.deliveryId, webhookId: delivery.webhookId, stage });
  } catch {
    // nowhere left to report to
  }
};
const observe = (deps: DeliveryDeps, delivery: ClaimedDelivery, outcome: string, latencyMs: number): void => {
  try {
    deps.observe?.(delivery.channel.channel, outcome, latencyMs);
  } catch (error) {
    report(deps, error, delivery, 'observe');
  }
};

const nextStepAfter = (deps: DeliveryDeps, delivery: ClaimedDelivery, now: Date, result: AttemptResult): NextStep => {
  switch (result.disposition) {
    case 'succeeded':
      return { status: 'succeeded' };
    case 'retry': {
      const delay = nextAttemptDelay(deps.schedule, delivery.attempts + 1, deps.random(), result.retryAfterMs);
      return delay === undefined ? { status: 'failed' } : { status: 'scheduled', at: now.getTime() + delay };
    }
    case 'final':
    case 'gone':
      return { status: 'failed' };
    default: {
      const unknown: never = result.disposition;
      throw new Error(`unknown disposition ${String(unknown)}`);
    }
  }
};

/** On 410, or a failure streak that is too long or too old: pause the webhook. A failure here is reported, not thrown: the attempt is recorded already. */
const autoPauseIfDue = async (deps: DeliveryDeps, delivery: ClaimedDelivery, now: Date, result: AttemptResult): Promise<void> => {
  if (result.disposition === 'succeeded') return;
  try {
    if (result.disposition === 'gone') {
      await deps.pause(delivery, `auto-paused: the ${delivery.channel.channel} endpoint answered 410 Gone`);
      return;
    }
    const streak = await deps.queue.failureStreak(delivery.webhookId);
    const failingFor = streak.since ? now.getTime() - Date.parse(streak.since) : 0;
    if (streak.count >= deps.autoPause.afterFailures || failingFor >= deps.autoPause.afterMs) {
      await deps.pause(delivery, `auto-paused: ${streak.count} failed delivery attempts in a row since ${streak.since}`);
    }
  } catch (error) {
    // The next failed attempt checks again.
    report(deps, error, delivery, 'auto-pause');
  }
};

/** Records the attempt and the job's next step (throwing if the store fails, so the lease brings the job back), then auto-pauses. */
const conclude = async (deps: DeliveryDeps, workerId: string, delivery: ClaimedDelivery, now: Date, result: AttemptResult, outcome: string): Promise<void> => {
  observe(deps, delivery, outcome, result.latencyMs);
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
    nextStepAfter(deps, delivery, now, result),
  );
  await autoPauseIfDue(deps, delivery, now, result);
};

/**
 * One attempt of one claimed delivery: send, record the outcome and the next step, pause the
 * webhook if it must. Whatever is thrown before the receiver answers becomes a recorded failed
 * attempt (final or retried as the domain classifies it); a job whose earlier claims kept
 * stopping the worker is recorded as failed without being sent. Only the store failing while
 * recording (or holding) is thrown: the lease then brings the job back.
 */
export const attemptDelivery = async (deps: DeliveryDeps, workerId: string, delivery: ClaimedDelivery): Promise<void> => {
  const now = deps.clock.now();
  if (isPoisoned(delivery.claimsWithoutOutcome, deps.poisonAfter)) {
    const error = abandonedReason(delivery.claimsWithoutOutcome);
    await conclude(deps, workerId, delivery, now, { disposition: 'final', statusCode: null, latencyMs: 0, error }, 'abandoned');
    return;
  }
  let sent: AttemptResult | typeof HOLD;
  try {
    sent = await sendOnce(deps, delivery, now);
  } catch (error) {
    report(deps, error, delivery, 'attempt');
    const failure = classifyThrownFailure(error);
    sent = { disposition: failure.disposition, statusCode: null, latencyMs: Math.max(0, deps.clock.now().getTime() - now.getTime()), error: failure.error };
  }
  if (sent === HOLD) {
    await deps.queue.hold(delivery.deliveryId, workerId);
    return;
  }
  await conclude(deps, workerId, delivery, now, sent, sent.disposition);
};
