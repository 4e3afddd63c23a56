/**
 * /openapi.json, generated from the route list that serves requests (ADR 0006).
 *
 * Adding routes: a module exports `Route[]` built with `route()` (route.ts) and `api.ts` adds them to
 * the list; nothing here changes. Each route documents itself:
 * - `body` / `query` zod schemas (request side: defaults become optional, integers stay integers),
 *   `headers` for request headers such as If-Match;
 * - `responses`: its own statuses, each with `schema` (named ones via `.meta({ id })` land in
 *   `components.schemas`), `headers` (`ETag`, `Location`, … from openapi/responses.ts; add a new name
 *   to `RESPONSE_HEADERS` there) and `contentType` when the body is not JSON.
 * The statuses the HTTP layer answers for any route (400, 413, 415, 422, 431, 500; with `auth` also
 * 401, 403, 429, 503: SHARED_ERRORS in responses.ts) and the headers that come with a status (401
 * WWW-Authenticate, 429/503 Retry-After) are added here, so a route lists only what its handler can
 * answer. `X-Request-Id` is on every answer; a 405 (method not served, with `Allow`) is
 * `components.responses.MethodNotAllowed`. A new tag needs a line in TAG_DESCRIPTIONS below.
 * Checked by: test/support/openapi-responses.ts (every answer the HTTP tests receive), and
 * test/http/openapi-lint.test.ts (Redocly's recommended rules, redocly.yaml). A new /v1 route also
 * needs a method in src/client and `npm run client:types` (test/client/types-in-step.test.ts).
 */
import type { Route } from '../route.js';
import { ErrorEnvelope } from '../schemas.js';
import { schemaWriter } from './json-schema.js';
import { buildOperation } from './operation.js';
import { RESPONSE_HEADERS, headerKey, sharedResponseComponents } from './responses.js';

export interface ApiInfo {
  readonly title: string;
  readonly version: string;
}

export const openApiDocument = (routes: readonly Route[], info: ApiInfo) => {
  const writer = schemaWriter();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    paths[r.path] ??= {};
    paths[r.path]![r.method] = buildOperation(r, writer);
  }
  // The shared responses name the error envelope, whether or not a route's own schema did.
  writer.toSchema(ErrorEnvelope, 'output');
  return {
    openapi: '3.1.0',
    info: {
      ...info,
      description:
        'Event-sourced webhook subscriptions, delivered over HTTP (signed per Standard Webhooks), Slack, email and SMS. ' +
        'Every error is the envelope `{ success: false, status, error: { message, type, details? } }`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name, ...(TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {}) })),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API key, sk_…' } },
      schemas: writer.schemas,
      ...usedComponents(paths),
    },
    security: [{ bearer: [] }],
    paths,
  };
};

/** One line per tag for the docs; a tag missing here fails the Redocly lint (tag-description). */
const TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  Webhooks: 'Subscriptions: which event types go to which channels, and their signing secrets',
  Audit: 'The recorded events of each webhook',
  Events: 'Publishing events to every matching webhook',
  Deliveries: 'The delivery log, the payloads delivered, and retrying them',
  'Event types': 'The organization’s own catalog of event types, each change recorded',
  Operator: 'Organizations and their API keys, for operator keys only',
  Operations: 'Probes, metrics and this document',
};

/**
 * The shared headers and responses the operations use, and the 405 answer, which no operation can
 * name (it is the answer for the methods a path does not serve) but clients meet.
 */
const usedComponents = (paths: unknown) => {
  const responses = sharedResponseComponents() as Record<string, unknown>;
  const refsIn = (value: unknown) => new Set([...JSON.stringify(value).matchAll(/"#\/components\/(?:headers|responses)\/(\w+)"/g)].map((m) => m[1]!));
  const usedResponses = refsIn(paths);
  usedResponses.add('MethodNotAllowed');
  const keptResponses = Object.fromEntries(Object.entries(responses).filter(([name]) => usedResponses.has(name)));
  const usedHeaders = refsIn([paths, keptResponses]);
  const headers = Object.entries(RESPONSE_HEADERS).map(([name, h]) => [headerKey(name as keyof typeof RESPONSE_HEADERS), h] as const);
  return { headers: Object.fromEntries(headers.filter(([key]) => usedHeaders.has(key))), responses: keptResponses };
};
