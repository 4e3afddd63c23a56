import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/main/container.js';
import { type Harness, startHarness } from '../support/http-harness.js';

describe('OpenAPI document', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('memory');
  });
  afterAll(() => h.close());

  it('is valid OpenAPI 3.1', async () => {
    const doc = (await h.request('GET', '/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route the server serves, with the same method and path', async () => {
    const doc = (await h.request('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const served = buildApi(h.container, 'test')
      .routes.map((r) => `${r.method.toUpperCase()} ${r.path}`)
      .sort();
    expect(documented).toEqual(served);
    for (const expected of [
      'POST /v1/organizations/webhooks/',
      'POST /v1/organizations/webhooks/list',
      'GET /v1/organizations/webhooks/{webhook_id}',
      'PUT /v1/organizations/webhooks/{webhook_id}',
      'PATCH /v1/organizations/webhooks/{webhook_id}',
      'DELETE /v1/organizations/webhooks/{webhook_id}',
      'GET /v1/organizations/webhooks/{webhook_id}/history',
      'GET /v1/organizations/webhooks/{webhook_id}/secret',
      'POST /v1/organizations/webhooks/{webhook_id}/secret/rotate',
      'GET /v1/event-types',
      'GET /healthz',
      'GET /readyz',
      'GET /openapi.json',
      'GET /docs',
    ])
      expect(served).toContain(expected);
  });

  it('describes request bodies with the same rules that validate them', async () => {
    const doc = (await h.request('GET', '/openapi.json')).body;
    const create = doc.paths['/v1/organizations/webhooks/'].post.requestBody.content['application/json'].schema;
    const settings = create.$ref ? doc.components.schemas[create.$ref.split('/').at(-1)] : create;
    expect(settings.required).toEqual(expect.arrayContaining(['webhook_name', 'event_types', 'channels']));
    expect(settings.properties.webhook_name).toMatchObject({ minLength: 1, maxLength: 200 });
    expect(settings.additionalProperties).toBe(false);
  });

  it('documents the delivery log’s page size, cursor and size bound, and the message endpoint that holds the payload', async () => {
    const doc = (await h.request('GET', '/openapi.json')).body;
    const list = doc.paths['/v1/organizations/webhooks/{webhook_id}/deliveries'].get;
    const params = Object.fromEntries((list.parameters as { name: string; description?: string; schema: Record<string, unknown> }[]).map((p) => [p.name, p]));
    expect(params.limit!.description).toBe('page size, 1-100 (default 50)');
    expect(params.limit!.schema).toEqual({ type: 'integer', minimum: 1, maximum: 100 });
    expect(params.cursor!.schema).toMatchObject({ type: 'string', maxLength: 100 });
    expect(list.description).toContain('never larger than 589,056 bytes');
    const page = doc.components.schemas.DeliveryAttemptPage;
    expect(page.properties.pagination.required).toEqual(['limit', 'next_cursor', 'has_more']);
    expect(Object.keys(doc.components.schemas.DeliveryAttempt.properties)).not.toContain('data');
    const message = doc.paths['/v1/organizations/webhooks/{webhook_id}/messages/{message_id}'].get;
    expect(Object.keys(message.responses)).toEqual(expect.arrayContaining(['200', '401', '404']));
    expect(message.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/DeliveredMessage' });
  });

  it('serves a docs page', async () => {
    const res = await h.request('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain('/openapi.json');
  });
});
