import type { Pool } from 'pg';
import type { AcceptedMessage, AttemptRecord, DeliveryTarget, NextStep } from '../../../ports/delivery-queue.js';

/** NOTIFY channel of new due jobs, committed with them: workers in other processes LISTEN on it (ADR 0013). */
export const JOBS_DUE_CHANNEL = 'hookledger_jobs_due';

export interface EnqueueCall {
  readonly message: AcceptedMessage;
  readonly targets: readonly DeliveryTarget[];
  readonly idempotency: { readonly key: string; readonly expiresAt: string } | undefined;
}
export interface EnqueueResult {
  messageId: string;
  duplicate: boolean;
}
export interface RecordCall {
  readonly deliveryId: number;
  readonly workerId: string;
  readonly attempt: AttemptRecord;
  readonly next: NextStep;
}

// One statement, so one round trip and atomic without BEGIN/COMMIT. A key is claimed unless a
// live one exists (the row lock makes a concurrent claimer wait, then see it); a message is
// written only if it has no key or claimed it; its jobs only with it.
const ENQUEUE_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
      AS i(message_id, organization_id, event_type, data, accepted_at, key, expires_at)),
  claimed AS (
    INSERT INTO idempotency_keys (organization_id, key, message_id, expires_at)
    SELECT organization_id, key, message_id, expires_at FROM input WHERE key IS NOT NULL
    ON CONFLICT (organization_id, key) DO UPDATE SET message_id = excluded.message_id, expires_at = excluded.expires_at
      WHERE idempotency_keys.expires_at <= (SELECT i.accepted_at FROM input i WHERE i.message_id = excluded.message_id)
    RETURNING message_id),
  accepted AS (
    INSERT INTO messages (message_id, organization_id, event_type, data, accepted_at)
    SELECT message_id, organization_id, event_type, data, accepted_at FROM input
    WHERE key IS NULL OR message_id IN (SELECT message_id FROM claimed)
    RETURNING message_id),
  jobs AS (
    INSERT INTO deliveries (message_id, organization_id, webhook_id, webhook_name, channel_index, channel_kind, channel, status, next_attempt_at, channel_id)
    SELECT t.message_id, t.organization_id, t.webhook_id, t.webhook_name, t.channel_index, t.channel_kind, t.channel,
           CASE WHEN t.held THEN 'held' ELSE 'scheduled' END, CASE WHEN t.held THEN NULL ELSE t.due_at END, t.channel_id
    FROM unnest($8::text[], $9::text[], $10::text[], $11::text[], $12::int[], $13::text[], $14::text[], $15::boolean[], $16::bigint[], $18::text[])
      AS t(message_id, organization_id, webhook_id, webhook_name, channel_index, channel_kind, channel, held, due_at, channel_id)
    WHERE t.message_id IN (SELECT message_id FROM accepted)
    RETURNING status)
  SELECT (SELECT array_agg(message_id) FROM accepted) AS accepted,
         (SELECT pg_notify($17, $19) WHERE EXISTS (SELECT 1 FROM jobs WHERE status = 'scheduled')) IS NULL AS quiet`;

const keyOf = (c: EnqueueCall) => `${c.message.organizationId}\u0000${c.idempotency?.key}`;

/**
 * Stores many publishes at once (throws if the statement fails: then nothing was written), and
 * their results in order. A key repeated within the batch answers as its first call does, as
 * if that call had committed first. The NOTIFY of due jobs carries `sender` as its payload.
 */
export const enqueueMany = async (pool: Pool, calls: readonly EnqueueCall[], sender = ''): Promise<EnqueueResult[]> => {
  const firstWithKey = new Map<string, number>();
  const repeatOf = calls.map((c, i) => {
    if (!c.idempotency) return undefined;
    const first = firstWithKey.get(keyOf(c));
    if (first === undefined) firstWithKey.set(keyOf(c), i);
    return first;
  });
  const written = calls.filter((_, i) => repeatOf[i] === undefined);
  const jobs = written.flatMap((c) => c.targets.map((t) => ({ m: c.message, t })));
  const result = await pool.query<{ accepted: string[] | null }>(ENQUEUE_SQL, [
    written.map((c) => c.message.messageId),
    written.map((c) => c.message.organizationId),
    written.map((c) => c.message.eventType),
    written.map((c) => JSON.stringify(c.message.data ?? null)),
    written.map((c) => c.message.acceptedAt),
    written.map((c) => c.idempotency?.key ?? null),
    written.map((c) => c.idempotency?.expiresAt ?? null),
    jobs.map(({ m }) => m.messageId),
    jobs.map(({ m }) => m.organizationId),
    jobs.map(({ t }) => t.webhookId),
    jobs.map(({ t }) => t.webhookName),
    jobs.map(({ t }) => t.channelIndex),
    jobs.map(({ t }) => t.channel.channel),
    jobs.map(({ t }) => JSON.stringify(t.channel)),
    jobs.map(({ t }) => t.held === true),
    jobs.map(({ m }) => Date.parse(m.acceptedAt)),
    JOBS_DUE_CHANNEL,
    jobs.map(({ t }) => t.channelId),
    sender, // the notification's payload: the sending process wakes its own workers directly and skips it
  ]);
  const accepted = new Set(result.rows[0]?.accepted ?? []);
  // Keys found live: the message each was first given (committed: the claim waited for its writer).
  const refused = written.filter((c) => !accepted.has(c.message.messageId));
  const known = new Map<string, string>();
  if (refused.length > 0) {
    const rows = await pool.query<{ organization_id: string; key: string; message_id: string }>(
      'SELECT organization_id, key, message_id FROM idempotency_keys WHERE (organization_id, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
      [refused.map((c) => c.message.organizationId), refused.map((c) => c.idempotency!.key)],
    );
    for (const r of rows.rows) known.set(`${r.organization_id}\u0000${r.key}`, r.message_id);
  }
  const own = (c: EnqueueCall): EnqueueResult => {
    if (accepted.has(c.message.messageId)) return { messageId: c.message.messageId, duplicate: false };
    const first = known.get(keyOf(c));
    if (first === undefined) throw new Error('an idempotency key was refused but its message is gone');
    return { messageId: first, duplicate: true };
  };
  const results = written.map(own);
  const byMessage = new Map(written.map((c, i) => [c.message.messageId, results[i]!]));
  return calls.map((c, i) => {
    const first = repeatOf[i];
    return first === undefined
      ? byMessage.get(c.message.messageId)!
      : { messageId: byMessage.get(calls[first]!.message.messageId)!.messageId, duplicate: true };
  });
};

// One statement: each attempt is written only if its worker still holds the job's lease. A failed
// attempt becomes its webhook's last_error unless a later one (higher attempt_id) already is; one row
// per webhook, since one statement may not upsert a row twice, taken in webhook order.
const RECORD_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::boolean[], $7::int[], $8::float8[], $9::text[], $10::text[])
      AS i(delivery_id, worker_id, status, next_at, at, succeeded, status_code, latency_ms, response_body, error)),
  finished AS (
    UPDATE deliveries d SET status = i.status, attempts = d.attempts + 1, next_attempt_at = i.next_at, lease_until = NULL, leased_by = NULL, claims = 0
    FROM input i WHERE d.delivery_id = i.delivery_id AND d.status = 'leased' AND d.leased_by = i.worker_id
    RETURNING d.delivery_id, d.attempts, d.webhook_id, d.channel_kind),
  attempted AS (
    INSERT INTO delivery_attempts (delivery_id, attempt, at, succeeded, status_code, latency_ms, response_body, error)
    SELECT f.delivery_id, f.attempts, i.at, i.succeeded, i.status_code, i.latency_ms, i.response_body, i.error
    FROM finished f JOIN input i ON i.delivery_id = f.delivery_id
    RETURNING attempt_id, delivery_id, succeeded, error, status_code, at),
  last_errors AS (
    INSERT INTO webhook_last_errors (webhook_id, attempt_id, message, channel, status_code, at)
    SELECT DISTINCT ON (f.webhook_id) f.webhook_id, a.attempt_id, a.error, f.channel_kind, a.status_code, a.at
    FROM attempted a JOIN finished f ON f.delivery_id = a.delivery_id
    WHERE NOT a.succeeded
    ORDER BY f.webhook_id, a.attempt_id DESC
    ON CONFLICT (webhook_id) DO UPDATE SET attempt_id = excluded.attempt_id, message = excluded.message, channel = excluded.channel,
      status_code = excluded.status_code, at = excluded.at
    WHERE excluded.attempt_id > webhook_last_errors.attempt_id)
  SELECT delivery_id FROM attempted`;

/** Records many outcomes at once; per call, whether its worker still held the lease (false: nothing written for it). */
export const recordMany = async (pool: Pool, calls: readonly RecordCall[]): Promise<boolean[]> => {
  // One job twice in a batch (two workers sharing this process) would be one UPDATE with two inputs: the repeat goes after.
  const seen = new Set<number>();
  const first = calls.map((c) => !seen.has(c.deliveryId) && seen.add(c.deliveryId) !== undefined);
  const now = calls.filter((_, i) => first[i]);
  const later = calls.filter((_, i) => !first[i]);
  const result = await pool.query<{ delivery_id: string }>(RECORD_SQL, [
    now.map((c) => c.deliveryId),
    now.map((c) => c.workerId),
    now.map((c) => c.next.status),
    now.map((c) => (c.next.status === 'scheduled' ? c.next.at : null)),
    now.map((c) => c.attempt.at),
    now.map((c) => c.attempt.succeeded),
    now.map((c) => c.attempt.statusCode),
    now.map((c) => c.attempt.latencyMs),
    now.map((c) => c.attempt.responseBody ?? null),
    now.map((c) => c.attempt.error ?? null),
  ]);
  const recorded = new Set(result.rows.map((r) => Number(r.delivery_id)));
  const laterResults = later.length > 0 ? await recordMany(pool, later) : [];
  let k = 0;
  return calls.map((c, i) => (first[i] ? recorded.has(c.deliveryId) : laterResults[k++]!));
};
