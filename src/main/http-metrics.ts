import type { Container } from 'inversify';
import { HttpRequestDurations } from '../adapters/metrics/prometheus/http-metrics.js';

const byContainer = new WeakMap<Container, HttpRequestDurations>();

/** The HTTP request duration histogram of this process (API or worker ops server), rendered on its /metrics. */
export const httpRequestsOf = (c: Container): HttpRequestDurations => {
  let histogram = byContainer.get(c);
  if (!histogram) byContainer.set(c, (histogram = new HttpRequestDurations()));
  return histogram;
};

/** `observeRequest` for createHttpApp. */
export const observeRequestsOf = (c: Container) => {
  const histogram = httpRequestsOf(c);
  return (method: string, route: string, status: number, seconds: number) => histogram.observe(method, route, status, seconds);
};
