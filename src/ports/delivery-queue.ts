import type { Channel, FailureStreak, FairnessPolicy, NextStep } from '../domain/index.js';

export type { NextStep } from '../domain/index.js';

export interface AcceptedMessage {
  readonly messageId: string;
  readonly organizationId: string;
  readonly eventType: string;
  readonly data: unknown;
  /** ISO-8601 time it was accepted. */
  readonly acceptedAt: string;
}

/**
 * One (message, webhook, channel) to deliver. The job refers to the channel by `channelId`;
 * each attempt reads the webhook's current settings (ADR 0015). `channel` and `webhookName`
 * are what they were when the event was accepted, for the log and scheduling only.
 */
export interface DeliveryTarget {
  readonly webhookId: string;
  readonly webhookName: string;
  readonly channelIndex: number;
  /** The channel's stable id within its webhook (`ch_1`, …), given by the domain. */
  readonly channelId: string;
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

/** The longest response body and error text the delivery log returns per attempt (longer stored text is cut). */
export const ATTEMPT_TEXT_LIMITS = { responseBody: 4096, error: 1024 } as const;

/**
 * One attempt as the delivery log lists it. It carries no payload: a message's data is read
 * once with `message`, however many channels and attempts it had.
 */
export interface DeliveryAttemptView extends AttemptRecord {
  /** The attempt's place in the log (later attempts have higher ones): what a page cursor points at. */
  readonly attemptId: number;
  readonly messageId: string;
  readonly eventType: string;
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
  /** Only attempts before this place in the log (the `attemptId` that ended the previous page). */
  readonly before?: number | undefined;
  /** At most this many, newest first. */
  readonly limit: number;
}

/** A message as accepted, for the delivery log's payload view. */
export interface StoredMessage {
  readonly messageId: string;
  readonly eventType: string;
  readonly acceptedAt: string;
  /** The event's data as the JSON text stored when it was accepted (served as is: parsing 1 MB only to print it again costs the event loop). */
  readonly dataJson: string;
}

/** What a worker asks of a claim. */
export interface ClaimOptions {
  readonly workerId: string;
  readonly now: number;
  readonly leaseMs: number;
  /** At most this many jobs. */
  readonly limit: number;
  /** This worker's slots and the per-endpoint in-flight limit; without it, only rate limits hold jobs back. */
  readonly fairness?: FairnessPolicy | undefined;
}

/**
 * Durable, leased delivery jobs. The message and all its jobs are written in
 * one transaction; a claimed job is leased and comes back when the lease
 * expires; each attempt is recorded with the job's next state atomically.
 */
export interface DeliveryQueue {
  /**
   * Stores the message and its jobs; a known idempotency key returns the first message instead.
   * Resolves once they are durable. Calls made at the same moment may share one transaction
   * (group commit), each with its own result; one whose own rows cannot be stored is rejected alone.
   */
  enqueue(
    message: AcceptedMessage,
    targets: readonly DeliveryTarget[],
    idempotency?: { readonly key: string; readonly expiresAt: string },
  ): Promise<{ messageId: string; duplicate: boolean }>;
  /**
   * Calls `listener` after jobs became due through `enqueue` in this process, and in other
   * processes where the store can say so (PostgreSQL LISTEN/NOTIFY), so a waiting worker starts
   * at once rather than at its next poll. A hint: a missed call costs one poll interval at most.
   * Returns the function that stops the calls (and frees what listening holds).
   */
  onEnqueued(listener: () => void): () => void;
  /**
   * Leases due jobs (and those whose lease expired) to a worker, counting the claim against each job.
   * Which ones is the domain's `pickFairly` (ADR 0014): channels' rate limits always; with
   * `fairness`, each endpoint's in-flight limit (counted over every worker's live leases) and
   * this worker's slots shared between organizations. Jobs it passes over stay due, unsent.
   */
  claim(options: ClaimOptions): Promise<readonly ClaimedDelivery[]>;
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
  /**
   * False when this worker's lease was lost (another worker owns the job now): nothing is written.
   * Resolves once written; records made at the same moment may share one transaction.
   */
  record(deliveryId: number, workerId: string, attempt: AttemptRecord, next: NextStep): Promise<boolean>;
  /** One page of a webhook's attempts, newest first, without payloads. */
  attempts(filter: AttemptFilter): Promise<readonly DeliveryAttemptView[]>;
  /** The organization's message if it was addressed to this webhook (on any channel); else undefined. */
  message(filter: { organizationId: string; webhookId: string; messageId: string }): Promise<StoredMessage | undefined>;
  /**
   * Schedules deliveries of a webhook again now: one message (unless it is being attempted
   * under a live lease), or every one accepted in a window that failed or was held while the
   * webhook was paused. Their claim counts start again.
   */
  reschedule(filter: { organizationId: string; webhookId: string; messageId?: string; since?: string; until?: string; now: number }): Promise<number>;
  /** For each webhook, the latest failed attempt of any of its deliveries (the resource's `last_error`); one query for a page. */
  lastErrors(webhookIds: readonly string[]): Promise<ReadonlyMap<string, LastDeliveryError>>;
  /**
   * Ends a leased job as `cancelled` with `error` as its reason, recorded like an attempt (so the
   * delivery log shows it) that counts neither as the webhook's `last_error` nor towards its
   * failure streak: its channel or webhook no longer exists. False when the lease was lost.
   */
  cancel(deliveryId: number, workerId: string, outcome: { readonly at: string; readonly error: string }): Promise<boolean>;
  /**
   * Failed attempts since the webhook's last successful one and, when `after` is given, made at
   * or after it (the webhook's `failure_streak_reset_at`), and when the first of them happened (auto-pause).
   */
  failureStreak(webhookId: string, after?: string): Promise<FailureStreak>;
  /** Scheduled jobs and the age of the oldest due one (metrics). */
  depth(now: number): Promise<{ pending: number; oldestDueMs: number }>;
}
