import type { Database, Statement } from 'better-sqlite3';
import { UNFINISHED_JOB_STATUSES } from '../../../domain/retention/retention-rule.js';
import type { PruneCutoffs, PrunedRows, RetentionStore } from '../../../ports/retention-store.js';

const UNFINISHED = UNFINISHED_JOB_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * The retention rule (src/domain/retention/retention-rule.ts) in SQL: a message addressed to no
 * webhook goes once its key's window is over; one with jobs goes after the retention period
 * unless a job is still to be sent. Oldest first, over the accepted_at index (migration 16).
 */
const PRUNABLE_MESSAGES = `
  SELECT m.message_id FROM messages m
  WHERE m.accepted_at < @upper AND (
    (NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.message_id) AND m.accepted_at < @unaddressed)
    OR (EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.message_id)
        AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.message_id AND d.status IN (${UNFINISHED}))
        AND m.accepted_at < @retained))
  ORDER BY m.accepted_at LIMIT @limit`;

/** Deletes what retention allows on SQLite, one bounded IMMEDIATE transaction per batch (ADR 0019). */
export class SqliteRetentionStore implements RetentionStore {
  private readonly prunable: Statement;
  private readonly deleteAttempts: Statement;
  private readonly deleteDeliveries: Statement;
  private readonly deleteMessages: Statement;
  private readonly deleteKeys: Statement;

  constructor(private readonly db: Database) {
    this.prunable = db.prepare(PRUNABLE_MESSAGES).pluck();
    const ids = 'SELECT value FROM json_each(?)';
    this.deleteAttempts = db.prepare(`DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT delivery_id FROM deliveries WHERE message_id IN (${ids}))`);
    this.deleteDeliveries = db.prepare(`DELETE FROM deliveries WHERE message_id IN (${ids})`);
    this.deleteMessages = db.prepare(`DELETE FROM messages WHERE message_id IN (${ids})`);
    this.deleteKeys = db.prepare('DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE expires_at <= ? LIMIT ?)');
  }

  async pruneMessages(cutoffs: PruneCutoffs, limit: number): Promise<PrunedRows> {
    return this.db
      .transaction((): PrunedRows => {
        const upper = cutoffs.messagesAcceptedBefore > cutoffs.unaddressedAcceptedBefore ? cutoffs.messagesAcceptedBefore : cutoffs.unaddressedAcceptedBefore;
        const doomed = this.prunable.all({
          upper,
          unaddressed: cutoffs.unaddressedAcceptedBefore,
          retained: cutoffs.messagesAcceptedBefore,
          limit,
        }) as string[];
        if (doomed.length === 0) return { messages: 0, deliveries: 0, attempts: 0, idempotencyKeys: 0 };
        const list = JSON.stringify(doomed);
        const attempts = this.deleteAttempts.run(list).changes;
        const deliveries = this.deleteDeliveries.run(list).changes;
        const messages = this.deleteMessages.run(list).changes;
        return { messages, deliveries, attempts, idempotencyKeys: 0 };
      })
      .immediate();
  }

  async pruneIdempotencyKeys(cutoffs: PruneCutoffs, limit: number): Promise<number> {
    return this.deleteKeys.run(cutoffs.keysExpiredBy, limit).changes;
  }
}
