import { nextAttemptDelay } from './retry-schedule.js';

/**
 * What one attempt achieved, as the worker classifies the receiver's answer (ADR 0007):
 * `retry` is tried again on the schedule, `final` is not (a user can still retry it by hand),
 * `gone` (HTTP 410) is final and pauses the webhook.
 */
export type AttemptDisposition = 'succeeded' | 'retry' | 'final' | 'gone';

/** What becomes of a job after an attempt: done, due again at `at` (epoch ms), or failed for good. */
export type NextStep = { readonly status: 'succeeded' } | { readonly status: 'scheduled'; readonly at: number } | { readonly status: 'failed' };

/** What the next step depends on besides the disposition. */
export interface NextStepContext {
  /** Attempts made, this one included. */
  readonly attemptsMade: number;
  /** Delays before each attempt, in ms; its length is the number of attempts. */
  readonly schedule: readonly number[];
  /** In [0, 1): the jitter source, passed in (the domain has no randomness). */
  readonly random: number;
  /** When this attempt was made, epoch ms. */
  readonly now: number;
  /** The receiver's Retry-After, in ms, when it sent one. */
  readonly retryAfterMs?: number | undefined;
}

/**
 * The job's next step after an attempt: a success is done; a retryable failure is due again
 * after the schedule's next delay (or a longer Retry-After), and failed once the schedule is
 * used up; a final failure and 410 Gone are failed at once.
 */
export const nextStepAfter = (disposition: AttemptDisposition, context: NextStepContext): NextStep => {
  switch (disposition) {
    case 'succeeded':
      return { status: 'succeeded' };
    case 'retry': {
      const delay = nextAttemptDelay(context.schedule, context.attemptsMade, context.random, context.retryAfterMs);
      return delay === undefined ? { status: 'failed' } : { status: 'scheduled', at: context.now + delay };
    }
    case 'final':
    case 'gone':
      return { status: 'failed' };
    default: {
      const unknown: never = disposition;
      return unknown;
    }
  }
};
