import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AttemptObservation } from '../../../ports/delivery-observer.js';
import type { DeliveryMetrics } from '../../../ports/delivery-metrics.js';
import type { DeliveryQueue } from '../../../ports/delivery-queue.js';
import type { HttpRequestDurations } from './http-metrics.js';

/** Seconds from acceptance to a receiver's 2xx: milliseconds when all is well, hours when retries ran. */
const PUBLISH_TO_SUCCESS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 6 * 3600, 24 * 3600];

/**
 * Accepted events; attempts by channel kind and outcome; attempt latency; publish-to-success
 * latency; queue depth and the oldest pending age. Names follow Prometheus conventions (counters
 * end in `_total`, units in base units). Nothing here throws into its caller: a value
 * prom-client refuses is dropped, and a queue that cannot be read keeps the gauges at their
 * last value (readiness reports the store).
 */
export const createDeliveryMetrics = (
  queue: DeliveryQueue,
  now: () => number,
  options: { readonly logLinesDropped?: () => number; readonly httpRequests?: HttpRequestDurations | undefined } = {},
): DeliveryMetrics => {
  const registry = new Registry();
  const { logLinesDropped } = options;
  // The HTTP request histogram of this process's API (or ops server), rendered with the rest.
  if (options.httpRequests) registry.registerMetric(options.httpRequests as unknown as Parameters<Registry['registerMetric']>[0]);
  if (logLinesDropped) {
    new Counter({
      name: 'hookledger_log_lines_dropped_total',
      help: 'Log lines dropped because the log reader (stdout) did not keep up and the bounded buffer was full.',
      registers: [registry],
      collect() {
        const total = logLinesDropped();
        this.reset();
        if (total > 0) this.inc(total);
      },
    });
  }
  collectDefaultMetrics({ register: registry, prefix: 'hookledger_' });
  // Gauges named like counters (promtool refuses them); `…_nodejs_active_handles{type}` and its kin give the same by type.
  for (const name of ['active_handles', 'active_requests', 'active_resources']) registry.removeSingleMetric(`hookledger_nodejs_${name}_total`);
  const accepted = new Counter({
    name: 'hookledger_events_accepted_total',
    help: 'Events accepted by POST /v1/events (idempotent repeats not counted).',
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'hookledger_delivery_attempts_total',
    help: 'Delivery attempts by channel kind and outcome: succeeded, retry, exhausted (retryable, no attempt left), final, gone, abandoned, cancelled.',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'hookledger_delivery_attempt_seconds',
    help: 'Duration of delivery attempts, by channel kind.',
    labelNames: ['channel'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const publishToSuccess = new Histogram({
    name: 'hookledger_delivery_publish_to_success_seconds',
    help: 'From an event’s acceptance to the successful attempt of one of its deliveries, by channel kind (retries included).',
    labelNames: ['channel'] as const,
    buckets: PUBLISH_TO_SUCCESS_BUCKETS,
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
  const seconds = (ms: unknown): number | undefined => (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms / 1000 : undefined);
  return {
    observe: (attempt: AttemptObservation): void => {
      try {
        const channel = String(attempt.channel);
        attempts.inc({ channel, outcome: String(attempt.outcome) });
        const took = seconds(attempt.latencyMs);
        if (took !== undefined) latency.observe({ channel }, took);
        const sinceAccepted = seconds(attempt.sinceAcceptedMs);
        if (attempt.outcome === 'succeeded' && sinceAccepted !== undefined) publishToSuccess.observe({ channel }, sinceAccepted);
      } catch {
        // A metric is not worth a delivery: the worker calls this between sending and recording.
      }
    },
    countAccepted: (): void => {
      try {
        accepted.inc();
      } catch {
        // nor an accepted event
      }
    },
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
};
