import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type * as z from 'zod';
import type { Caller } from '../../../application/index.js';
import { type ErrorDetail, detailsFromIssues } from '../../../domain/index.js';
import { accessLog as accessLogOf } from './access-log.js';
import { DEFAULT_BODY_LIMIT, readJsonBody } from './body.js';
import { HttpError, errorBody } from './errors.js';
import { consoleFiles } from './console-files.js';
import { JsonText } from './json-text.js';
import { LeanKoa, setTextBody } from './lean-koa.js';
import { KeyRateLimiter } from './rate-limit.js';
import { type MatchedRoute, routeMatcher } from './route-matcher.js';
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
  /** Called once per request with its route template (`unmatched` when none), status and duration (the HTTP metrics). */
  readonly observeRequest?: ((method: string, route: string, status: number, seconds: number) => void) | undefined;
}

const koaPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');
const REQUEST_ID = /^[\w.-]{1,64}$/;
/** The route label of a request no route handled: the console's files, or none. */
const routeOutsideRouter = (path: string) => (path === '/console' || path.startsWith('/console/') ? '/console' : 'unmatched');

const validate = <S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.output<S> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details: ErrorDetail[] = detailsFromIssues(result.error.issues);
  const first = details[0];
  const message = where === 'query' ? 'invalid query string' : first ? `${first.path.join('.') || '(body)'}: ${first.message}` : 'invalid body';
  throw new HttpError(422, 'ValidationError', message, details);
};

/** What `readJsonBody` reads as absent, checked without reading: no length (or 0) and not chunked. */
const mayHaveBody = (ctx: Context): boolean => {
  const headers = ctx.req.headers;
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
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
  const app = new LeanKoa();
  app.proxy = false;
  const limiter = deps.rateLimit ? new KeyRateLimiter(deps.rateLimit.perSecond, deps.rateLimit.burst) : undefined;
  const matched: MatchedRoute[] = [];
  // The access line has fixed fields of our own (no header, body or key): written as one string (ADR 0022).
  const accessLog = accessLogOf(deps.logger);
  const observeRequest = deps.observeRequest;

  for (const r of deps.routes) {
    // `/webhooks/` and `/webhooks` are the same resource to every user: the matcher ignores a
    // trailing slash, so one spelling serves both.
    const path = koaPath(r.path).replace(/(.)\/$/, '$1');
    // A query string this route's schema accepts when empty, validated once (schemas are pure).
    let emptyQuery: { value: unknown } | undefined;
    const serve = async (ctx: Context): Promise<void> => {
      ctx.state.route = r.path;
      let caller: Caller | undefined;
      if (r.auth) {
        caller = await deps.authenticate(ctx.req.headers.authorization || undefined, ctx.state.requestId as string);
        if (!caller) {
          throw new HttpError(401, 'Unauthorized', 'send a valid API key as Authorization: Bearer sk_…', [], { 'WWW-Authenticate': 'Bearer' });
        }
        if ((caller.scope ?? 'organization') !== (r.scope ?? 'organization')) {
          throw new HttpError(
            403,
            'Forbidden',
            `this route needs an ${r.scope ?? 'organization'} key, not an ${caller.scope ?? 'organization'} key (ADR 0020)`,
          );
        }
        const waitMs = limiter?.take(caller.actor) ?? 0;
        if (waitMs > 0) {
          throw new HttpError(429, 'RateLimited', `too many requests for this API key; retry in ${Math.ceil(waitMs / 1000)} s`, [], {
            'Retry-After': String(Math.ceil(waitMs / 1000)),
          });
        }
      }
      // No await (and no promise) when there is no body: most reads.
      const raw = mayHaveBody(ctx) ? await readJsonBody(ctx, deps.bodyLimit ?? DEFAULT_BODY_LIMIT) : undefined;
      // Many clients send `{}` by default; anything more is a mistake worth reporting.
      const emptyObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.keys(raw).length === 0;
      if (raw !== undefined && !r.body && !emptyObject) throw new HttpError(422, 'ValidationError', 'this endpoint takes no body');
      if (raw === undefined && r.bodyRequired) throw new HttpError(422, 'ValidationError', 'a JSON body is required', [{ path: [], message: 'required' }]);
      const body = r.body ? validate(r.body, raw ?? {}, 'body') : undefined;
      let query: unknown;
      if (ctx.querystring !== '') query = validate(r.query ?? EmptyQuery, singleValued(ctx.query), 'query');
      else query = (emptyQuery ??= { value: validate(r.query ?? EmptyQuery, {}, 'query') }).value;
      const result = await r.handle({ body, query, params: ctx.params as Record<string, string>, caller: caller as Caller, ctx });
      // Headers straight on the response: Koa's ctx.set builds arrays per call (headers are never sent yet here).
      const res = ctx.res;
      const headers = result.headers;
      if (headers !== undefined) for (const name in headers) res.setHeader(name, headers[name]!);
      // The media type as `ctx.type = 'application/json'` sets it, without a lookup; the status and body without Koa's setters.
      if (result.body instanceof JsonText) setTextBody(ctx, result.status, 'application/json; charset=utf-8', result.body.text);
      else {
        ctx.status = result.status;
        if (result.body !== undefined) ctx.body = result.body;
      }
    };
    matched.push({ method: r.method, path, serve });
  }
  // Not thrown: the matcher sets Allow on a 405, which the envelope below carries (a thrown error loses it).
  const dispatch = routeMatcher(matched);

  // Request id, access log and the one error envelope for everything, including 404s. Routes are
  // dispatched from here, not from a middleware of their own: one async layer less per request.
  app.use(async (ctx, next) => {
    const incoming = ctx.req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.res.setHeader('X-Request-Id', requestId);
    const started = performance.now();
    try {
      // `next` (the console's files) serves what no route matches.
      await dispatch(ctx, next);
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HttpError(404, 'NotFound', `no route for ${ctx.method} ${ctx.path}`);
      }
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body === undefined) {
        throw new HttpError(405, 'MethodNotAllowed', 'method not allowed on this path', [], { Allow: ctx.response.get('Allow') });
      }
    } catch (error) {
      renderError(ctx, error, deps.logger, requestId, deps.isUnavailable);
    } finally {
      const ms = performance.now() - started;
      accessLog(requestId, ctx.method, ctx.path, ctx.status, ms);
      observeRequest?.(ctx.method, (ctx.state.route as string | undefined) ?? routeOutsideRouter(ctx.path), ctx.status, ms / 1000);
    }
  });
  // Only paths under /console, which no route serves.
  app.use(consoleFiles(deps.consoleDir));
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
  typeof error === 'object' &&
  error !== null &&
  typeof (error as { status?: unknown }).status === 'number' &&
  (error as { status: number }).status >= 400 &&
  (error as { status: number }).status < 500;
