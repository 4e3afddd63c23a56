import {
  type AttemptPlan,
  type AttemptPurpose,
  type AutoPauseRule,
  type ExistingWebhook,
  type FairnessPolicy,
  type NextStep,
  abandonedReason,
  classifyThrownFailure,
  decideAutoPause,
  isPoisoned,
  isSuspect,
  nextStepAfter as nextStepOf,
  planAttempt,
  streakDecides,
} from '../domain/index.js';
import type { Clock } from '../ports/clock.js';
import type { ClaimedDelivery, DeliveryQueue } from '../ports/delivery-queue.js';
import type { DeliveryObserver } from '../ports/delivery-observer.js';
import type { AttemptResult, Notifier, OutboundMessage } from '../ports/notifier.js';
import type { WebhookSecrets } from '../ports/webhook-secrets.js';
import { TEST_EVENT_TYPE } from './publish-event.js';
import { wellFormed } from './well-formed-result.js';

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
  readonly autoPause: AutoPauseRule;
  /**
   * The webhook as it is now (undefined when unknown), read before each attempt: the attempt
   * goes to its channel's current settings, and pausing or deleting the webhook or removing the
   * channel also stops the retries already queued for it (ADR 0015).
   */
  readonly currentWebhook: (webhookId: string) => Promise<ExistingWebhook | undefined>;
  /** Metrics and log hook: one call per attempt; if it throws, that is reported and the attempt goes on. */
  readonly observe?: DeliveryObserver;
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
  /** This worker's slots and the per-endpoint in-flight limit (ADR 0014); without it, only rate limits hold jobs back. */
  readonly fairness?: FairnessPolicy | undefined;
}

/** Leases up to `limit` due deliveries to this worker. */
export const claimDue = (deps: DeliveryDeps, options: CycleOptions, limit = options.batchSize): Promise<readonly ClaimedDelivery[]> =>
  deps.queue.claim({ workerId: options.workerId, now: deps.clock.now().getTime(), leaseMs: options.leaseMs, limit, fairness: options.fairness });

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

// A test event is sent to a paused webhook on purpose (the domain's planAttempt says so).
const purposeOf = (delivery: ClaimedDelivery): AttemptPurpose => (delivery.message.eventType === TEST_EVENT_TYPE ? 'test' : 'event');

/** Everything up to the receiver's answer, with the channel's settings of now: the notifier, the secrets, the send. Throws what they throw. */
const sendOnce = async (deps: DeliveryDeps, delivery: ClaimedDelivery, plan: Extract<AttemptPlan, { kind: 'send' }>, now: Date): Promise<AttemptResult> => {
  const notifier = deps.notifiers.find((n) => n.kind === plan.channel.channel);
  if (!notifier) return { disposition: 'final', statusCode: null, latencyMs: 0, error: `no notifier for ${plan.channel.channel}` };
  const message: OutboundMessage = {
    ...delivery.message,
    timestamp: delivery.message.acceptedAt,
    webhookId: delivery.webhookId,
    webhookName: plan.webhookName,
  };
  return wellFormed(await notifier.send(plan.channel, message, { secrets: await deps.secrets.get(delivery.webhookId), now }));
};

/** A thrown failure as the attempt it becomes: reported to the operator, classified by the domain. */
const thrown = (deps: DeliveryDeps, delivery: ClaimedDelivery, now: Date, error: unknown): AttemptResult => {
  report(deps, error, delivery, 'attempt');
  const failure = classifyThrownFailure(error);
  return { disposition: failure.disposition, statusCode: null, latencyMs: Math.max(0, deps.clock.now().getTime() - now.getTime()), error: failure.error };
};

// Reporting and metrics serve the operator; they never decide a delivery's fate.
const report = (deps: DeliveryDeps, error: unknown, delivery: ClaimedDelivery, stage: DeliveryProblem['stage']): void => {
  try {
    deps.report?.(error, { deliveryId: delivery.deliveryId, webhookId: delivery.webhookId, stage });
  } catch {
    // nowhere left to report to
  }
};
const observe = (deps: DeliveryDeps, delivery: ClaimedDelivery, result: AttemptResult, outcome: string): void => {
  try {
    deps.observe?.({
      messageId: delivery.message.messageId,
      webhookId: delivery.webhookId,
      channel: delivery.channel.channel,
      outcome,
      attempt: delivery.attempts + 1,
      statusCode: result.statusCode,
      error: result.error,
      latencyMs: result.latencyMs,
      sinceAcceptedMs: result.disposition === 'succeeded' ? deps.clock.now().getTime() - Date.parse(delivery.message.acceptedAt) : undefined,
    });
  } catch (error) {
    report(deps, error, delivery, 'observe');
  }
};

const nextStepAfter = (deps: DeliveryDeps, delivery: ClaimedDelivery, now: Date, result: AttemptResult): NextStep =>
  nextStepOf(result.disposition, {
    attemptsMade: delivery.attempts + 1,
    schedule: deps.schedule,
    random: deps.random(),
    now: now.getTime(),
    retryAfterMs: result.retryAfterMs,
  });

/**
 * Pauses the webhook when the domain says so (410, or a failure streak too long or too old;
 * the streak counts only attempts since `resetAt`, the webhook's last resume or channel change).
 * A failure here is reported, not thrown: the attempt is recorded already.
 */
const autoPauseIfDue = async (deps: DeliveryDeps, delivery: ClaimedDelivery, now: Date, result: AttemptResult, resetAt: string | undefined): Promise<void> => {
  if (result.disposition === 'succeeded') return;
  try {
    const since = resetAt ?? (await deps.currentWebhook(delivery.webhookId))?.failure_streak_reset_at;
    // The queue compares ISO texts: the same form as the attempts' `at` (toISOString), whatever the event held.
    const after = since === undefined || Number.isNaN(Date.parse(since)) ? undefined : new Date(since).toISOString();
    const streak = streakDecides(result.disposition) ? await deps.queue.failureStreak(delivery.webhookId, after) : undefined;
    const decision = decideAutoPause({ disposition: result.disposition, channel: delivery.channel.channel, streak, now: now.getTime(), rule: deps.autoPause });
    if (decision.pause) await deps.pause(delivery, decision.reason);
  } catch (error) {
    // The next failed attempt checks again.
    report(deps, error, delivery, 'auto-pause');
  }
};

/** Records the attempt and the job's next step (throwing if the store fails, so the lease brings the job back), then auto-pauses. */
const conclude = async (
  deps: DeliveryDeps,
  workerId: string,
  delivery: ClaimedDelivery,
  now: Date,
  result: AttemptResult,
  outcome: string,
  resetAt?: string,
): Promise<void> => {
  const next = nextStepAfter(deps, delivery, now, result);
  // A retryable failure with no attempt left ends the delivery: `exhausted`, not `retry`.
  observe(deps, delivery, result, outcome === 'retry' && next.status === 'failed' ? 'exhausted' : outcome);
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
  await autoPauseIfDue(deps, delivery, now, result, resetAt);
};

/**
 * One attempt of one claimed delivery: read the webhook as it is now, then send to the channel's
 * current settings, record the outcome and the next step, and pause the webhook if it must; or
 * hold the job (paused webhook) or cancel it, visibly (its channel or webhook is gone).
 * Whatever is thrown before the receiver answers becomes a recorded failed attempt (final or
 * retried as the domain classifies it); a job whose earlier claims kept stopping the worker is
 * recorded as failed without being sent. Only the store failing while recording (or holding,
 * or cancelling) is thrown: the lease then brings the job back.
 */
export const attemptDelivery = async (deps: DeliveryDeps, workerId: string, delivery: ClaimedDelivery): Promise<void> => {
  const now = deps.clock.now();
  if (isPoisoned(delivery.claimsWithoutOutcome, deps.poisonAfter)) {
    const error = abandonedReason(delivery.claimsWithoutOutcome);
    await conclude(deps, workerId, delivery, now, { disposition: 'final', statusCode: null, latencyMs: 0, error }, 'abandoned');
    return;
  }
  let plan: AttemptPlan;
  try {
    plan = planAttempt(await deps.currentWebhook(delivery.webhookId), { channelId: delivery.channelId, kind: delivery.channel.channel }, purposeOf(delivery));
  } catch (error) {
    const failed = thrown(deps, delivery, now, error);
    await conclude(deps, workerId, delivery, now, failed, failed.disposition);
    return;
  }
  switch (plan.kind) {
    case 'hold':
      await deps.queue.hold(delivery.deliveryId, workerId);
      return;
    case 'cancel':
      observe(deps, delivery, { disposition: 'final', statusCode: null, latencyMs: 0, error: plan.error }, 'cancelled');
      await deps.queue.cancel(delivery.deliveryId, workerId, { at: now.toISOString(), error: plan.error });
      return;
    case 'send':
      break;
    default: {
      const unknown: never = plan;
      return unknown;
    }
  }
  let sent: AttemptResult;
  try {
    sent = await sendOnce(deps, delivery, plan, now);
  } catch (error) {
    sent = thrown(deps, delivery, now, error);
  }
  await conclude(deps, workerId, delivery, now, sent, sent.disposition, plan.failureStreakResetAt);
};
