import type { AttemptObservation } from './delivery-observer.js';

/** Counters of the delivery engine and the API, rendered for a scraper (Prometheus text). */
export interface DeliveryMetrics {
  observe(attempt: AttemptObservation): void;
  /** An accepted event (not an idempotent repeat); must not throw. */
  countAccepted(): void;
  render(): Promise<{ contentType: string; body: string }>;
}
