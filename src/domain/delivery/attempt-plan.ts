import type { ChannelKind, IdentifiedChannel } from '../webhook/channels.js';
import type { WebhookState } from '../webhook/state.js';

/** Why a job was cancelled: recorded as its outcome, visible in the delivery log. */
export type CancelReason = 'webhook-deleted' | 'channel-removed';

/**
 * What a worker does with a claimed job, given the webhook as it is now: send to the channel's
 * current settings, set it aside as held (paused webhook), or cancel it (nowhere left to send).
 */
export type AttemptPlan =
  | { readonly kind: 'send'; readonly channel: IdentifiedChannel; readonly webhookName: string; readonly failureStreakResetAt: string }
  | { readonly kind: 'hold' }
  | { readonly kind: 'cancel'; readonly reason: CancelReason; readonly error: string };

/** What the job is for: an accepted event, or a `webhook.test` (sent to a paused webhook too). */
export type AttemptPurpose = 'event' | 'test';

/** The channel a job was queued for: its id, and its kind then (an id never changes kind). */
export interface JobChannel {
  readonly channelId: string;
  readonly kind: ChannelKind;
}

/**
 * Every attempt reads the webhook's current settings (ADR 0015): a deleted (or unknown)
 * webhook or a removed channel cancels the job, a paused webhook holds it (unless it is a
 * test), otherwise it is sent with the channel as it is configured now.
 */
export const planAttempt = (webhook: WebhookState | undefined, job: JobChannel, purpose: AttemptPurpose): AttemptPlan => {
  if (webhook === undefined || webhook.status === 'initial' || webhook.status === 'deleted') {
    return { kind: 'cancel', reason: 'webhook-deleted', error: 'cancelled: the webhook was deleted; nothing was sent' };
  }
  const { channelId } = job;
  // Same id, another kind: only a job queued before ids (its id came from its position) can see this; that channel is gone.
  const channel = webhook.channels.find((c) => c.channel_id === channelId && c.channel === job.kind);
  if (!channel) {
    return { kind: 'cancel', reason: 'channel-removed', error: `cancelled: channel ${channelId} was removed from the webhook; nothing was sent` };
  }
  switch (webhook.status) {
    case 'paused':
      if (purpose === 'event') return { kind: 'hold' };
      break;
    case 'active':
      break;
    default: {
      const unreachable: never = webhook;
      return unreachable;
    }
  }
  return { kind: 'send', channel, webhookName: webhook.webhook_name, failureStreakResetAt: webhook.failure_streak_reset_at };
};
