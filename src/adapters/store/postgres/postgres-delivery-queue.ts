import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type {
  AcceptedMessage,
  AttemptFilter,
  AttemptRecord,
  ClaimOptions,
  ClaimedDelivery,
  DeliveryAttemptView,
  DeliveryQueue,
  DeliveryTarget,
  LastDeliveryError,
  NextStep,
} from '../../../ports/delivery-queue.js';
import { ATTEMPT_TEXT_LIMITS, type StoredMessage } from '../../../ports/delivery-queue.js';
import { GroupCommit, type Settled, allOrEachAlone } from '../../shared/storage/group-commit.js';
import { type EnqueueCall, type EnqueueResult, type RecordCall, enqueueMany, recordMany } from './delivery-batches.js';
import { listenForJobsDue } from './jobs-due-listener.js';
import { type ClaimRow, type PacedRow, pacingAfter, toClaimedDelivery } from '../../shared/storage/fair-claim.js';
import { CLAIM_LOCK, FAIR_CLAIM_SQL, PACE_SQL, fairClaimParams } from './fair-claim.js';

interface AttemptRow {
  /** BIGSERIAL: pg returns it as a string. */
  attempt_id: string;
  message_id: string;
  event_type: string;
  webhook_id: string;
  channel_kind: string;
  attempt: number;
  at: string;
  succeeded: boolean;
  status_code: number | null;
  latency_ms: number;
  response_body: string | null;
  error: string | null;
  delivery_status: string;
}

/**
 * The delivery queue on PostgreSQL. Workers in any number of processes claim
 * with `FOR UPDATE SKIP LOCKED`, so two never take the same job and none waits
 * on another's rows; a job whose lease expired is claimable again.
 */
export class PostgresDeliveryQueue implements DeliveryQueue {
  // Group commit (ADR 0013): publishes, and outcomes, made at the same moment share one statement.
  private readonly enqueues = new GroupCommit<EnqueueCall, EnqueueResult>((batch) => this.writeEnqueues(batch), { maxInFlight: 2 });
  private readonly records = new GroupCommit<RecordCall, boolean>((batch) => allOrEachAlone(batch, (calls) => recordMany(this.pool, calls)), {
    maxInFlight: 2,
  });
  private readonly enqueueListeners = new Set<() => void>();
  private stopListening: (() => void) | undefined;
  /** This queue's NOTIFY payload, so its own notifications (its listeners were called directly) are skipped. */
  private readonly sender = randomUUID();

  constructor(private readonly pool: Pool) {}

  async enqueue(message: AcceptedMessage, targets: readonly DeliveryTarget[], idempotency?: { key: string; expiresAt: string }) {
    return this.enqueues.submit({ message, targets, idempotency });
  }

  onEnqueued(listener: () => void): () => void {
    this.enqueueListeners.add(listener);
    // One LISTEN connection per process while anyone waits: other processes' publishes wake it too.
    this.stopListening ??= listenForJobsDue(this.pool, () => this.wakeListeners(), this.sender);
    return () => {
      this.enqueueListeners.delete(listener);
      if (this.enqueueListeners.size === 0) {
        this.stopListening?.();
        this.stopListening = undefined;
      }
    };
  }

  /** Every publish waiting in one statement (one round trip); the NOTIFY in it reaches other processes on commit. */
  private async writeEnqueues(batch: readonly EnqueueCall[]): Promise<Settled<EnqueueResult>[]> {
    const settled = await allOrEachAlone(batch, (calls) => enqueueMany(this.pool, calls, this.sender));
    // This process's own workers need not wait for the notification's round trip.
    if (settled.some((s, i) => s.ok && !s.value.duplicate && batch[i]!.targets.some((t) => !t.held))) this.wakeListeners();
    return settled;
  }

  private wakeListeners(): void {
    for (const listener of this.enqueueListeners) {
      try {
        listener();
      } catch {
        // a wake-up hint; the jobs are stored either way
      }
    }
  }

  async claim(options: ClaimOptions): Promise<readonly ClaimedDelivery[]> {
    // The domain's pickFairly (ADR 0014), leasing what it picks; claims take turns (CLAIM_LOCK) so
    // endpoint limits and pacing count what every other claim took.
    const client = await this.pool.connect();
    let result: { rows: (ClaimRow & PacedRow)[] };
    try {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`);
      // Named: planned once per connection (planning this statement costs about a millisecond).
      result = await client.query<ClaimRow & PacedRow>({ name: 'hookledger-fair-claim', text: FAIR_CLAIM_SQL, values: fairClaimParams(options) });
      const pacing = pacingAfter(result.rows, options.now);
      if (pacing.size > 0) await client.query(PACE_SQL, [options.now, [...pacing.keys()], [...pacing.values()]]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    return result.rows.map(toClaimedDelivery);
  }

  async hold(deliveryId: number, workerId: string): Promise<boolean> {
    const result = await this.pool.query(
      "UPDATE deliveries SET status = 'held', next_attempt_at = NULL, lease_until = NULL, leased_by = NULL, claims = 0 WHERE delivery_id = $1 AND status = 'leased' AND leased_by = $2",
      [deliveryId, workerId],
    );
    return result.rowCount === 1;
  }

  async cancel(deliveryId: number, workerId: string, outcome: { at: string; error: string }): Promise<boolean> {
    // One statement: the cancellation is written only while this worker holds the lease; logged like an attempt,
    // marked so it is neither a last_error nor part of a failure streak.
    const result = await this.pool.query(
      `WITH finished AS (
         UPDATE deliveries SET status = 'cancelled', attempts = attempts + 1, next_attempt_at = NULL, lease_until = NULL, leased_by = NULL, claims = 0
         WHERE delivery_id = $1 AND status = 'leased' AND leased_by = $2
         RETURNING delivery_id, attempts)
       INSERT INTO delivery_attempts (delivery_id, attempt, at, succeeded, status_code, latency_ms, response_body, error, cancelled)
       SELECT delivery_id, attempts, $3, false, NULL, 0, NULL, $4, true FROM finished`,
      [deliveryId, workerId, outcome.at, outcome.error],
    );
    return result.rowCount === 1;
  }

  async release(deliveryId: number, workerId: string): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE deliveries SET status = 'scheduled', next_attempt_at = coalesce(next_attempt_at, lease_until), lease_until = NULL, leased_by = NULL,
         claims = greatest(claims - 1, 0)
       WHERE delivery_id = $1 AND status = 'leased' AND leased_by = $2`,
      [deliveryId, workerId],
    );
    return result.rowCount === 1;
  }

  async record(deliveryId: number, workerId: string, attempt: AttemptRecord, next: NextStep): Promise<boolean> {
    return this.records.submit({ deliveryId, workerId, attempt, next });
  }

  async attempts(f: AttemptFilter): Promise<readonly DeliveryAttemptView[]> {
    // No payload (the message's data stays TOASTed, unread), and the texts cut to the log's limits.
    const result = await this.pool.query<AttemptRow>(
      `SELECT a.attempt_id, a.attempt, a.at, a.succeeded, a.status_code, a.latency_ms, left(a.response_body, $10) AS response_body, left(a.error, $11) AS error,
              d.message_id, d.webhook_id, d.channel_kind, d.status AS delivery_status, m.event_type
       FROM delivery_attempts a JOIN deliveries d ON d.delivery_id = a.delivery_id JOIN messages m ON m.message_id = d.message_id
       WHERE a.webhook_id = $2 AND d.organization_id = $1
         AND ($9::bigint IS NULL OR a.attempt_id < $9)
         AND ($3::boolean IS NULL OR a.succeeded = $3)
         AND ($4::text IS NULL OR d.channel_kind = $4)
         AND ($5::text IS NULL OR m.event_type = $5)
         AND ($6::text IS NULL OR a.at >= $6) AND ($7::text IS NULL OR a.at <= $7)
       ORDER BY a.attempt_id DESC LIMIT $8`,
      [
        f.organizationId,
        f.webhookId,
        f.status === undefined ? null : f.status === 'succeeded',
        f.channel ?? null,
        f.eventType ?? null,
        f.since ?? null,
        f.until ?? null,
        f.limit,
        f.before ?? null,
        ATTEMPT_TEXT_LIMITS.responseBody,
        ATTEMPT_TEXT_LIMITS.error,
      ],
    );
    return result.rows.map((r) => ({
      attemptId: Number(r.attempt_id),
      messageId: r.message_id,
      eventType: r.event_type,
      webhookId: r.webhook_id,
      channel: r.channel_kind,
      attempt: r.attempt,
      at: r.at,
      succeeded: r.succeeded,
      statusCode: r.status_code,
      latencyMs: r.latency_ms,
      responseBody: r.response_body ?? undefined,
      error: r.error ?? undefined,
      deliveryStatus: r.delivery_status,
    }));
  }

  async message(f: { organizationId: string; webhookId: string; messageId: string }): Promise<StoredMessage | undefined> {
    const result = await this.pool.query<{ message_id: string; event_type: string; accepted_at: string; data: string }>(
      `SELECT m.message_id, m.event_type, m.accepted_at, m.data FROM messages m
       WHERE m.message_id = $1 AND m.organization_id = $2
         AND EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.message_id AND d.webhook_id = $3)`,
      [f.messageId, f.organizationId, f.webhookId],
    );
    const row = result.rows[0];
    return row && { messageId: row.message_id, eventType: row.event_type, acceptedAt: row.accepted_at, dataJson: row.data };
  }

  async reschedule(f: { organizationId: string; webhookId: string; messageId?: string; since?: string; until?: string; now: number }): Promise<number> {
    const result = f.messageId
      ? // A job whose lease expired with no outcome is stranded, not being attempted: it may be retried too.
        await this.pool.query(
          `UPDATE deliveries SET status = 'scheduled', next_attempt_at = $1, lease_until = NULL, leased_by = NULL, claims = 0
           WHERE organization_id = $2 AND webhook_id = $3 AND message_id = $4 AND (status <> 'leased' OR lease_until <= $1)
             AND status <> 'cancelled'`,
          [f.now, f.organizationId, f.webhookId, f.messageId],
        )
      : await this.pool.query(
          `UPDATE deliveries SET status = 'scheduled', next_attempt_at = $1, claims = 0
           WHERE organization_id = $2 AND webhook_id = $3 AND status IN ('failed', 'held')
             AND message_id IN (SELECT message_id FROM messages WHERE accepted_at >= $4 AND ($5::text IS NULL OR accepted_at <= $5))`,
          [f.now, f.organizationId, f.webhookId, f.since ?? '', f.until ?? null],
        );
    return result.rowCount ?? 0;
  }

  async lastErrors(webhookIds: readonly string[]): Promise<ReadonlyMap<string, LastDeliveryError>> {
    if (webhookIds.length === 0) return new Map();
    // Kept when each failed attempt is recorded (migration 8): a primary-key lookup per webhook.
    const result = await this.pool.query<{ webhook_id: string; message: string | null; status_code: number | null; at: string; channel: string }>(
      'SELECT webhook_id, message, status_code, at, channel FROM webhook_last_errors WHERE webhook_id = ANY($1::text[])',
      [webhookIds],
    );
    return new Map(result.rows.map((r) => [r.webhook_id, { message: r.message ?? 'failed', channel: r.channel, statusCode: r.status_code, at: r.at }]));
  }

  async failureStreak(webhookId: string, after?: string) {
    // After the later of the last success and `after` (the webhook's last resume or channel change).
    const result = await this.pool.query<{ n: string; since: string | null }>(
      `SELECT count(*) AS n, min(a.at) AS since FROM delivery_attempts a JOIN deliveries d ON d.delivery_id = a.delivery_id
       WHERE d.webhook_id = $1 AND NOT a.succeeded AND NOT a.cancelled AND ($2::text IS NULL OR a.at >= $2) AND a.attempt_id > coalesce((
         SELECT max(a2.attempt_id) FROM delivery_attempts a2 JOIN deliveries d2 ON d2.delivery_id = a2.delivery_id
         WHERE d2.webhook_id = $1 AND a2.succeeded), 0)`,
      [webhookId, after ?? null],
    );
    return { count: Number(result.rows[0]!.n), since: result.rows[0]!.since ?? undefined };
  }

  async depth(now: number): Promise<{ pending: number; oldestDueMs: number }> {
    const result = await this.pool.query<{ n: string; oldest: string | null }>(
      "SELECT count(*) AS n, min(next_attempt_at) AS oldest FROM deliveries WHERE status IN ('scheduled', 'leased')",
    );
    const row = result.rows[0]!;
    return { pending: Number(row.n), oldestDueMs: row.oldest === null ? 0 : Math.max(0, now - Number(row.oldest)) };
  }
}
