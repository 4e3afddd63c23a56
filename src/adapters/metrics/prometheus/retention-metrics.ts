import { Counter, Registry } from 'prom-client';
import type { DeliveryMetrics } from '../../../ports/delivery-metrics.js';

export const PRUNED_KINDS = ['messages', 'deliveries', 'attempts', 'idempotency_keys'] as const;
export type PrunedKind = (typeof PRUNED_KINDS)[number];

export interface RetentionMetrics {
  countPruned(kind: PrunedKind, rows: number): void;
  /** Prometheus text of the retention counters. */
  text(): Promise<string>;
}

/** `hookledger_retention_pruned_rows_total{kind}`: rows the retention loop deleted (ADR 0019). */
export const createRetentionMetrics = (): RetentionMetrics => {
  const registry = new Registry();
  const pruned = new Counter({
    name: 'hookledger_retention_pruned_rows_total',
    help: 'Rows deleted by the retention loop, by kind: messages (payloads), deliveries, attempts, idempotency_keys. The event log is never pruned.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  for (const kind of PRUNED_KINDS) pruned.inc({ kind }, 0); // every kind shows from the start, at 0
  return {
    countPruned: (kind, rows) => {
      try {
        if (rows > 0) pruned.inc({ kind }, rows);
      } catch {
        // a metric is not worth a pruning run
      }
    },
    text: () => registry.metrics(),
  };
};

/** The delivery metrics with the retention counters appended to what they render (one /metrics page). */
export const withRetentionMetrics = (metrics: DeliveryMetrics, retention: RetentionMetrics): DeliveryMetrics => ({
  observe: (attempt) => metrics.observe(attempt),
  countAccepted: () => metrics.countAccepted(),
  render: async () => {
    const rendered = await metrics.render();
    return { ...rendered, body: `${rendered.body.replace(/\n*$/, '\n')}${await retention.text()}` };
  },
});
