import type { Database, Statement } from 'better-sqlite3';
import type { DueJob, FailureStreak } from '../../../domain/index.js';
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
import type { StoredMessage } from '../../../ports/delivery-queue.js';
import { type ClaimRow, toClaimedDelivery } from '../../shared/storage/fair-claim.js';
import { type HeadRow, type LiveRow, decide, gatherScheduled, planReads } from '../../shared/storage/fair-claim-plan.js';
import { CLAIM_SQL, PACE_SQL, claimReadParams } from './fair-claim.js';
import { SqliteDeliveryLog } from './sqlite-delivery-log.js';
import { SqliteGroupCommit } from './sqlite-group-commit.js';

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
  private readonly claimReads: {
    heads: Statement<[ReturnType<typeof claimReadParams>], HeadRow>;
    stale: Statement<[ReturnType<typeof claimReadParams>], HeadRow>;
    live: Statement<[ReturnType<typeof claimReadParams>], LiveRow>;
    paced: Statement<[number], { endpoint: string; paced_until: number }>;
    endpointDue: Statement<[{ endpoint: string; now: number; n: number }], [number, number]>;
    endpointDueAfter: Statement<[{ endpoint: string; now: number; n: number; dueAt: number; id: number }], [number, number]>;
    rows: Statement<[string], ClaimRow>;
  };
  private readonly lease: Statement<[{ ids: string; now: number; leaseUntil: number; worker: string }], { delivery_id: number }>;
  private readonly insertAttempt: Statement;
  private readonly finish: Statement;
  private readonly keepLastError: Statement;

  private readonly log: SqliteDeliveryLog;
  // Group commit (ADR 0013): the writes of one loop turn share one transaction (and one fsync, off the loop).
  private readonly batches: SqliteGroupCommit;

  private stmt(sql: string): Statement {
    return this.log.stmt(sql);
  }

  constructor(private readonly db: Database) {
    this.log = new SqliteDeliveryLog(db);
    this.batches = new SqliteGroupCommit(db);
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
    this.claimReads = {
      heads: db.prepare(CLAIM_SQL.heads),
      stale: db.prepare(CLAIM_SQL.stale),
      live: db.prepare(CLAIM_SQL.live),
      paced: db.prepare(CLAIM_SQL.paced),
      endpointDue: db.prepare<[{ endpoint: string; now: number; n: number }], [number, number]>(CLAIM_SQL.endpointDue).raw(),
      endpointDueAfter: db
        .prepare<[{ endpoint: string; now: number; n: number; dueAt: number; id: number }], [number, number]>(CLAIM_SQL.endpointDueAfter)
        .raw(),
      rows: db.prepare(CLAIM_SQL.rows),
    };
    this.lease = db.prepare(CLAIM_SQL.lease);
    this.insertAttempt = db.prepare(
      // webhook_id given here, so the trigger that fills it for other writers (migration 9) does not run an UPDATE per attempt.
      `INSERT INTO delivery_attempts (delivery_id, attempt, at, succeeded, status_code, latency_ms, response_body, error, webhook_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    return this.write(() => this.storeMessage({ message, targets, idempotency }), true);
  }

  onEnqueued(listener: () => void): () => void {
    return this.batches.onJobsDue(listener);
  }

  private write<T>(work: () => T, durable = false): Promise<T> {
    return this.batches.write(work, durable);
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
      if (!t.held) this.batches.markJobsDue();
      this.insertDelivery.run(
        message.messageId,
        message.organizationId,
        t.webhookId,
        t.webhookName,
        t.channelIndex,
        JSON.stringify(t.channel),
        status,
        t.held ? null : now,
        t.channelId,
      );
    }
    return { messageId: message.messageId, duplicate: false };
  }

  async claim(options: ClaimOptions): Promise<readonly ClaimedDelivery[]> {
    const claimed = await this.write(() => this.claimNow(options));
    // A job is sent only once its publish is durable (its fsync may still be running).
    if (claimed.length > 0) await this.batches.durable();
    return claimed;
  }

  /** Reads what decides the claim, lets the domain pick (ADR 0014), and leases the picked jobs: all in one transaction. */
  private claimNow(options: ClaimOptions): ClaimedDelivery[] {
    const q = this.claimReads;
    const params = claimReadParams(options);
    const paced = new Map(q.paced.all(options.now).map((p) => [p.endpoint, p.paced_until]));
    const plan = planReads(options, { heads: q.heads.all(params), stale: q.stale.all(params), live: q.live.all(params), paced });
    if (plan.reads.size === 0) return [];
    const scheduled = gatherScheduled(plan, (endpoint, organizationId, after, n) => {
      const rows = after
        ? q.endpointDueAfter.all({ endpoint, now: options.now, n, dueAt: after.dueAt, id: after.id })
        : q.endpointDue.all({ endpoint, now: options.now, n });
      return rows.map(([id, dueAt]): DueJob => ({ id, organizationId, endpoint, dueAt }));
    });
    const pick = decide(options, plan, scheduled);
    if (pick.jobs.length === 0) return [];
    const picked = JSON.stringify(pick.jobs.map((j) => j.id));
    const leaseUntil = options.now + options.leaseMs;
    const leased = new Set(this.lease.all({ ids: picked, now: options.now, leaseUntil, worker: options.workerId }).map((r) => r.delivery_id));
    this.pace(pick.paced, options.now);
    return q.rows.all(JSON.stringify(pick.jobs.filter((j) => leased.has(j.id)).map((j) => j.id))).map(toClaimedDelivery);
  }

  /** Stores rate-limited endpoints' pacing after a claim (in its transaction, so every process paces them together). */
  private pace(pacing: ReadonlyMap<string, number>, now: number): void {
    if (pacing.size === 0) return;
    this.stmt(PACE_SQL.prune).run(now);
    for (const [endpoint, pacedUntil] of pacing) this.stmt(PACE_SQL.upsert).run(endpoint, pacedUntil);
  }

  async hold(deliveryId: number, workerId: string): Promise<boolean> {
    return this.write(
      () =>
        this.stmt(
          "UPDATE deliveries SET status = 'held', next_attempt_at = NULL, lease_until = NULL, leased_by = NULL, claims = 0 WHERE delivery_id = ? AND status = 'leased' AND leased_by = ?",
        ).run(deliveryId, workerId).changes === 1,
    );
  }

  async cancel(deliveryId: number, workerId: string, outcome: { at: string; error: string }): Promise<boolean> {
    return this.write(() => {
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
    });
  }

  async release(deliveryId: number, workerId: string): Promise<boolean> {
    return this.write(
      () =>
        this.stmt(
          `UPDATE deliveries SET status = 'scheduled', next_attempt_at = coalesce(next_attempt_at, lease_until), lease_until = NULL, leased_by = NULL,
             claims = max(claims - 1, 0)
           WHERE delivery_id = ? AND status = 'leased' AND leased_by = ?`,
        ).run(deliveryId, workerId).changes === 1,
    );
  }

  async record(deliveryId: number, workerId: string, attempt: AttemptRecord, next: NextStep): Promise<boolean> {
    return this.write(() => this.storeOutcome({ deliveryId, workerId, attempt, next }));
  }

  /** One outcome, inside its batch's transaction: the attempt is written only while this worker holds the lease. */
  private storeOutcome({ deliveryId, workerId, attempt, next }: RecordCall): boolean {
    const nextAt = next.status === 'scheduled' ? next.at : null;
    const finished = this.finish.get(next.status, nextAt, deliveryId, workerId) as
      { attempts: number; webhook_id: string; channel_kind: string | null } | undefined;
    if (!finished) return false; // lease lost: the other worker's attempt counts
    const { lastInsertRowid } = this.insertAttempt.run(
      deliveryId,
      finished.attempts,
      attempt.at,
      attempt.succeeded ? 1 : 0,
      attempt.statusCode,
      attempt.latencyMs,
      attempt.responseBody ?? null,
      attempt.error ?? null,
      finished.webhook_id,
    );
    if (!attempt.succeeded)
      this.keepLastError.run(finished.webhook_id, lastInsertRowid, attempt.error ?? null, finished.channel_kind, attempt.statusCode, attempt.at);
    return true;
  }

  attempts(f: AttemptFilter): Promise<readonly DeliveryAttemptView[]> {
    return this.log.attempts(f);
  }

  message(f: { organizationId: string; webhookId: string; messageId: string }): Promise<StoredMessage | undefined> {
    return this.log.message(f);
  }

  reschedule(f: { organizationId: string; webhookId: string; messageId?: string; since?: string; until?: string; now: number }): Promise<number> {
    return this.log.reschedule(f);
  }

  lastErrors(webhookIds: readonly string[]): Promise<ReadonlyMap<string, LastDeliveryError>> {
    return this.log.lastErrors(webhookIds);
  }

  failureStreak(webhookId: string, after?: string): Promise<FailureStreak> {
    return this.log.failureStreak(webhookId, after);
  }

  depth(now: number): Promise<{ pending: number; oldestDueMs: number }> {
    return this.log.depth(now);
  }
}
