import type { Logger } from 'pino';
import type { DeliveryObserver } from '../ports/delivery-observer.js';
import type { DeliveryMetrics } from '../ports/delivery-metrics.js';

/** Longest error text a log line carries. */
const LOGGED_ERROR_LIMIT = 1024;

/**
 * What the worker does with each attempt: count it, and log every one that failed once at
 * `warn`, with its identifiers, status and error only (no payload, header or secret reaches
 * the observation). Neither may throw into the worker.
 */
export const deliveryObserver =
  (metrics: Pick<DeliveryMetrics, 'observe'>, logger: Logger): DeliveryObserver =>
  (attempt) => {
    metrics.observe(attempt);
    // A cancelled job (its channel was removed) was not sent, so nothing failed.
    if (attempt.outcome === 'succeeded' || attempt.outcome === 'cancelled') return;
    try {
      logger.warn(
        {
          messageId: attempt.messageId,
          webhookId: attempt.webhookId,
          channel: attempt.channel,
          attempt: attempt.attempt,
          outcome: attempt.outcome,
          statusCode: attempt.statusCode,
          error: typeof attempt.error === 'string' ? attempt.error.slice(0, LOGGED_ERROR_LIMIT) : null,
        },
        'delivery attempt did not succeed',
      );
    } catch {
      // a log line is not worth a delivery
    }
  };
