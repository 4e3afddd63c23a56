import * as z from 'zod';
import { findCatalog } from '../../../domain/index.js';
import { HttpError } from './errors.js';
import { type Route, route } from './route.js';
import { EmptyQuery, ErrorEnvelope, EventTypeList, Health } from './schemas.js';

export interface MetaRouteDeps {
  /** True when the store answers. */
  readonly ready: () => Promise<boolean>;
  readonly catalogIdOf: (organizationId: string) => Promise<string>;
}

export const metaRoutes = (deps: MetaRouteDeps): Route[] => [
  route({
    method: 'get',
    path: '/v1/event-types',
    operationId: 'listEventTypes',
    summary: 'The organization’s event catalog',
    tag: 'Event types',
    auth: true,
    query: EmptyQuery,
    responses: { 200: { description: 'every event type a webhook can subscribe to', schema: EventTypeList }, 401: { description: 'missing or bad API key', schema: ErrorEnvelope } },
    handle: async ({ caller }) => {
      const catalog = findCatalog(await deps.catalogIdOf(caller.organizationId)) ?? caller.catalog;
      return {
        status: 200,
        body: {
          catalog: catalog.id,
          event_types: catalog.eventTypes.map((t) => ({ name: t.name, description: t.description, category: t.category, cache_scope: t.cacheScope ?? null })),
        },
      };
    },
  }),
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
      if (!ok) throw new HttpError(503, 'ServiceUnavailable', 'the store does not answer');
      return { status: 200, body: { status: 'ready' } };
    },
  }),
];

/** Any authenticated call may be rate limited, and any may meet a store that cannot answer. */
const ALWAYS_POSSIBLE = {
  429: { description: 'too many requests for this API key (see Retry-After)', schema: ErrorEnvelope },
  503: { description: 'the store is unavailable; nothing was changed (see Retry-After)', schema: ErrorEnvelope },
};

/** OpenAPI 3.1 built from the same route list and zod schemas that serve and validate requests. */
export const openApiDocument = (routes: readonly Route[], info: { title: string; version: string }) => {
  const schemas: Record<string, unknown> = {};
  const toSchema = (schema: z.ZodType, io: 'input' | 'output') => {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as Record<string, unknown>;
    const { $schema: _s, $defs, ...rest } = json as { $schema?: string; $defs?: Record<string, unknown> };
    for (const [name, def] of Object.entries($defs ?? {})) schemas[name] = rewriteRefs(def);
    return rewriteRefs(rest);
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const parameters: unknown[] = [];
    for (const name of r.path.match(/\{(\w+)\}/g) ?? []) {
      parameters.push({ name: name.slice(1, -1), in: 'path', required: true, schema: { type: 'string' } });
    }
    if (r.query) {
      const q = toSchema(r.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) {
        parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema });
      }
    }
    for (const h of r.headers ?? []) parameters.push({ name: h.name, in: 'header', required: false, description: h.description, schema: { type: 'string' } });
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      ...(r.auth ? { security: [{ bearer: [] }] } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? { requestBody: { required: r.bodyRequired ?? false, content: { 'application/json': { schema: toSchema(r.body, 'input') } } } }
        : {}),
      responses: Object.fromEntries(
        Object.entries({ ...(r.auth ? ALWAYS_POSSIBLE : {}), ...r.responses }).map(([status, resp]) => [
          status,
          { description: resp.description, ...(resp.schema ? { content: { 'application/json': { schema: toSchema(resp.schema, 'output') } } } : {}) },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API key, sk_…' } }, schemas },
    security: [{ bearer: [] }],
    paths,
  };
};

/** zod writes `#/$defs/X`; in an OpenAPI document shared schemas live under components. */
const rewriteRefs = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : rewriteRefs(v)]),
    );
  }
  return value;
};
