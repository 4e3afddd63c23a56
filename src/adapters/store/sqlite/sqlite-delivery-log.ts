import type { Database, Statement } from 'better-sqlite3';
import type { FailureStreak } from '../../../domain/index.js';
import type { AttemptFilter, DeliveryAttemptView, LastDeliveryError, StoredMessage } from '../../../ports/delivery-queue.js';
import { ATTEMPT_TEXT_LIMITS } from '../../../ports/delivery-queue.js';

/**
 * The delivery queue's reads and repairs (the delivery log, a message's payload, rescheduling,
 * last errors, failure streaks, depth), apart from the hot path's group commit (publish, claim,
 * outcome) in `sqlite-delivery-queue.ts`.
 */
export class SqliteDeliveryLog {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  /** Prepared once per SQL text: preparing costs more than running these small queries. */
  stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async attempts(f: AttemptFilter): Promise<readonly DeliveryAttemptView[]> {
    // No payload, and the texts cut to the log's limits: a page costs the same whatever the messages weigh.
    // (m.event_type comes before m.data in the row, so SQLite never reads a large message's overflow pages.)
    // The (webhook_id, attempt_id) index walks the page newest first: no sort of all the webhook's attempts.
    const rows = this.stmt(
      `SELECT a.attempt_id, a.attempt, a.at, a.succeeded, a.status_code, a.latency_ms,
                substr(a.response_body, 1, @bodyChars) AS response_body, substr(a.error, 1, @errorChars) AS error,
                d.message_id, d.webhook_id, json_extract(d.channel, '$.channel') AS channel_kind, d.status AS delivery_status, m.event_type
         FROM delivery_attempts a JOIN deliveries d ON d.delivery_id = a.delivery_id JOIN messages m ON m.message_id = d.message_id
         WHERE a.webhook_id = @webhook AND d.organization_id = @org
           AND (@before IS NULL OR a.attempt_id < @before)
           AND (@status IS NULL OR a.succeeded = @status)
           AND (@channel IS NULL OR json_extract(d.channel, '$.channel') = @channel)
           AND (@eventType IS NULL OR m.event_type = @eventType)
           AND (@since IS NULL OR a.at >= @since) AND (@until IS NULL OR a.at <= @until)
         ORDER BY a.attempt_id DESC LIMIT @limit`,
    ).all({
      org: f.organizationId,
      webhook: f.webhookId,
      before: f.before ?? null,
      status: f.status === undefined ? null : f.status === 'succeeded' ? 1 : 0,
      channel: f.channel ?? null,
      eventType: f.eventType ?? null,
      since: f.since ?? null,
      until: f.until ?? null,
      limit: f.limit,
      bodyChars: ATTEMPT_TEXT_LIMITS.responseBody,
      errorChars: ATTEMPT_TEXT_LIMITS.error,
    }) as Record<string, unknown>[];
    return rows.map((r) => ({
      attemptId: r.attempt_id as number,
      messageId: r.message_id as string,
      eventType: r.event_type as string,
      webhookId: r.webhook_id as string,
      channel: r.channel_kind as string,
      attempt: r.attempt as number,
      at: r.at as string,
      succeeded: r.succeeded === 1,
      statusCode: (r.status_code as number | null) ?? null,
      latencyMs: r.latency_ms as number,
      responseBody: (r.response_body as string | null) ?? undefined,
      error: (r.error as string | null) ?? undefined,
      deliveryStatus: r.delivery_status as string,
    }));
  }

  async message(f: { organizationId: string; webhookId: string; messageId: string }): Promise<StoredMessage | undefined> {
    const row = this.stmt(
      `SELECT m.message_id, m.event_type, m.accepted_at, m.data FROM messages m
       WHERE m.message_id = @message AND m.organization_id = @org
         AND EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.message_id AND d.webhook_id = @webhook)`,
    ).get({ message: f.messageId, org: f.organizationId, webhook: f.webhookId }) as
      { message_id: string; event_type: string; accepted_at: string; data: string } | undefined;
    return row && { messageId: row.message_id, eventType: row.event_type, acceptedAt: row.accepted_at, dataJson: row.data };
  }

  async reschedule(f: { organizationId: string; webhookId: string; messageId?: string; since?: string; until?: string; now: number }): Promise<number> {
    const sql = f.messageId
      ? // A job whose lease expired with no outcome is stranded, not being attempted: it may be retried too.
        `UPDATE deliveries SET status = 'scheduled', next_attempt_at = @now, lease_until = NULL, leased_by = NULL, claims = 0
         WHERE organization_id = @org AND webhook_id = @webhook AND message_id = @message AND (status != 'leased' OR lease_until <= @now)
           AND status != 'cancelled'`
      : `UPDATE deliveries SET status = 'scheduled', next_attempt_at = @now, claims = 0
         WHERE organization_id = @org AND webhook_id = @webhook AND status IN ('failed', 'held')
           AND message_id IN (SELECT message_id FROM messages WHERE accepted_at >= @since AND (@until IS NULL OR accepted_at <= @until))`;
    return this.stmt(sql).run({
      now: f.now,
      org: f.organizationId,
      webhook: f.webhookId,
      message: f.messageId ?? null,
      since: f.since ?? '',
      until: f.until ?? null,
    }).changes;
  }

  async lastErrors(webhookIds: readonly string[]): Promise<ReadonlyMap<string, LastDeliveryError>> {
    if (webhookIds.length === 0) return new Map();
    // Kept when each failed attempt is recorded (migration 12): one primary-key lookup per webhook.
    const rows = (
      webhookIds.length === 1
        ? this.stmt('SELECT webhook_id, message, status_code, at, channel FROM webhook_last_errors WHERE webhook_id = ?').all(webhookIds[0])
        : this.stmt('SELECT webhook_id, message, status_code, at, channel FROM webhook_last_errors WHERE webhook_id IN (SELECT value FROM json_each(?))').all(
            JSON.stringify(webhookIds),
          )
    ) as { webhook_id: string; message: string | null; status_code: number | null; at: string; channel: string }[];
    return new Map(rows.map((r) => [r.webhook_id, { message: r.message ?? 'failed', channel: r.channel, statusCode: r.status_code, at: r.at }]));
  }

  async failureStreak(webhookId: string, after?: string): Promise<FailureStreak> {
    // After the later of the last success and `after` (the webhook's last resume or channel change).
    const row = this.stmt(
      `SELECT count(*) AS n, min(a.at) AS since FROM delivery_attempts a JOIN deliveries d ON d.delivery_id = a.delivery_id
         WHERE d.webhook_id = @w AND a.succeeded = 0 AND a.cancelled = 0 AND (@after IS NULL OR a.at >= @after) AND a.attempt_id > coalesce((
           SELECT max(a2.attempt_id) FROM delivery_attempts a2 JOIN deliveries d2 ON d2.delivery_id = a2.delivery_id
           WHERE d2.webhook_id = @w AND a2.succeeded = 1), 0)`,
    ).get({ w: webhookId, after: after ?? null }) as { n: number; since: string | null };
    return { count: row.n, since: row.since ?? undefined };
  }

  async depth(now: number): Promise<{ pending: number; oldestDueMs: number }> {
    const row = this.stmt("SELECT count(*) AS n, min(next_attempt_at) AS oldest FROM deliveries WHERE status IN ('scheduled', 'leased')").get() as {
      n: number;
      oldest: number | null;
    };
    return { pending: row.n, oldestDueMs: row.oldest === null ? 0 : Math.max(0, now - row.oldest) };
  }
}
