import type { PruneCutoffs } from '../domain/retention/retention-rule.js';

export type { PruneCutoffs } from '../domain/retention/retention-rule.js';

/** Rows one pruning batch deleted, by kind. */
export interface PrunedRows {
  readonly messages: number;
  readonly deliveries: number;
  readonly attempts: number;
  readonly idempotencyKeys: number;
}

/**
 * Deletes what the retention rule (`isPrunableMessage`, `isPrunableKey`) allows, a bounded batch
 * per call and per transaction, so a run never holds the store for long. Never touches the event log.
 */
export interface RetentionStore {
  /** At most `limit` prunable messages, with their jobs and attempts. */
  pruneMessages(cutoffs: PruneCutoffs, limit: number): Promise<PrunedRows>;
  /** At most `limit` expired idempotency keys. */
  pruneIdempotencyKeys(cutoffs: PruneCutoffs, limit: number): Promise<number>;
}
