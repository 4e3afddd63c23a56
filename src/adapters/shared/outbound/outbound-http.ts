import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import type { AttemptResult, Disposition } from '../../../ports/notifier.js';
import { DestinationRefused, guardedLookup, refuseLiteralPrivate } from './destination-guard.js';

export const RESPONSE_BODY_LIMIT = 4096;

export interface OutboundRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  /** Refuse loopback/private/link-local targets unless true (operator setting, or a trusted base URL). */
  readonly allowPrivate: boolean;
}

export interface OutboundResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/**
 * Keep-alive pools, one per SSRF setting: a pool reuses sockets by host and
 * port, so a guarded request must never pick up a socket opened unguarded.
 * A reused socket still points at the address checked when it was opened.
 */
const agents = {
  guarded: { http: new HttpAgent({ keepAlive: true, maxSockets: 64 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }) },
  open: { http: new HttpAgent({ keepAlive: true, maxSockets: 64 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }) },
};

/** The connect-time address check, one function per setting rather than one per request. */
const lookups = { guarded: guardedLookup(false), open: guardedLookup(true) };

/** A destination URL parsed once: its request options and whether it is https. */
interface Destination {
  readonly url: URL;
  readonly https: boolean;
  readonly options: Readonly<ReturnType<typeof urlToHttpOptions>>;
}
/** Destinations kept at most; past it the cache starts again. */
const MAX_DESTINATIONS = 1000;
let destinations = new Map<string, Destination>();

// Each attempt goes to the channel's URL of then; most attempts reuse one of few URLs, so each is parsed once.
const destinationOf = (href: string): Destination => {
  let known = destinations.get(href);
  if (known === undefined) {
    const url = new URL(href);
    known = { url, https: url.protocol === 'https:', options: urlToHttpOptions(url) };
    if (destinations.size >= MAX_DESTINATIONS) destinations = new Map();
    destinations.set(href, known);
  }
  return known;
};

/** POSTs once. Redirects are not followed; the response body is read up to 4 KiB. Throws on network failure. */
export const post = (req: OutboundRequest): Promise<OutboundResponse> =>
  new Promise((resolve, reject) => {
    const { url, https, options } = destinationOf(req.url);
    refuseLiteralPrivate(url, req.allowPrivate);
    const send = https ? httpsRequest : httpRequest;
    // One plain timer for the whole exchange (an AbortSignal per request costs several times more).
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      r.destroy();
    }, req.timeoutMs);
    const r = send(
      {
        ...options,
        method: 'POST',
        headers: { ...req.headers, 'content-length': Buffer.byteLength(req.body) },
        lookup: lookups[req.allowPrivate ? 'open' : 'guarded'] as never,
        agent: agents[req.allowPrivate ? 'open' : 'guarded'][https ? 'https' : 'http'],
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < RESPONSE_BODY_LIMIT) chunks.push(chunk);
          size += chunk.length;
          if (size > RESPONSE_BODY_LIMIT * 16) res.destroy(); // a receiver streaming forever is cut off
        });
        const done = () => {
          clearTimeout(timer);
          resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8') });
        };
        res.once('end', done);
        res.once('close', done);
        res.once('error', (error) => {
          clearTimeout(timer);
          reject(timedOut ? new Error(`timed out after ${req.timeoutMs} ms`) : error);
        });
      },
    );
    r.once('error', (error) => {
      clearTimeout(timer);
      reject(timedOut ? new Error(`timed out after ${req.timeoutMs} ms`) : error);
    });
    r.end(req.body);
  });

/** Retry-After as seconds or an HTTP date, capped at a day. */
export const parseRetryAfter = (value: string | string[] | undefined, now: Date): number | undefined => {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const ms = /^\d+$/.test(v.trim()) ? Number(v.trim()) * 1000 : Date.parse(v) - now.getTime();
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, 24 * 3600 * 1000) : undefined;
};

/**
 * ADR 0007: 2xx succeeds; 410 is gone (pause the webhook); 408, 409, 423,
 * 425, 429, 3xx (redirects are not followed) and 5xx are retried; other 4xx
 * are final, as retrying the same request cannot change the answer.
 */
export const dispositionOf = (status: number): Disposition => {
  if (status >= 200 && status < 300) return 'succeeded';
  if (status === 410) return 'gone';
  if (status >= 400 && status < 500 && ![408, 409, 423, 425, 429].includes(status)) return 'final';
  return 'retry';
};

/** One attempt through `post`, as an AttemptResult; never throws. */
export const attempt = async (req: OutboundRequest, now: Date, describe: (status: number) => string = (s) => `HTTP ${s}`): Promise<AttemptResult> => {
  const started = performance.now();
  try {
    const res = await post(req);
    const disposition = dispositionOf(res.statusCode);
    return {
      disposition,
      statusCode: res.statusCode,
      latencyMs: performance.now() - started,
      responseBody: res.body,
      ...(disposition === 'succeeded' ? {} : { error: describe(res.statusCode), retryAfterMs: parseRetryAfter(res.headers['retry-after'], now) }),
    };
  } catch (error) {
    return {
      // A refused destination will not become allowed by waiting.
      disposition: error instanceof DestinationRefused ? 'final' : 'retry',
      statusCode: null,
      latencyMs: performance.now() - started,
      error: error instanceof Error ? error.message : String(error),
    };
  }
};
