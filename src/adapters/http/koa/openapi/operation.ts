import type { Route, RouteResponse } from '../route.js';
import type { SchemaWriter } from './json-schema.js';
import { SHARED_ERRORS, STATUS_HEADERS, headerRefs } from './responses.js';

/** Path parameters named after what they hold get the shape of the ids the API hands out. */
const PATH_PARAMETER_SCHEMAS: Readonly<Record<string, unknown>> = {
  webhook_id: { type: 'string', pattern: '^wh_[A-Za-z0-9]{10}$' },
};

const parametersOf = (r: Route, writer: SchemaWriter): unknown[] => {
  const parameters: unknown[] = [];
  for (const match of r.path.match(/\{(\w+)\}/g) ?? []) {
    const name = match.slice(1, -1);
    parameters.push({ name, in: 'path', required: true, schema: PATH_PARAMETER_SCHEMAS[name] ?? { type: 'string' } });
  }
  if (r.query) {
    // The parsed side: `limit=10` arrives as text but is an integer, and a generated client should send one.
    const q = writer.toSchema(r.query, 'output') as { properties?: Record<string, { description?: string }>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      const { description, ...rest } = schema;
      parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, ...(description ? { description } : {}), schema: rest });
    }
  }
  for (const h of r.headers ?? []) parameters.push({ name: h.name, in: 'header', required: false, description: h.description, schema: { type: 'string' } });
  return parameters;
};

const responseOf = (status: number, resp: RouteResponse, writer: SchemaWriter) => {
  const headers = headerRefs([...(STATUS_HEADERS[status] ?? []), ...(resp.headers ?? [])]);
  const content = resp.contentType
    ? { [resp.contentType]: { schema: { type: 'string' } } }
    : resp.schema
      ? { 'application/json': { schema: writer.toSchema(resp.schema, 'output') } }
      : undefined;
  return { description: resp.description, headers, ...(content ? { content } : {}) };
};

/** One OpenAPI operation: the route's own answers, then the shared failures it did not document itself. */
export const buildOperation = (r: Route, writer: SchemaWriter) => {
  const parameters = parametersOf(r, writer);
  const responses: Record<string, unknown> = {};
  for (const [status, resp] of Object.entries(r.responses)) responses[status] = responseOf(Number(status), resp, writer);
  const shared = { ...SHARED_ERRORS.always, ...(r.auth ? SHARED_ERRORS.authenticated : {}) };
  for (const [status, [name]] of Object.entries(shared)) responses[status] ??= { $ref: `#/components/responses/${name}` };
  return {
    operationId: r.operationId,
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    tags: [r.tag],
    security: r.auth ? [{ bearer: [] }] : [],
    ...(parameters.length ? { parameters } : {}),
    ...(r.body ? { requestBody: { required: r.bodyRequired ?? false, content: { 'application/json': { schema: writer.toSchema(r.body, 'input') } } } } : {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
  };
};
