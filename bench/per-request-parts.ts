import { Histogram, Registry } from 'prom-client';
import { pino } from 'pino';
import { accessLog } from '../src/adapters/http/koa/access-log.js';
import { HttpRequestDurations } from '../src/adapters/metrics/prometheus/http-metrics.js';
import type { Comparison } from './support.js';

const N = 200_000;
const perCall = (run: (i: number) => void): number => {
  for (let i = 0; i < 20_000; i++) run(i);
  const started = performance.now();
  for (let i = 0; i < N; i++) run(i);
  return ((performance.now() - started) * 1000) / N;
};

/**
 * What two per-request parts cost in process (ADR 0022), each beside what it replaced: the access
 * line built as one string vs pino's `info(fields, msg)` (same logger, same bytes, a destination
 * that only counts), and the HTTP histogram's observe vs prom-client's Histogram with labels.
 */
export const perRequestParts = (): Comparison[] => {
  let bytes = 0;
  const logger = pino(
    { level: 'info', base: { service: 'hookledger' }, redact: { paths: ['key'], censor: '[redacted]' } },
    { write: (line: string) => (bytes += line.length) },
  );
  const child = logger.child({}, { redact: { paths: [] } });
  const line = accessLog(logger);
  const path = '/v1/organizations/webhooks/wh_0123456789abcdefghijklmn';
  const requestId = 'b7a9c1e2-1111-2222-3333-444455556666';
  const ours = perCall((i) => line(requestId, 'GET', path, 200, i / 1000));
  const theirs = perCall((i) => child.info({ requestId, method: 'GET', path, status: 200, ms: i / 1000 }, 'request'));
  const durations = new HttpRequestDurations();
  const histogram = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['method', 'route', 'status'], registers: [new Registry()] });
  const route = '/v1/organizations/webhooks/{webhook_id}';
  const observe = perCall((i) => durations.observe('GET', route, 200, i / 1e7));
  const promObserve = perCall((i) => histogram.observe({ method: 'GET', route, status: '200' }, i / 1e7));
  if (bytes === 0) throw new Error('nothing was logged');
  return [
    { name: 'access line, in process', unit: 'µs/line', ours, baseline: theirs, baselineName: 'pino info(fields, msg)', higherIsBetter: false },
    {
      name: 'HTTP histogram observe, in process',
      unit: 'µs/call',
      ours: observe,
      baseline: promObserve,
      baselineName: 'prom-client Histogram with labels',
      higherIsBetter: false,
    },
  ];
};
