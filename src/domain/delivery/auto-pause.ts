import type { ChannelKind } from '../webhook/channels.js';
import type { AttemptDisposition } from './next-step.js';

/** When failing deliveries pause a webhook: after this many failed attempts in a row, or failing for this long. */
export interface AutoPauseRule {
  readonly afterFailures: number;
  readonly afterMs: number;
}

/**
 * The webhook's failed attempts in a row: those after its last successful attempt and after
 * it was last resumed or had its channels changed (`failure_streak_reset_at`), and when the
 * first of them happened.
 */
export interface FailureStreak {
  readonly count: number;
  readonly since: string | undefined;
}

/** Pause the webhook (through the domain's PauseWebhook, with this reason), or leave it. */
export type AutoPauseDecision = { readonly pause: false } | { readonly pause: true; readonly reason: string };

/** Whether the streak decides: only an ordinary failure (not a success, not 410 Gone) needs it read. */
export const streakDecides = (disposition: AttemptDisposition): boolean => disposition === 'retry' || disposition === 'final';

/**
 * After an attempt: 410 Gone pauses at once; an ordinary failure pauses when the streak, this
 * failure included, reached `afterFailures` or began `afterMs` ago or more; a success never
 * does. Without a streak (it could not be read) nothing is paused: the next failure checks again.
 */
export const decideAutoPause = (input: {
  readonly disposition: AttemptDisposition;
  readonly channel: ChannelKind;
  readonly streak?: FailureStreak | undefined;
  /** Epoch ms of this attempt. */
  readonly now: number;
  readonly rule: AutoPauseRule;
}): AutoPauseDecision => {
  const { disposition, streak, rule } = input;
  switch (disposition) {
    case 'succeeded':
      return { pause: false };
    case 'gone':
      return { pause: true, reason: `auto-paused: the ${input.channel} endpoint answered 410 Gone` };
    case 'retry':
    case 'final': {
      if (!streak || streak.count === 0) return { pause: false };
      const began = streak.since === undefined ? Number.NaN : Date.parse(streak.since);
      const failingFor = Number.isNaN(began) ? 0 : input.now - began;
      return streak.count >= rule.afterFailures || failingFor >= rule.afterMs
        ? { pause: true, reason: `auto-paused: ${streak.count} failed delivery attempts in a row since ${streak.since}` }
        : { pause: false };
    }
    default: {
      const unknown: never = disposition;
      return unknown;
    }
  }
};
