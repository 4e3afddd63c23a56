import { Readable, Stream, pipeline } from 'node:stream';
import Koa, { type Context } from 'koa';

/** Statuses that carry no body (the `statuses` package's `empty`, as Koa uses it). */
const EMPTY_STATUSES = new Set([204, 205, 304]);

/** Koa's is-stream check: a Node stream, or an object shaped like one. */
const isStream = (value: unknown): value is NodeJS.ReadableStream => {
  if (value instanceof Stream) return true;
  if (value === null || typeof value !== 'object') return false;
  const s = value as Record<string, unknown>;
  return (
    !!s.readable &&
    typeof s.pipe === 'function' &&
    typeof s.read === 'function' &&
    typeof s.readable === 'boolean' &&
    typeof s.readableObjectMode === 'boolean' &&
    typeof s.destroy === 'function' &&
    typeof s.destroyed === 'boolean'
  );
};

/** Koa 3.3.0's `respond` (lib/application.js, MIT), unchanged: Koa does not export it. */
const respond = (ctx: Context): void => {
  if (ctx.respond === false) return;
  const res = ctx.res;
  if (!ctx.writable) {
    res.end();
    return;
  }
  const body: unknown = ctx.body;
  const code = ctx.status;
  if (EMPTY_STATUSES.has(code)) {
    // Strips Content-Type and Content-Length.
    ctx.body = null;
    res.end();
    return;
  }
  if (ctx.method === 'HEAD') {
    if (!res.headersSent && !res.hasHeader('Content-Length')) {
      const { length } = ctx.response;
      if (Number.isInteger(length)) ctx.length = length;
    }
    res.end();
    return;
  }
  if (body === null || body === undefined) {
    if ((ctx.response as unknown as { _explicitNullBody?: boolean })._explicitNullBody) {
      ctx.response.remove('Content-Type');
      ctx.response.remove('Transfer-Encoding');
      ctx.length = 0;
      res.end();
      return;
    }
    const text = ctx.req.httpVersionMajor >= 2 ? String(code) : ctx.message || String(code);
    if (!res.headersSent) {
      ctx.type = 'text';
      ctx.length = Buffer.byteLength(text);
    }
    res.end(text);
    return;
  }
  if (Buffer.isBuffer(body) || typeof body === 'string') {
    res.end(body);
    return;
  }
  // Web streams are async iterables in Node (the ES lib types here do not say so).
  const webStream = (s: ReadableStream | null) => Readable.from((s ?? '') as unknown as AsyncIterable<Uint8Array>);
  let stream: NodeJS.ReadableStream | null = null;
  if (body instanceof Blob) stream = webStream(body.stream());
  else if (body instanceof ReadableStream) stream = webStream(body);
  else if (body instanceof Response) stream = webStream(body.body);
  else if (isStream(body)) stream = body;
  if (stream) {
    pipeline(stream, res, (error) => {
      if (error && ctx.app.listenerCount('error')) ctx.onerror(error);
    });
    return;
  }
  const json = JSON.stringify(body);
  if (!res.headersSent) ctx.length = Buffer.byteLength(json);
  res.end(json);
};

/**
 * Koa without its per-request `onFinished(res, ctx.onerror)` (on-finished + ee-first: an
 * AsyncResource and four listeners added and removed per request, ~10% of a GET's CPU; ADR 0023).
 * That listener only reports a socket error after the response has started to app 'error',
 * which the server's `clientError` handler already sees. Everything else is Koa's own
 * `handleRequest` and `respond` (3.3.0, pinned in package.json; a test checks Koa still calls it).
 */
export class LeanKoa extends Koa {
  /** Replaces Koa's (private) `handleRequest`, which `callback()` calls per request. */
  handleRequest(ctx: Context, fnMiddleware: (ctx: Context) => Promise<unknown>): Promise<void> {
    ctx.res.statusCode = 404;
    return fnMiddleware(ctx)
      .then(() => respond(ctx))
      .catch((error: unknown) => ctx.onerror(error as Error));
  }
}

/** The fields of Koa's response (3.3.0, lib/response.js) that its status and body setters leave behind. */
interface ResponseFields {
  _explicitStatus: boolean;
  _body: unknown;
}

/**
 * What `ctx.status = status; ctx.set('Content-Type', type); ctx.body = text` leave behind for a
 * text body, without Koa's setters (their asserts, lookups and per-call arrays cost ~0.5 µs of a
 * cached GET): the status, Content-Type, Content-Length, and the body `respond` above sends.
 * The status message is Node's own for the code; Koa's is the same for 2xx, which is all this is used for.
 */
export const setTextBody = (ctx: Context, status: number, type: string, text: string): void => {
  const res = ctx.res;
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  const fields = ctx.response as unknown as ResponseFields;
  fields._explicitStatus = true;
  fields._body = text;
};
