import type { Container } from 'inversify';
import { type RetentionMetrics, createRetentionMetrics, withRetentionMetrics } from '../adapters/metrics/prometheus/retention-metrics.js';
import { PostgresRetentionStore } from '../adapters/store/postgres/postgres-retention-store.js';
import { SqliteRetentionStore } from '../adapters/store/sqlite/sqlite-retention-store.js';
import { IDEMPOTENCY_WINDOW_MS } from '../application/publish-event.js';
import { retentionSettingsProblem } from '../domain/retention/retention-rule.js';
import type { DeliveryMetrics } from '../ports/delivery-metrics.js';
import type { RetentionLoopOptions } from './retention-loop.js';
import { TOKENS } from './tokens.js';

const HOUR_MS = 60 * 60 * 1000;
/**
 * Rows of one kind per delete transaction, and batches per kind and run (ADR 0019). On SQLite a
 * batch of 100 messages (with a job and an attempt each, 2 KB payloads) took 8 ms median, 500 took 28 ms.
 */
const BATCH_SIZE = 100;
const MAX_BATCHES = 500;

const metricsByContainer = new WeakMap<Container, RetentionMetrics>();

/** The retention counters of this process, rendered with the delivery metrics on /metrics. */
export const retentionMetricsOf = (c: Container): RetentionMetrics => {
  let metrics = metricsByContainer.get(c);
  if (!metrics) metricsByContainer.set(c, (metrics = createRetentionMetrics()));
  return metrics;
};

/**
 * What the worker's retention loop needs, from HOOKLEDGER_RETENTION_DAYS and the store the
 * queue lives in; undefined where the queue keeps nothing past the process (memory:).
 * Throws on a setting that cannot be right, so the process stops at start and says why.
 */
export const retentionLoopOptions = (c: Container): RetentionLoopOptions | undefined => {
  const config = c.get(TOKENS.Config);
  const settings = { retentionDays: config.retentionDays, idempotencyWindowMs: IDEMPOTENCY_WINDOW_MS };
  const problem = retentionSettingsProblem(settings);
  if (problem) throw new Error(`HOOKLEDGER_RETENTION_DAYS: ${problem}`);
  const retention = c.isBound(TOKENS.Postgres)
    ? new PostgresRetentionStore(c.get(TOKENS.Postgres))
    : c.isBound(TOKENS.Sqlite)
      ? new SqliteRetentionStore(c.get(TOKENS.Sqlite))
      : undefined;
  if (!retention) return undefined;
  const metrics = retentionMetricsOf(c);
  return {
    deps: { retention, clock: c.get(TOKENS.Clock) },
    prune: { ...settings, batchSize: BATCH_SIZE, maxBatches: MAX_BATCHES },
    intervalMs: HOUR_MS,
    countPruned: (kind, rows) => metrics.countPruned(kind, rows),
  };
};

/** The delivery metrics of this container with its retention counters on the same page. */
export const withRetentionCounters = (c: Container, metrics: DeliveryMetrics): DeliveryMetrics => withRetentionMetrics(metrics, retentionMetricsOf(c));
