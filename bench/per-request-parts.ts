import { createHash } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type Koa from 'koa';
import { Histogram, Registry } from 'prom-client';
import { pino } from 'pino';
import { accessLog } from '../src/adapters/http/koa/access-log.js';
import { LeanKoa, setTextBody } from '../src/adapters/http/koa/lean-koa.js';
import { CryptoKeyMaterial } from '../src/adapters/ids/crypto/crypto-key-material.js';
import { HttpRequestDurations } from '../src/adapters/metrics/prometheus/http-metrics.js';
import type { Comparison } from './support.js';

const N = 200_000;
const perCall = (run: (i: number) => void): number => {
  for (let i = 0; i < 20_000; i++) run(i);
  const started = performance.now();
  for (let i = 0; i < N; i++) run(i);
  return ((performance.now() - started) * 1000) / N;
};

/** A Koa context on a request and response of its own, with no socket (what Koa makes per request). */
const contextOf = (app: Koa): Koa.Context => {
  const req = new IncomingMessage({ readableHighWaterMark: 16_384 } as unknown as Socket);
  req.method = 'GET';
  req.url = '/v1/organizations/webhooks/wh_0123456789';
  return app.createContext(req, new ServerResponse(req)) as Koa.Context;
};

/**
 * What per-request parts cost in process (ADR 0022, 0023), each beside what it replaced: the access
 * line built as one string vs pino's `info(fields, msg)` (same logger, same bytes, a destination
 * that only counts), the HTTP histogram's observe vs prom-client's Histogram with labels, an API
 * key's hash (remembered) vs a SHA-256 per request, and a JSON text body set with `setTextBody` vs
 * Koa's status and body setters (each on a new context, whose making both pay).
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
  const keys = new CryptoKeyMaterial();
  const key = keys.apiKey().key;
  const hashed = perCall(() => keys.hash(key));
  const sha256 = perCall(() => createHash('sha256').update(key, 'utf8').digest('hex'));
  const lean = new LeanKoa();
  const text = '{"webhook_id":"wh_0123456789","webhook_name":"Bench"}';
  const type = 'application/json; charset=utf-8';
  const direct = perCall(() => setTextBody(contextOf(lean), 200, type, text));
  const setters = perCall(() => {
    const ctx = contextOf(lean);
    ctx.status = 200;
    ctx.set('Content-Type', type);
    ctx.body = text;
  });
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
    { name: 'API key hash, in process', unit: 'µs/call', ours: hashed, baseline: sha256, baselineName: 'SHA-256 per request', higherIsBetter: false },
    {
      name: 'JSON text body on a new Koa context, in process',
      unit: 'µs/call',
      ours: direct,
      baseline: setters,
      baselineName: 'Koa status and body setters',
      higherIsBetter: false,
    },
  ];
};
