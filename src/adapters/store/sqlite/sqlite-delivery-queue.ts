import type { Database, Statement } from 'better-sqlite3';
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
import { type ClaimRow, type PacedRow, pacingAfter, toClaimedDelivery } from '../../shared/fair-claim.js';
import { GroupCommit, type Settled, settle } from '../../shared/group-commit.js';
import { FAIR_CLAIM_SQL, PACE_SQL, fairClaimParams } from './fair-claim.js';

interface EnqueueCall {
  readonly message: AcceptedMessage;
  readonly targets: readonly DeliveryTarget[];
  readonly idempotency: { readonly key: string; readonly expiresAt: string } | undefined;
}
interface EnqueueResult {
  messageId: string;
  duplicate: boolean;
}
interface RecordCall {
  readonly deliveryId: number;
  readonly workerId: string;
  readonly attempt: AttemptRecord;
  readonly next: NextStep;
}

export class SqliteDeliveryQueue implements DeliveryQueue {
  private readonly findKey: Statement<[string, string], { message_id: string; expires_at: string }>;
  private readonly saveKey: Statement;
  private readonly insertMessage: Statement;
  private readonly insertDelivery: Statement;
  private readonly due: Statement<[ReturnType<typeof fairClaimParams>], ClaimRow & PacedRow>;
  private readonly lease: Statement;
  private readonly insertAttempt: Statement;
  private readonly finish: Statement;
  private readonly keepLastError: Statement;

  private readonly statements = new Map<string, Statement>();
  // Group commit (ADR 0013): the writes of one loop turn (publishes, claims, outcomes) share one transaction and its fsync.
  private readonly writes = new GroupCommit<() => unknown, unknown>((batch) => this.writeBatch(batch));
  private readonly enqueueListeners = new Set<() => void>();
  /** Set by a publish with due jobs in the batch being written; the listeners hear of it once it committed. */
  private jobsDue = false;

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
      `INSERT INTO deliveries (message_id, organization_id, webhook_id, webhook_name, channel_index, channel, status, next_attempt_at, channel_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Due jobs, and leased ones whose worker died (lease expired): the domain's pickFairly (ADR 0014).
    this.due = db.prepare(FAIR_CLAIM_SQL);
    this.lease = db.prepare("UPDATE deliveries SET status = 'leased', lease_until = ?, leased_by = ?, claims = claims + 1 WHERE delivery_id = ?");
    this.insertAttempt = db.prepare(
      `INSERT INTO delivery_attempts (delivery_id, attempt, at, succeeded, status_code, latency_ms, response_body, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.finish = db.prepare(
      `UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, lease_until = NULL, leased_by = NULL, claims = 0
       WHERE delivery_id = ? AND status = 'leased' AND leased_by = ?
       RETURNING attempts, webhook_id, json_extract(channel, '$.channel') AS channel_kind`,
    );
    // The latest failed attempt (by attempt_id) is the webhook's last_error; a success leaves it.
    this.keepLastError = db.prepare(
      `INSERT INTO webhook_last_errors (webhook_id, attempt_id, message, channel, status_code, at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (webhook_id) DO UPDATE SET attempt_id = excluded.attempt_id, message = excluded.message, channel = excluded.channel,
         status_code = excluded.status_code, at = excluded.at
       WHERE excluded.attempt_id > webhook_last_errors.attempt_id`,
    );
  }

  async enqueue(message: AcceptedMessage, targets: readonly DeliveryTarget[], idempotency?: { key: string; expiresAt: string }) {
    return this.write(() => this.storeMessage({ message, targets, idempotency }));
  }

  onEnqueued(listener: () => void): () => void {
    this.enqueueListeners.add(listener);
    return () => void this.enqueueListeners.delete(listener);
  }

  /** Runs `work` in the next group commit, in a savepoint of its own; resolves once that committed. */
  private write<T>(work: () => T): Promise<T> {
    return this.writes.submit(work) as Promise<T>;
  }

  /**
   * Every write of one loop turn in one IMMEDIATE transaction, each in a savepoint, so one whose
   * own rows fail is rolled back and rejected alone. When SQLite ends the whole transaction
   * itself (disk full, I/O error), nothing after it may run outside it: the batch fails.
   */
  private writeBatch(batch: readonly (() => unknown)[]): Settled<unknown>[] {
    const one = this.db.transaction((work: () => unknown) => work());
    this.jobsDue = false;
    const settled = this.db
      .transaction(() =>
        batch.map((work) => {
          const s = settle(() => one(work));
          if (!s.ok && !this.db.inTransaction) throw s.error;
          return s;
        }),
      )
      .immediate();
    if (this.jobsDue) {
      for (const listener of this.enqueueListeners) {
        try {
          listener();
        } catch {
          // a wake-up hint; the jobs are stored either way
        }
      }
    }
    return settled;
  }

  private storeMessage({ message, targets, idempotency }: EnqueueCall): EnqueueResult {
    const data = JSON.stringify(message.data ?? null);
    const now = Date.parse(message.acceptedAt);
    if (idempotency) {
      const known = this.findKey.get(message.organizationId, idempotency.key);
      if (known && Date.parse(known.expires_at) > now) return { messageId: known.message_id, duplicate: true };
      this.saveKey.run(message.organizationId, idempotency.key, message.messageId, idempotency.expiresAt);
    }
    this.insertMessage.run(message.messageId, message.organizationId, message.eventType, data, message.acceptedAt);
    for (const t of targets) {
      const status = t.held ? 'held' : 'scheduled';
      this.jobsDue ||= !t.held;
      this.insertDelivery.run(message.messageId, message.organizationId, t.webhookId, t.webhookName, t.channelIndex, JSON.stringify(t.channel), status, t.held ? null : now, t.channelId);
    }
    return { messageId: message.messageId, duplicate: false };
  }

  async claim(options: ClaimOptions): Promise<readonly ClaimedDelivery[]> {
    return this.write(() => {
      const rows = this.due.all(fairClaimParams(options));
      for (const r of rows) this.lease.run(options.now + options.leaseMs, options.workerId, r.delivery_id);
      this.pace(pacingAfter(rows, options.now), options.now);
      return rows.map(toClaimedDelivery);
    });
  }

  /** Stores rate-limited endpoints' pacing after a claim (in its transaction, so every process paces them together). */
  private pace(pacing: ReadonlyMap<string, number>, now: number): void {
    if (pacing.size === 0) return;
    this.stmt(PACE_SQL.prune).run(now);
    for (const [endpoint, pacedUntil] of pacing) this.stmt(PACE_SQL.upsert).run(endpoint, pacedUntil);
  }

  async hold(deliveryId: number, workerId: string): Promise<boolean> {
    return (
      this.stmt(
        "UPDATE deliveries SET status = 'held', next_attempt_at = NULL, lease_until = NULL, leased_by = NULL, claims = 0 WHERE delivery_id = ? AND status = 'leased' AND leased_by = ?",
      ).run(deliveryId, workerId).changes === 1
    );
  }

  async cancel(deliveryId: number, workerId: string, outcome: { at: string; error: string }): Promise<boolean> {
    return this.db
      .transaction(() => {
        const finished = this.stmt(
          `UPDATE deliveries SET status = 'cancelled', attempts = attempts + 1, next_attempt_at = NULL, lease_until = NULL, leased_by = NULL, claims = 0
           WHERE delivery_id = ? AND status = 'leased' AND leased_by = ? RETURNING attempts`,
        ).get(deliveryId, workerId) as { attempts: number } | undefined;
        if (!finished) return false;
        // Shown in the delivery log like an attempt, marked so it is neither a last_error nor part of a failure streak.
        this.stmt(
          `INSERT INTO delivery_attempts (delivery_id, attempt, at, succeeded, status_code, latency_ms, response_body, error, cancelled)
           VALUES (?, ?, ?, 0, NULL, 0, NULL, ?, 1)`,
        ).run(deliveryId, finished.attempts, outcome.at, outcome.error);
        return true;
      })
      .immediate();
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
    return this.write(() => this.storeOutcome({ deliveryId, workerId, attempt, next }));
  }

  /** One outcome, inside its batch's transaction: the attempt is written only while this worker holds the lease. */
  private storeOutcome({ deliveryId, workerId, attempt, next }: RecordCall): boolean {
    const nextAt = next.status === 'scheduled' ? next.at : null;
    const finished = this.finish.get(next.status, nextAt, deliveryId, workerId) as { attempts: number; webhook_id: string; channel_kind: string | null } | undefined;
    if (!finished) return false; // lease lost: the other worker's attempt counts
    const { lastInsertRowid } = this.insertAttempt.run(
      deliveryId, finished.attempts, attempt.at, attempt.succeeded ? 1 : 0, attempt.statusCode, attempt.latencyMs, attempt.responseBody ?? null, attempt.error ?? null,
    );
    if (!attempt.succeeded) this.keepLastError.run(finished.webhook_id, lastInsertRowid, attempt.error ?? null, finished.channel_kind, attempt.statusCode, attempt.at);
    return true;
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
      | { message_id: string; event_type: string; accepted_at: string; data: string }
      | undefined;
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
    return this.stmt(sql).run({ now: f.now, org: f.organizationId, webhook: f.webhookId, message: f.messageId ?? null, since: f.since ?? '', until: f.until ?? null }).changes;
  }

  async lastErrors(webhookIds: readonly string[]): Promise<ReadonlyMap<string, LastDeliveryError>> {
    if (webhookIds.length === 0) return new Map();
    // Kept when each failed attempt is recorded (migration 12): one primary-key lookup per webhook.
    const rows = (
      webhookIds.length === 1
        ? this.stmt('SELECT webhook_id, message, status_code, at, channel FROM webhook_last_errors WHERE webhook_id = ?').all(webhookIds[0])
        : this.stmt('SELECT webhook_id, message, status_code, at, channel FROM webhook_last_errors WHERE webhook_id IN (SELECT value FROM json_each(?))').all(JSON.stringify(webhookIds))
    ) as { webhook_id: string; message: string | null; status_code: number | null; at: string; channel: string }[];
    return new Map(rows.map((r) => [r.webhook_id, { message: r.message ?? 'failed', channel: r.channel, statusCode: r.status_code, at: r.at }]));
  }

  async failureStreak(webhookId: string, after?: string) {
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
    const row = this.stmt("SELECT count(*) AS n, min(next_attempt_at) AS oldest FROM deliveries WHERE status IN ('scheduled', 'leased')").get() as { n: number; oldest: number | null };
    return { pending: row.n, oldestDueMs: row.oldest === null ? 0 : Math.max(0, now - row.oldest) };
  }
}
