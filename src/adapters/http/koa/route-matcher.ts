import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { Context, Middleware } from 'koa';

/** One route as the matcher serves it: a method, a path with `:name` parameters, and what serves it. */
export interface MatchedRoute {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  readonly path: string;
  readonly serve: (ctx: Context) => Promise<void>;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];
const isMethod = (method: string): method is Method => (METHODS as readonly string[]).includes(method);
type Found = ReturnType<ReturnType<typeof FindMyWay>['find']>;
// An empty segment is no parameter (`/organizations//keys`): such a path matches no route, as with @koa/router.
const complete = (found: Found): found is NonNullable<Found> => {
  if (found === null) return false;
  // A loop, not Object.values(…).every: no array per request.
  for (const name in found.params) if (found.params[name] === '') return false;
  return true;
};

interface Stored {
  readonly serve: MatchedRoute['serve'];
  /** Registration order, so `Allow` lists methods as they were declared (HEAD before GET). */
  readonly order: number;
}

/**
 * Dispatches requests to routes through find-my-way's radix tree (ADR 0023): one lookup per
 * request whatever the number of routes, where @koa/router tried each route's pattern in turn.
 * Paths match with or without a trailing slash and in any letter case (as before); HEAD is
 * served by GET. A path served for other methods gets 405 with `Allow` (OPTIONS: 200 with it),
 * after the middleware behind this one had its chance; any other path falls through.
 */
export const routeMatcher = (routes: readonly MatchedRoute[]): Middleware => {
  // Parameters as long as a URL can be (Node stops headers at 16 KiB): ids are validated by the routes, not here.
  const tree = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 16_384 });
  const noop = () => undefined;
  routes.forEach((r, order) => tree.on(r.method.toUpperCase() as HTTPMethod, r.path, noop, { serve: r.serve, order } satisfies Stored));

  const allowed = (path: string): string[] =>
    METHODS.map((m) => ({ m, found: tree.find(m, path) }))
      .filter((x) => complete(x.found))
      .sort((a, b) => (a.found!.store as Stored).order - (b.found!.store as Stored).order)
      .flatMap(({ m }) => (m === 'GET' ? ['HEAD', 'GET'] : [m]));

  // What no route serves: the middleware behind this one, then 405 with Allow where other methods are served.
  const fallThrough = async (ctx: Context, next: () => Promise<unknown>): Promise<void> => {
    await next();
    if (ctx.status !== 404 || ctx.body !== undefined) return;
    const allow = allowed(ctx.path);
    if (allow.length === 0) return;
    ctx.set('Allow', allow.join(', '));
    if (ctx.method === 'OPTIONS') {
      ctx.status = 200;
      ctx.body = '';
    } else ctx.status = 405;
  };

  // Not async: a matched route's promise is returned as it is, without another around it.
  return (ctx, next) => {
    const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
    const found = isMethod(method) ? tree.find(method, ctx.path) : null;
    if (complete(found)) {
      ctx.params = found.params as Record<string, string>;
      return (found.store as Stored).serve(ctx);
    }
    return fallThrough(ctx, next);
  };
};
