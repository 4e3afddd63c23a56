import type { Logger } from 'pino';
import { type PruneDeps, type PruneOptions, type PruneRun, pruneExpired } from '../application/prune-retention.js';
import type { PrunedKind } from '../adapters/metrics/prometheus/retention-metrics.js';

export interface RetentionLoopOptions {
  readonly deps: PruneDeps;
  readonly prune: PruneOptions;
  /** Between runs that found nothing more to prune. */
  readonly intervalMs: number;
  /** When a run stopped at `maxBatches` with rows left: the next starts sooner. */
  readonly catchUpMs?: number;
  readonly countPruned?: (kind: PrunedKind, rows: number) => void;
}

export interface RunningRetention {
  /** Waits for a run in progress, then stops. */
  stop(): Promise<void>;
}

/**
 * Prunes what retention allows (ADR 0019) in the worker: a run at start, then one every
 * `intervalMs`. Each run is batched (bounded deletes per transaction, the loop yielding between
 * them), logs one line and counts the rows by kind. A failing run is logged and the next one
 * tries again: retention never stops deliveries.
 */
export const startRetentionLoop = (options: RetentionLoopOptions, logger: Logger): RunningRetention => {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const runOnce = async (): Promise<PruneRun | undefined> => {
    const started = Date.now();
    try {
      const run = await pruneExpired(options.deps, options.prune);
      const count = options.countPruned ?? (() => undefined);
      count('messages', run.messages);
      count('deliveries', run.deliveries);
      count('attempts', run.attempts);
      count('idempotency_keys', run.idempotencyKeys);
      logger.info(
        {
          retention: { messages: run.messages, deliveries: run.deliveries, attempts: run.attempts, idempotencyKeys: run.idempotencyKeys },
          messagesAcceptedBefore: run.cutoffs.messagesAcceptedBefore,
          more: run.more,
          ms: Date.now() - started,
        },
        'retention run',
      );
      return run;
    } catch (error) {
      logger.error({ err: error, ms: Date.now() - started }, 'retention run failed; the next run tries again');
      return undefined;
    }
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().then((run) => schedule(run?.more ? (options.catchUpMs ?? 1000) : options.intervalMs));
    }, ms);
    timer.unref();
  };
  schedule(0);

  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
};
