import type { Channel } from '../domain/index.js';

export interface AcceptedMessage {
  readonly messageId: string;
  readonly organizationId: string;
  readonly eventType: string;
  readonly data: unknown;
  /** ISO-8601 time it was accepted. */
  readonly acceptedAt: string;
}

/** One (message, webhook, channel) to deliver; the channel's settings are captured when the event is accepted. */
export interface DeliveryTarget {
  readonly webhookId: string;
  readonly webhookName: string;
  readonly channelIndex: number;
  readonly channel: Channel;
  /** The webhook is paused: record the job as `held`, never sent unless recovered. */
  readonly held?: boolean | undefined;
}

export interface ClaimedDelivery extends DeliveryTarget {
  readonly deliveryId: number;
  readonly message: AcceptedMessage;
  /** Attempts made before this one. */
  readonly attempts: number;
  /**
   * Earlier claims of this job that ended with no outcome (no attempt recorded, not held or
   * released): each time, its worker stopped before finishing. Recording, holding and
   * rescheduling start the count again.
   */
  readonly claimsWithoutOutcome: number;
}

export interface AttemptRecord {
  readonly at: string;
  readonly succeeded: boolean;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly responseBody?: string | undefined;
  readonly error?: string | undefined;
}

export interface LastDeliveryError {
  readonly message: string;
  readonly channel: string;
  readonly statusCode: number | null;
  readonly at: string;
}

export type NextStep = { readonly status: 'succeeded' } | { readonly status: 'scheduled'; readonly at: number } | { readonly status: 'failed' };

export interface DeliveryAttemptView extends AttemptRecord {
  readonly messageId: string;
  readonly eventType: string;
  /** The event's data, as the attempt delivered it. */
  readonly data: unknown;
  readonly webhookId: string;
  readonly channel: string;
  readonly attempt: number;
  /** The delivery's state after this attempt. */
  readonly deliveryStatus: string;
}

export interface AttemptFilter {
  readonly organizationId: string;
  readonly webhookId: string;
  readonly status?: 'succeeded' | 'failed' | undefined;
  readonly channel?: string | undefined;
  readonly eventType?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly limit: number;
}

/**
 * Durable, leased delivery jobs. The message and all its jobs are written in
 * one transaction; a claimed job is leased and comes back when the lease
 * expires; each attempt is recorded with the job's next state atomically.
 */
export interface DeliveryQueue {
  /** Stores the message and its jobs; a known idempotency key returns the first message instead. */
  enqueue(
    message: AcceptedMessage,
    targets: readonly DeliveryTarget[],
    idempotency?: { readonly key: string; readonly expiresAt: string },
  ): Promise<{ messageId: string; duplicate: boolean }>;
  /** Leases due jobs (and those whose lease expired) to a worker, counting the claim against each job. */
  claim(options: { workerId: string; now: number; leaseMs: number; limit: number }): Promise<readonly ClaimedDelivery[]>;
  /**
   * Hands a leased job back unattempted, due as before, and takes back its claim's count (the
   * worker chose not to start it). False when the lease was lost.
   */
  release(deliveryId: number, workerId: string): Promise<boolean>;
  /**
   * Sets a leased job aside as `held` without an attempt (its webhook was paused or deleted
   * after the job was queued); a recover of its window sends it. False when the lease was lost.
   */
  hold(deliveryId: number, workerId: string): Promise<boolean>;
  /** False when this worker's lease was lost (another worker owns the job now): nothing is written. */
  record(deliveryId: number, workerId: string, attempt: AttemptRecord, next: NextStep): Promise<boolean>;
  attempts(filter: AttemptFilter): Promise<readonly DeliveryAttemptView[]>;
  /**
   * Schedules deliveries of a webhook again now: one message (unless it is being attempted
   * under a live lease), or every one accepted in a window that failed or was held while the
   * webhook was paused. Their claim counts start again.
   */
  reschedule(filter: { organizationId: string; webhookId: string; messageId?: string; since?: string; until?: string; now: number }): Promise<number>;
  /** For each webhook, the latest failed attempt of any of its deliveries (the resource's `last_error`); one query for a page. */
  lastErrors(webhookIds: readonly string[]): Promise<ReadonlyMap<string, LastDeliveryError>>;
  /** Failed attempts since the webhook's last successful one, and when the first of them happened (auto-pause). */
  failureStreak(webhookId: string): Promise<{ count: number; since: string | undefined }>;
  /** Scheduled jobs and the age of the oldest due one (metrics). */
  depth(now: number): Promise<{ pending: number; oldestDueMs: number }>;
}
