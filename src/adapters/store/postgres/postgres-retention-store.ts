import type { Pool } from 'pg';
import { UNFINISHED_JOB_STATUSES } from '../../../domain/retention/retention-rule.js';
import type { PruneCutoffs, PrunedRows, RetentionStore } from '../../../ports/retention-store.js';

const UNFINISHED = UNFINISHED_JOB_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * The retention rule (src/domain/retention/retention-rule.ts) in one statement, so one batch is
 * one short transaction. Messages others are deleting are skipped (SKIP LOCKED); a job
 * rescheduled meanwhile is left alone, and its message's delete then fails the batch (retried
 * next run) rather than lose work. Foreign keys are checked at the end of the statement.
 */
const PRUNE_MESSAGES_SQL = `
  WITH doomed AS (
    SELECT m.message_id FROM messages m
    WHERE m.accepted_at < $1 AND (
      (NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.message_id) AND m.accepted_at < $2)
      OR (EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.message_id)
          AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.message_id AND d.status IN (${UNFINISHED}))
          AND m.accepted_at < $3))
    ORDER BY m.accepted_at LIMIT $4
    FOR UPDATE SKIP LOCKED),
  jobs AS (
    SELECT delivery_id FROM deliveries WHERE message_id IN (SELECT message_id FROM doomed) AND status NOT IN (${UNFINISHED}) FOR UPDATE),
  attempts AS (DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT delivery_id FROM jobs) RETURNING 1),
  removed_jobs AS (DELETE FROM deliveries WHERE delivery_id IN (SELECT delivery_id FROM jobs) RETURNING 1),
  removed AS (DELETE FROM messages WHERE message_id IN (SELECT message_id FROM doomed) RETURNING 1)
  SELECT (SELECT count(*) FROM removed)::int AS messages, (SELECT count(*) FROM removed_jobs)::int AS deliveries,
         (SELECT count(*) FROM attempts)::int AS attempts`;

const PRUNE_KEYS_SQL = `
  DELETE FROM idempotency_keys WHERE (organization_id, key) IN (
    SELECT organization_id, key FROM idempotency_keys WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`;

/** Deletes what retention allows on PostgreSQL, a bounded batch per statement (ADR 0019). */
export class PostgresRetentionStore implements RetentionStore {
  constructor(private readonly pool: Pool) {}

  async pruneMessages(cutoffs: PruneCutoffs, limit: number): Promise<PrunedRows> {
    const upper = cutoffs.messagesAcceptedBefore > cutoffs.unaddressedAcceptedBefore ? cutoffs.messagesAcceptedBefore : cutoffs.unaddressedAcceptedBefore;
    const result = await this.pool.query<{ messages: number; deliveries: number; attempts: number }>(PRUNE_MESSAGES_SQL, [
      upper,
      cutoffs.unaddressedAcceptedBefore,
      cutoffs.messagesAcceptedBefore,
      limit,
    ]);
    const row = result.rows[0]!;
    return { messages: row.messages, deliveries: row.deliveries, attempts: row.attempts, idempotencyKeys: 0 };
  }

  async pruneIdempotencyKeys(cutoffs: PruneCutoffs, limit: number): Promise<number> {
    return (await this.pool.query(PRUNE_KEYS_SQL, [cutoffs.keysExpiredBy, limit])).rowCount ?? 0;
  }
}
