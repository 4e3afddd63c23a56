import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import Koa, { type Context } from 'koa';
import type { Logger } from 'pino';
import type * as z from 'zod';
import type { Caller } from '../../../application/index.js';
import { type ErrorDetail, detailsFromIssues } from '../../../domain/index.js';
import { DEFAULT_BODY_LIMIT, readJsonBody } from './body.js';
import { HttpError, errorBody } from './errors.js';
import { consoleFiles } from './console-files.js';
import { JsonText } from './json-text.js';
import { KeyRateLimiter } from './rate-limit.js';
import { EmptyQuery } from './schemas.js';
import type { Route } from './route.js';

export interface HttpAppDeps {
  readonly routes: readonly Route[];
  /** Resolves `Authorization` to a caller, or undefined for a missing or bad key. */
  readonly authenticate: (authorization: string | undefined, requestId: string) => Promise<Caller | undefined>;
  readonly logger: Logger;
  readonly bodyLimit?: number;
  /** Whether an error means the store cannot serve now (answered 503, not 500); the composition root knows the stores. */
  readonly isUnavailable?: (error: unknown) => boolean;
  /** Where the built web console is (served at /console); undefined when it is not built. */
  readonly consoleDir?: string | undefined;
  /** Requests per second per API key, and the burst allowed above it; none when undefined. */
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number } | undefined;
}

const koaPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

const validate = <S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.output<S> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details: ErrorDetail[] = detailsFromIssues(result.error.issues);
  const first = details[0];
  const message = where === 'query' ? 'invalid query string' : first ? `${first.path.join('.') || '(body)'}: ${first.message}` : 'invalid body';
  throw new HttpError(422, 'ValidationError', message, details);
};

/** Query strings arrive as strings or arrays; a repeated parameter is refused rather than guessed. */
const singleValued = (query: Record<string, string | string[] | undefined>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) throw new HttpError(422, 'ValidationError', `query parameter ${key} is repeated`, [{ path: [key], message: 'give it once' }]);
    if (value !== undefined) out[key] = value;
  }
  return out;
};

export const createHttpApp = (deps: HttpAppDeps): Koa => {
  const app = new Koa();
  app.proxy = false;
  const limiter = deps.rateLimit ? new KeyRateLimiter(deps.rateLimit.perSecond, deps.rateLimit.burst) : undefined;
  const router = new Router();
  // The access line has fixed fields of our own (no header, body or key), so it skips the
  // logger's redaction pass: that pass was most of the line's cost (ADR 0016).
  const accessLog = deps.logger.child({}, { redact: { paths: [] } });

  // Request id, access log and the one error envelope for everything, including 404s.
  app.use(async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HttpError(404, 'NotFound', `no route for ${ctx.method} ${ctx.path}`);
      }
    } catch (error) {
      renderError(ctx, error, deps.logger, requestId, deps.isUnavailable);
    } finally {
      accessLog.info({ requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: performance.now() - started }, 'request');
    }
  });

  app.use(consoleFiles(deps.consoleDir));

  for (const r of deps.routes) {
    const path = koaPath(r.path);
    // `/webhooks/` and `/webhooks` are the same resource to every user; serve both spellings.
    const other = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
    router[r.method]([path, other], async (ctx: Context) => {
      let caller: Caller | undefined;
      if (r.auth) {
        caller = await deps.authenticate(ctx.get('authorization') || undefined, ctx.state.requestId as string);
        if (!caller) {
          throw new HttpError(401, 'Unauthorized', 'send a valid API key as Authorization: Bearer sk_…', [], { 'WWW-Authenticate': 'Bearer' });
        }
        const waitMs = limiter?.take(caller.actor) ?? 0;
        if (waitMs > 0) {
          throw new HttpError(429, 'RateLimited', `too many requests for this API key; retry in ${Math.ceil(waitMs / 1000)} s`, [], {
            'Retry-After': String(Math.ceil(waitMs / 1000)),
          });
        }
      }
      const raw = await readJsonBody(ctx, deps.bodyLimit ?? DEFAULT_BODY_LIMIT);
      // Many clients send `{}` by default; anything more is a mistake worth reporting.
      const emptyObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.keys(raw).length === 0;
      if (raw !== undefined && !r.body && !emptyObject) throw new HttpError(422, 'ValidationError', 'this endpoint takes no body');
      if (raw === undefined && r.bodyRequired) throw new HttpError(422, 'ValidationError', 'a JSON body is required', [{ path: [], message: 'required' }]);
      const body = r.body ? validate(r.body, raw ?? {}, 'body') : undefined;
      const query = validate(r.query ?? EmptyQuery, singleValued(ctx.query), 'query');
      const result = await r.handle({ body, query, params: ctx.params as Record<string, string>, caller: caller as Caller, ctx });
      ctx.status = result.status;
      for (const [name, value] of Object.entries(result.headers ?? {})) ctx.set(name, value);
      if (result.body instanceof JsonText) {
        ctx.type = 'application/json';
        ctx.body = result.body.text;
      } else if (result.body !== undefined) ctx.body = result.body;
    });
  }

  app.use(router.routes());
  app.use(
    router.allowedMethods({
      throw: true,
      methodNotAllowed: () => new HttpError(405, 'MethodNotAllowed', 'method not allowed on this path'),
      notImplemented: () => new HttpError(405, 'MethodNotAllowed', 'method not supported'),
    }),
  );
  return app;
};

const renderError = (ctx: Context, error: unknown, logger: Logger, requestId: string, isUnavailable?: (error: unknown) => boolean) => {
  let http: HttpError;
  if (error instanceof HttpError) http = error;
  else if (isClientError(error)) http = new HttpError(error.status, 'BadRequest', error.expose ? error.message : 'bad request');
  else if (isUnavailable && causes(error).some(isUnavailable)) {
    // Nothing was written (every write is one transaction): the client can simply retry.
    logger.warn({ requestId, err: error }, 'store unavailable');
    http = new HttpError(503, 'ServiceUnavailable', 'the store is unavailable; nothing was changed, retry shortly', [], { 'Retry-After': '1' });
  } else {
    logger.error({ requestId, err: error }, 'unhandled error');
    http = new HttpError(500, 'InternalError', 'internal error; quote the X-Request-Id header when reporting it');
  }
  ctx.status = http.status;
  for (const [name, value] of Object.entries(http.headers)) ctx.set(name, value);
  if (http.status === 405) {
    const allow = ctx.response.get('Allow');
    if (allow) ctx.set('Allow', allow);
  }
  ctx.body = errorBody(http.status, http.type, http.message, http.details);
};

/** The error and the causes it wraps. */
const causes = (error: unknown): unknown[] => {
  const out: unknown[] = [];
  for (let e: unknown = error; e !== undefined && e !== null && out.length < 5; e = (e as { cause?: unknown }).cause) out.push(e);
  return out;
};

/** Errors raised by Koa itself for malformed requests (e.g. a bad percent-encoding in the path). */
const isClientError = (error: unknown): error is { status: number; message: string; expose: boolean } =>
  typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number' &&
  (error as { status: number }).status >= 400 && (error as { status: number }).status < 500;
