import type { Pool } from 'pg';
import type { Channel } from '../../../domain/index.js';
import type {
  AcceptedMessage,
  AttemptFilter,
  AttemptRecord,
  ClaimedDelivery,
  DeliveryAttemptView,
  DeliveryQueue,
  DeliveryTarget,
  LastDeliveryError,
  NextStep,
} from '../../../ports/delivery-queue.js';
import { inTransaction } from './transaction.js';

interface ClaimRow {
  delivery_id: string;
  message_id: string;
  organization_id: string;
  webhook_id: string;
  webhook_name: string;
  channel_index: number;
  channel: string;
  attempts: number;
  /** Claims before this one that ended without an outcome. */
  claims: number;
  event_type: string;
  data: string;
  accepted_at: string;
}

interface AttemptRow {
  message_id: string;
  event_type: string;
  data: string;
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
  constructor(private readonly pool: Pool) {}

  async enqueue(message: AcceptedMessage, targets: readonly DeliveryTarget[], idempotency?: { key: string; expiresAt: string }) {
    const now = Date.parse(message.acceptedAt);
    return inTransaction(this.pool, async (client) => {
      if (idempotency) {
        // Claims the key unless a live one exists; the row lock makes a concurrent second request wait and then see the first.
        const claimed = await client.query(
          `INSERT INTO idempotency_keys (organization_id, key, message_id, expires_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (organization_id, key) DO UPDATE SET message_id = excluded.message_id, expires_at = excluded.expires_at
             WHERE idempotency_keys.expires_at <= $5`,
          [message.organizationId, idempotency.key, message.messageId, idempotency.expiresAt, message.acceptedAt],
        );
        if (claimed.rowCount === 0) {
          const known = await client.query<{ message_id: string }>('SELECT message_id FROM idempotency_keys WHERE organization_id = $1 AND key = $2', [
            message.organizationId,
            idempotency.key,
          ]);
          return { messageId: known.rows[0]!.message_id, duplicate: true };
        }
      }
      await client.query('INSERT INTO messages (message_id, organization_id, event_type, data, accepted_at) VALUES ($1, $2, $3, $4, $5)', [
        message.messageId,
        message.organizationId,
        message.eventType,
        JSON.stringify(message.data ?? null),
        message.acceptedAt,
      ]);
      if (targets.length > 0) {
        await client.query(
          `INSERT INTO deliveries (message_id, organization_id, webhook_id, webhook_name, channel_index, channel_kind, channel, status, next_attempt_at)
           SELECT $1, $2, t.webhook_id, t.webhook_name, t.channel_index, t.channel_kind, t.channel,
                  CASE WHEN t.held THEN 'held' ELSE 'scheduled' END, CASE WHEN t.held THEN NULL ELSE $3::bigint END
           FROM unnest($4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::boolean[]) AS t(webhook_id, webhook_name, channel_index, channel_kind, channel, held)`,
          [
            message.messageId,
            message.organizationId,
            now,
            targets.map((t) => t.webhookId),
            targets.map((t) => t.webhookName),
            targets.map((t) => t.channelIndex),
            targets.map((t) => t.channel.channel),
            targets.map((t) => JSON.stringify(t.channel)),
            targets.map((t) => t.held === true),
          ],
        );
      }
      return { messageId: message.messageId, duplicate: false };
    });
  }

  async claim(options: { workerId: string; now: number; leaseMs: number; limit: number }): Promise<readonly ClaimedDelivery[]> {
    // Due jobs, and leased ones whose worker died (lease expired), oldest first; rows another worker is claiming are skipped.
    const result = await this.pool.query<ClaimRow>(
      `WITH due AS (
         SELECT delivery_id, coalesce(next_attempt_at, lease_until) AS due_at FROM deliveries
         WHERE (status = 'scheduled' AND next_attempt_at <= $1) OR (status = 'leased' AND lease_until <= $1)
         ORDER BY due_at, delivery_id LIMIT $2
         FOR UPDATE SKIP LOCKED),
       leased AS (
         UPDATE deliveries d SET status = 'leased', lease_until = $3, leased_by = $4, claims = d.claims + 1
         FROM due WHERE d.delivery_id = due.delivery_id
         RETURNING d.*, due.due_at)
       SELECT l.delivery_id, l.message_id, l.organization_id, l.webhook_id, l.webhook_name, l.channel_index, l.channel, l.attempts,
              l.claims - 1 AS claims, m.event_type, m.data, m.accepted_at
       FROM leased l JOIN messages m ON m.message_id = l.message_id
       ORDER BY l.due_at, l.delivery_id`,
      [options.now, options.limit, options.now + options.leaseMs, options.workerId],
    );
    return result.rows.map((r) => ({
      deliveryId: Number(r.delivery_id),
      webhookId: r.webhook_id,
      webhookName: r.webhook_name,
      channelIndex: r.channel_index,
      channel: JSON.parse(r.channel) as Channel,
      attempts: r.attempts,
      claimsWithoutOutcome: r.claims,
      message: { messageId: r.message_id, organizationId: r.organization_id, eventType: r.event_type, data: JSON.parse(r.data) as unknown, acceptedAt: r.accepted_at },
    }));
  }

  async hold(deliveryId: number, workerId: string): Promise<boolean> {
    const result = await this.pool.query(
      "UPDATE deliveries SET status = 'held', next_attempt_at = NULL, lease_until = NULL, leased_by = NULL, claims = 0 WHERE delivery_id = $1 AND status = 'leased' AND leased_by = $2",
      [deliveryId, workerId],
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
    // One statement: the attempt is written only if this worker still holds the lease.
    const result = await this.pool.query(
      `WITH finished AS (
         UPDATE deliveries SET status = $1, attempts = attempts + 1, next_attempt_at = $2, lease_until = NULL, leased_by = NULL, claims = 0
         WHERE delivery_id = $3 AND status = 'leased' AND leased_by = $4
         RETURNING delivery_id, attempts)
       INSERT INTO delivery_attempts (delivery_id, attempt, at, succeeded, status_code, latency_ms, response_body, error)
       SELECT delivery_id, attempts, $5, $6, $7, $8, $9, $10 FROM finished`,
      [
        next.status,
        next.status === 'scheduled' ? next.at : null,
        deliveryId,
        workerId,
        attempt.at,
        attempt.succeeded,
        attempt.statusCode,
        attempt.latencyMs,
        attempt.responseBody ?? null,
        attempt.error ?? null,
      ],
    );
    return result.rowCount === 1;
  }

  async attempts(f: AttemptFilter): Promise<readonly DeliveryAttemptView[]> {
    const result = await this.pool.query<AttemptRow>(
      `SELECT a.attempt, a.at, a.succeeded, a.status_code, a.latency_ms, a.response_body, a.error,
              d.message_id, d.webhook_id, d.channel_kind, d.status AS delivery_status, m.event_type, m.data
       FROM delivery_attempts a JOIN deliveries d ON d.delivery_id = a.delivery_id JOIN messages m ON m.message_id = d.message_id
       WHERE d.organization_id = $1 AND d.webhook_id = $2
         AND ($3::boolean IS NULL OR a.succeeded = $3)
         AND ($4::text IS NULL OR d.channel_kind = $4)
         AND ($5::text IS NULL OR m.event_type = $5)
         AND ($6::text IS NULL OR a.at >= $6) AND ($7::text IS NULL OR a.at <= $7)
       ORDER BY a.attempt_id DESC LIMIT $8`,
      [f.organizationId, f.webhookId, f.status === undefined ? null : f.status === 'succeeded', f.channel ?? null, f.eventType ?? null, f.since ?? null, f.until ?? null, f.limit],
    );
    return result.rows.map((r) => ({
      messageId: r.message_id,
      eventType: r.event_type,
      data: JSON.parse(r.data) as unknown,
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

  async reschedule(f: { organizationId: string; webhookId: string; messageId?: string; since?: string; until?: string; now: number }): Promise<number> {
    const result = f.messageId
      ? // A job whose lease expired with no outcome is stranded, not being attempted: it may be retried too.
        await this.pool.query(
          `UPDATE deliveries SET status = 'scheduled', next_attempt_at = $1, lease_until = NULL, leased_by = NULL, claims = 0
           WHERE organization_id = $2 AND webhook_id = $3 AND message_id = $4 AND (status <> 'leased' OR lease_until <= $1)`,
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
    const result = await this.pool.query<{ webhook_id: string; error: string | null; status_code: number | null; at: string; channel_kind: string }>(
      `SELECT DISTINCT ON (d.webhook_id) d.webhook_id, a.error, a.status_code, a.at, d.channel_kind
       FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.delivery_id
       WHERE d.webhook_id = ANY($1::text[]) AND NOT a.succeeded
       ORDER BY d.webhook_id, a.attempt_id DESC`,
      [webhookIds],
    );
    return new Map(result.rows.map((r) => [r.webhook_id, { message: r.error ?? 'failed', channel: r.channel_kind, statusCode: r.status_code, at: r.at }]));
  }

  async failureStreak(webhookId: string) {
    const result = await this.pool.query<{ n: string; since: string | null }>(
      `SELECT count(*) AS n, min(a.at) AS since FROM delivery_attempts a JOIN deliveries d ON d.delivery_id = a.delivery_id
       WHERE d.webhook_id = $1 AND NOT a.succeeded AND a.attempt_id > coalesce((
         SELECT max(a2.attempt_id) FROM delivery_attempts a2 JOIN deliveries d2 ON d2.delivery_id = a2.delivery_id
         WHERE d2.webhook_id = $1 AND a2.succeeded), 0)`,
      [webhookId],
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
