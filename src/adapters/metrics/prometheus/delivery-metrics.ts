import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DeliveryQueue } from '../../../ports/delivery-queue.js';

/** Deliveries by channel and outcome, attempt latency, queue depth and the oldest pending age. */
export const createDeliveryMetrics = (queue: DeliveryQueue, now: () => number) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hookledger_' });
  const attempts = new Counter({
    name: 'hookledger_delivery_attempts_total',
    help: 'Delivery attempts by channel and outcome (succeeded, retry, final, gone).',
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
      this.set((await queue.depth(now())).pending);
    },
  });
  new Gauge({
    name: 'hookledger_delivery_oldest_pending_seconds',
    help: 'How long the oldest due delivery has waited.',
    registers: [registry],
    async collect() {
      this.set((await queue.depth(now())).oldestDueMs / 1000);
    },
  });
  return {
    observe: (channel: string, outcome: string, latencyMs: number) => {
      attempts.inc({ channel, outcome });
      latency.observe({ channel }, latencyMs / 1000);
    },
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
};
