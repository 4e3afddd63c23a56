import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DeliveryQueue } from '../../../ports/delivery-queue.js';

/**
 * Deliveries by channel and outcome, attempt latency, queue depth and the oldest pending age.
 * Nothing here throws into its caller: a value prom-client refuses is dropped, and a queue that
 * cannot be read keeps the gauges at their last value (readiness reports the store).
 */
export const createDeliveryMetrics = (queue: DeliveryQueue, now: () => number) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hookledger_' });
  const attempts = new Counter({
    name: 'hookledger_delivery_attempts_total',
    help: 'Delivery attempts by channel and outcome (succeeded, retry, final, gone, abandoned).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'hookledger_delivery_attempt_seconds',
    help: 'Duration of delivery attempts.',
    labelNames: ['channel'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'hookledger_delivery_queue_depth',
    help: 'Deliveries scheduled or being attempted.',
    registers: [registry],
    async collect() {
      const depth = await queue.depth(now()).catch(() => undefined);
      if (depth) this.set(depth.pending);
    },
  });
  new Gauge({
    name: 'hookledger_delivery_oldest_pending_seconds',
    help: 'How long the oldest due delivery has waited.',
    registers: [registry],
    async collect() {
      const depth = await queue.depth(now()).catch(() => undefined);
      if (depth) this.set(depth.oldestDueMs / 1000);
    },
  });
  return {
    observe: (channel: string, outcome: string, latencyMs: number) => {
      try {
        attempts.inc({ channel: String(channel), outcome: String(outcome) });
        if (Number.isFinite(latencyMs) && latencyMs >= 0) latency.observe({ channel: String(channel) }, latencyMs / 1000);
      } catch {
        // A metric is not worth a delivery: the worker calls this between sending and recording.
      }
    },
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
};
