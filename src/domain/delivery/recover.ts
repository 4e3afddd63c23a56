import type { DeliveryStatus } from './status.js';

/** The statuses `…/recover` sends again: failed for good, or held while the webhook was paused. */
export const RECOVERABLE_STATUSES: readonly DeliveryStatus[] = ['failed', 'held'];

/** A `…/recover` window over the time messages were accepted; both ends included, `until` open when absent. */
export interface RecoverWindow {
  readonly since: string;
  readonly until?: string | undefined;
}

/** What the repair rules look at in a job. */
export interface RepairableJob {
  readonly status: DeliveryStatus;
  /** ISO-8601 time its message was accepted. */
  readonly acceptedAt: string;
  /** Epoch ms its lease ends (leased jobs only). */
  readonly leaseUntil?: number | null | undefined;
}

/**
 * Whether `…/recover` schedules this job again: it failed for good or was held, and its
 * message was accepted inside the window. Succeeded, cancelled and pending jobs are left alone.
 */
export const isRecoverable = (job: RepairableJob, window: RecoverWindow): boolean => {
  if (!RECOVERABLE_STATUSES.includes(job.status)) return false;
  const accepted = Date.parse(job.acceptedAt);
  return accepted >= Date.parse(window.since) && (window.until === undefined || accepted <= Date.parse(window.until));
};

/**
 * Whether `…/deliveries/{message_id}/retry` schedules this job again (one more attempt, also
 * after success): anything but a job being attempted under a live lease (a job whose lease
 * ended without an outcome is stranded and may be retried) and a cancelled one (its channel or
 * webhook no longer exists, so there is nowhere to send it).
 */
export const isRetryable = (job: RepairableJob, now: number): boolean => {
  switch (job.status) {
    case 'cancelled':
      return false;
    case 'leased':
      return job.leaseUntil !== undefined && job.leaseUntil !== null && job.leaseUntil <= now;
    case 'scheduled':
    case 'succeeded':
    case 'failed':
    case 'held':
      return true;
    default: {
      const unknown: never = job.status;
      return unknown;
    }
  }
};
