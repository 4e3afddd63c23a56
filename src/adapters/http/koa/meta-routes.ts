import { HttpError } from './errors.js';
import { type Route, route } from './route.js';
import { EmptyQuery, ErrorEnvelope, Health } from './schemas.js';

export interface MetaRouteDeps {
  /** True when the store answers. */
  readonly ready: () => Promise<boolean>;
  readonly catalogIdOf: (organizationId: string) => Promise<string>;
}

export const metaRoutes = (deps: MetaRouteDeps): Route[] => [
  // GET /v1/event-types and the rest of the catalog: event-type-routes.ts (ADR 0020).
  route({
    method: 'get',
    path: '/healthz',
    operationId: 'liveness',
    summary: 'Liveness: the process serves requests',
    tag: 'Operations',
    auth: false,
    query: EmptyQuery,
    responses: { 200: { description: 'alive', schema: Health } },
    handle: async () => ({ status: 200, body: { status: 'ok' } }),
  }),
  route({
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness: the store is reachable',
    tag: 'Operations',
    auth: false,
    query: EmptyQuery,
    responses: { 200: { description: 'ready', schema: Health }, 503: { description: 'the store does not answer', schema: ErrorEnvelope } },
    handle: async () => {
      const ok = await deps.ready().catch(() => false);
      if (!ok) throw new HttpError(503, 'ServiceUnavailable', 'the store does not answer', [], { 'Retry-After': '1' });
      return { status: 200, body: { status: 'ready' } };
    },
  }),
];
