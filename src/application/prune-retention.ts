import { type RetentionSettings, pruneCutoffs } from '../domain/retention/retention-rule.js';
import type { Clock } from '../ports/clock.js';
import type { PrunedRows, RetentionStore } from '../ports/retention-store.js';

export interface PruneDeps {
  readonly retention: RetentionStore;
  readonly clock: Clock;
}

export interface PruneOptions extends RetentionSettings {
  /** Rows of one kind deleted per transaction: small enough that a publish waiting on the store barely notices. */
  readonly batchSize: number;
  /** Batches per kind in one run; what is left waits for the next run. */
  readonly maxBatches: number;
  /** Between batches, so other work on the store (publishes, claims) goes first. */
  readonly yieldBetween?: () => Promise<void>;
}

/** What one run deleted, by kind, and whether it stopped with prunable rows left (at `maxBatches`). */
export interface PruneRun extends PrunedRows {
  readonly cutoffs: ReturnType<typeof pruneCutoffs>;
  readonly more: boolean;
}

/**
 * One retention run (ADR 0019): expired idempotency keys, then messages past retention with
 * their jobs and attempts, each in bounded batches until a batch comes back short. The cutoffs
 * are taken once, from the clock, at the start of the run. Never touches the event log.
 */
export const pruneExpired = async (deps: PruneDeps, options: PruneOptions): Promise<PruneRun> => {
  const cutoffs = pruneCutoffs(deps.clock.now(), options);
  const pause = options.yieldBetween ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  let idempotencyKeys = 0;
  let more = false;
  for (let batch = 0; ; batch++) {
    if (batch === options.maxBatches) {
      more = true;
      break;
    }
    const n = await deps.retention.pruneIdempotencyKeys(cutoffs, options.batchSize);
    idempotencyKeys += n;
    if (n < options.batchSize) break;
    await pause();
  }
  let messages = 0;
  let deliveries = 0;
  let attempts = 0;
  for (let batch = 0; ; batch++) {
    if (batch === options.maxBatches) {
      more = true;
      break;
    }
    const pruned = await deps.retention.pruneMessages(cutoffs, options.batchSize);
    messages += pruned.messages;
    deliveries += pruned.deliveries;
    attempts += pruned.attempts;
    if (pruned.messages < options.batchSize) break;
    await pause();
  }
  return { cutoffs, messages, deliveries, attempts, idempotencyKeys, more };
};
