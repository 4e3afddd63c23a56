import type { Database, Statement } from 'better-sqlite3';
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

interface ClaimRow {
  delivery_id: number;
  message_id: string;
  organization_id: string;
  webhook_id: string;
  webhook_name: string;
  channel_index: number;
  channel: string;
  attempts: number;
  claims: number;
  event_type: string;
  data: string;
  accepted_at: string;
}

export class SqliteDeliveryQueue implements DeliveryQueue {
  private readonly findKey: Statement<[string, string], { message_id: string; expires_at: string }>;
  private readonly saveKey: Statement;
  private readonly insertMessage: Statement;
  private readonly insertDelivery: Statement;
  private readonly due: Statement<[{ now: number; limit: number }], ClaimRow>;
  private readonly lease: Statement;
  private readonly insertAttempt: Statement;
  private readonly finish: Statement;

  private readonly statements = new Map<string, Statement>();

  /** Prepared once per SQL text: preparing costs more than running these small queries. */
  private stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  constructor(private readonly db: Database) {
    this.findKey = db.prepare('SELECT message_id, expires_at FROM idempotency_keys WHERE organization_id = ? AND key = ?');
    this.saveKey = db.prepare(
      `INSERT INTO idempotency_keys (organization_id, key, message_id, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (organization_id, key) DO UPDATE SET message_id = excluded.message_id, expires_at = excluded.expires_at`,
    );
    this.insertMessage = db.prepare('INSERT INTO messages (message_id, organization_id, event_type, data, accepted_at) VALUES (?, ?, ?, ?, ?)');
    this.insertDelivery = db.prepare(
      `INSERT INTO deliveries (message_id, organization_id, webhook_id, webhook_name, channel_index, channel, status, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Due jobs, and leased ones whose worker died (lease expired), oldest due first.
    this.due = db.prepare(
      `SELECT d.delivery_id, d.message_id, d.organization_id, d.webhook_id, d.webhook_name, d.channel_index, d.channel, d.attempts, d.claims,
              m.event_type, m.data, m.accepted_at
       FROM deliveries d JOIN messages m ON m.message_id = d.message_id
       WHERE (d.status = 'scheduled' AND d.next_attempt_at <= @now) OR (d.status = 'leased' AND d.lease_until <= @now)
       ORDER BY coalesce(d.next_attempt_at, d.lease_until) LIMIT @limit`,
    );
    this.lease = db.prepare("UPDATE deliveries SET status = 'leased', lease_until = ?, leased_by = ?, claims = claims + 1 WHERE delivery_id = ?");
    this.insertAttempt = db.prepare(
      `INSERT INTO delivery_attempts (delivery_id, attempt, at, succeeded, status_code, latency_ms, response_body, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.finish = db.prepare(
      `UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, lease_until = NULL, leased_by = NULL, claims = 0
       WHERE delivery_id = ? AND status = 'leased' AND leased_by = ?`,
    );
  }

  async enqueue(message: AcceptedMessage, targets: readonly DeliveryTarget[], idempotency?: { key: string; expiresAt: string }) {
    const data = JSON.stringify(message.data ?? null);
    const now = Date.parse(message.acceptedAt);
    return this.db
      .transaction(() => {
        if (idempotency) {
          const known = this.findKey.get(message.organizationId, idempotency.key);
          if (known && Date.parse(known.expires_at) > now) return { messageId: known.message_id, duplicate: true };
          this.saveKey.run(message.organizationId, idempotency.key, message.messageId, idempotency.expiresAt);
        }
        this.insertMessage.run(message.messageId, message.organizationId, message.eventType, data, message.acceptedAt);
        for (const t of targets) {
          const status = t.held ? 'held' : 'scheduled';
          this.insertDelivery.run(message.messageId, message.organizationId, t.webhookId, t.webhookName, t.channelIndex, JSON.stringify(t.channel), status, t.held ? null : now);
        }
        return { messageId: message.messageId, duplicate: false };
      })
      .immediate();
  }

  async claim(options: { workerId: string; now: number; leaseMs: number; limit: number }): Promise<readonly ClaimedDelivery[]> {
    return this.db
      .transaction(() => {
        const rows = this.due.all({ now: options.now, limit: options.limit });
        for (const r of rows) this.lease.run(options.now + options.leaseMs, options.workerId, r.delivery_id);
        return rows.map((r) => ({
          deliveryId: r.delivery_id,
          webhookId: r.webhook_id,
          webhookName: r.webhook_name,
          channelIndex: r.channel_index,
          channel: JSON.parse(r.channel) as Channel,
          attempts: r.attempts,
          claimsWithoutOutcome: r.claims,
          message: { messageId: r.message_id, organizationId: r.organization_id, eventType: r.event_type, data: JSON.parse(r.data) as unknown, acceptedAt: r.accepted_at },
        }));
      })
      .immediate();
  }

  async hold(deliveryId: number, workerId: string): Promise<boolean> {
    return (
      this.stmt(
        "UPDATE deliveries SET status = 'held', next_attempt_at = NULL, lease_until = NULL, leased_by = NULL, claims = 0 WHERE delivery_id = ? AND status = 'leased' AND leased_by = ?",
      ).run(deliveryId, workerId).changes === 1
    );
  }

  async release(deliveryId: number, workerId: string): Promise<boolean> {
    return (
      this.stmt(
        `UPDATE deliveries SET status = 'scheduled', next_attempt_at = coalesce(next_attempt_at, lease_until), lease_until = NULL, leased_by = NULL,
           claims = max(claims - 1, 0)
         WHERE delivery_id = ? AND status = 'leased' AND leased_by = ?`,
      ).run(deliveryId, workerId).changes === 1
    );
  }

  async record(deliveryId: number, workerId: string, attempt: AttemptRecord, next: NextStep): Promise<boolean> {
    return this.db
      .transaction(() => {
        const nextAt = next.status === 'scheduled' ? next.at : null;
        const updated = this.finish.run(next.status, nextAt, deliveryId, workerId).changes === 1;
        if (!updated) return false; // lease lost: the other worker's attempt counts
        const n = (this.stmt('SELECT attempts FROM deliveries WHERE delivery_id = ?').pluck().get(deliveryId) as number) ?? 0;
        this.insertAttempt.run(deliveryId, n, attempt.at, attempt.succeeded ? 1 : 0, attempt.statusCode, attempt.latencyMs, attempt.responseBody ?? null, attempt.error ?? null);
        return true;
      })
      .immediate();
  }

  async attempts(f: AttemptFilter): Promise<readonly DeliveryAttemptView[]> {
    const rows = this.stmt(
        `SELECT a.*, d.message_id, d.webhook_id, d.channel, d.status AS delivery_status, m.event_type, m.data
         FROM delivery_attempts a JOIN deliveries d ON d.delivery_id = a.delivery_id JOIN messages m ON m.message_id = d.message_id
         WHERE d.organization_id = @org AND d.webhook_id = @webhook
           AND (@status IS NULL OR a.succeeded = @status)
           AND (@channel IS NULL OR json_extract(d.channel, '$.channel') = @channel)
           AND (@eventType IS NULL OR m.event_type = @eventType)
           AND (@since IS NULL OR a.at >= @since) AND (@until IS NULL OR a.at <= @until)
         ORDER BY a.attempt_id DESC LIMIT @limit`,
      ).all({
        org: f.organizationId,
        webhook: f.webhookId,
        status: f.status === undefined ? null : f.status === 'succeeded' ? 1 : 0,
        channel: f.channel ?? null,
        eventType: f.eventType ?? null,
        since: f.since ?? null,
        until: f.until ?? null,
        limit: f.limit,
      }) as (Record<string, unknown> & { channel: string })[];
    return rows.map((r) => ({
      messageId: r.message_id as string,
      eventType: r.event_type as string,
      data: JSON.parse(r.data as string) as unknown,
      webhookId: r.webhook_id as string,
      channel: (JSON.parse(r.channel) as Channel).channel,
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

  async reschedule(f: { organizationId: string; webhookId: string; messageId?: string; since?: string; until?: string; now: number }): Promise<number> {
    const sql = f.messageId
      ? // A job whose lease expired with no outcome is stranded, not being attempted: it may be retried too.
        `UPDATE deliveries SET status = 'scheduled', next_attempt_at = @now, lease_until = NULL, leased_by = NULL, claims = 0
         WHERE organization_id = @org AND webhook_id = @webhook AND message_id = @message AND (status != 'leased' OR lease_until <= @now)`
      : `UPDATE deliveries SET status = 'scheduled', next_attempt_at = @now, claims = 0
         WHERE organization_id = @org AND webhook_id = @webhook AND status IN ('failed', 'held')
           AND message_id IN (SELECT message_id FROM messages WHERE accepted_at >= @since AND (@until IS NULL OR accepted_at <= @until))`;
    return this.stmt(sql).run({ now: f.now, org: f.organizationId, webhook: f.webhookId, message: f.messageId ?? null, since: f.since ?? '', until: f.until ?? null }).changes;
  }

  async lastErrors(webhookIds: readonly string[]): Promise<ReadonlyMap<string, LastDeliveryError>> {
    if (webhookIds.length === 0) return new Map();
    const rows = this.stmt(
      `SELECT webhook_id, error, status_code, at, channel FROM (
         SELECT d.webhook_id, a.error, a.status_code, a.at, json_extract(d.channel, '$.channel') AS channel,
                row_number() OVER (PARTITION BY d.webhook_id ORDER BY a.attempt_id DESC) AS rn
         FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.delivery_id
         WHERE d.webhook_id IN (SELECT value FROM json_each(?)) AND a.succeeded = 0)
       WHERE rn = 1`,
    ).all(JSON.stringify(webhookIds)) as { webhook_id: string; error: string | null; status_code: number | null; at: string; channel: string }[];
    return new Map(rows.map((r) => [r.webhook_id, { message: r.error ?? 'failed', channel: r.channel, statusCode: r.status_code, at: r.at }]));
  }

  async failureStreak(webhookId: string) {
    const row = this.stmt(
        `SELECT count(*) AS n, min(a.at) AS since FROM delivery_attempts a JOIN deliveries d ON d.delivery_id = a.delivery_id
         WHERE d.webhook_id = @w AND a.succeeded = 0 AND a.attempt_id > coalesce((
           SELECT max(a2.attempt_id) FROM delivery_attempts a2 JOIN deliveries d2 ON d2.delivery_id = a2.delivery_id
           WHERE d2.webhook_id = @w AND a2.succeeded = 1), 0)`,
      ).get({ w: webhookId }) as { n: number; since: string | null };
    return { count: row.n, since: row.since ?? undefined };
  }

  async depth(now: number): Promise<{ pending: number; oldestDueMs: number }> {
    const row = this.stmt("SELECT count(*) AS n, min(next_attempt_at) AS oldest FROM deliveries WHERE status IN ('scheduled', 'leased')").get() as { n: number; oldest: number | null };
    return { pending: row.n, oldestDueMs: row.oldest === null ? 0 : Math.max(0, now - row.oldest) };
  }
}
