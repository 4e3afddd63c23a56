import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, webhookBody } from '../support/http-harness.js';

type Doc = Record<string, any>;
const W = '/v1/organizations/webhooks';

/** What each documented response declares: its headers, media types and schema reference. */
const responseOf = (doc: Doc, path: string, method: string, status: number) => {
  const r = doc.paths[path][method].responses[String(status)];
  return r.$ref ? doc.components.responses[r.$ref.split('/').at(-1)] : r;
};

describe('OpenAPI: every status, header and media type the server answers', () => {
  let h: Harness;
  let doc: Doc;
  let key: string;
  beforeAll(async () => {
    h = await startHarness('memory');
    doc = (await h.request('GET', '/openapi.json')).body;
    key = (await h.newOrg()).key;
  });
  afterAll(() => h.close());

  it('declares the headers: X-Request-Id everywhere, ETag and Location where sent, WWW-Authenticate on 401, Retry-After on 429 and 503', () => {
    for (const [path, ops] of Object.entries(doc.paths as Doc)) {
      for (const [method, op] of Object.entries(ops as Doc)) {
        for (const status of Object.keys(op.responses)) {
          const headers = responseOf(doc, path, method, Number(status)).headers ?? {};
          // 431 is answered by Node's HTTP server before the app sees the request.
          if (status !== '431') expect(Object.keys(headers), `${method} ${path} ${status}`).toContain('X-Request-Id');
          if (status === '401') expect(Object.keys(headers)).toContain('WWW-Authenticate');
          if (status === '429' || status === '503') expect(Object.keys(headers)).toContain('Retry-After');
        }
      }
    }
    expect(Object.keys(responseOf(doc, `${W}/`, 'post', 201).headers)).toEqual(expect.arrayContaining(['ETag', 'Location']));
    for (const method of ['get', 'put', 'patch']) expect(Object.keys(responseOf(doc, `${W}/{webhook_id}`, method, 200).headers)).toContain('ETag');
    expect(doc.components.responses.MethodNotAllowed.headers.Allow).toEqual({ $ref: '#/components/headers/Allow' });
  });

  it('lists the statuses the HTTP layer answers: POST /v1/events 400/413/415, …/recover 400/415', () => {
    expect(Object.keys(doc.paths['/v1/events'].post.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '413', '415', '422', '429', '503']));
    expect(Object.keys(doc.paths[`${W}/{webhook_id}/recover`].post.responses)).toEqual(expect.arrayContaining(['400', '415', '422']));
    expect(Object.keys(doc.paths['/healthz'].get.responses)).toEqual(expect.arrayContaining(['200', '422']));
  });

  it('types limit and offset as integers, writes no e164 format, and gives /metrics and /docs their media types', () => {
    const params = doc.paths[`${W}/list`].post.parameters as { name: string; schema: Doc }[];
    expect(params.find((p) => p.name === 'limit')!.schema).toEqual({ type: 'integer', minimum: 1, maximum: 100 });
    expect(params.find((p) => p.name === 'offset')!.schema).toMatchObject({ type: 'integer', minimum: 0 });
    expect(JSON.stringify(doc)).not.toContain('e164');
    expect(Object.keys(doc.paths['/metrics'].get.responses['200'].content)).toEqual(['text/plain']);
    expect(Object.keys(doc.paths['/docs'].get.responses['200'].content)).toEqual(['text/html']);
  });

  it('keeps fields with a server-side default optional in request bodies (no `default` a generator would make required)', () => {
    const settings = doc.components.schemas.WebhookSettings;
    expect(settings.required).not.toContain('is_active');
    const http = settings.properties.channels.items.oneOf.find((c: Doc) => c.properties.channel.const === 'webhook').properties.configs;
    expect(http.required).toEqual(['url']);
    expect(http.properties.timeout.description).toContain('default 10');
    const requestSchemas = Object.values(doc.paths as Doc)
      .flatMap((ops) => Object.values(ops as Doc).map((op) => op.requestBody))
      .filter(Boolean);
    expect(JSON.stringify([requestSchemas, settings])).not.toContain('"default"');
  });

  it('answers a method a path does not serve with 405, Allow and the envelope', async () => {
    const res = await h.request('PUT', '/healthz');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('HEAD, GET');
    expect(res.body.error.type).toBe('MethodNotAllowed');
    expect((await h.request('DELETE', '/v1/events', { key })).headers.get('allow')).toBe('POST');
  });

  it('calls every documented operation (valid, unauthenticated, with an unknown parameter) and each answer matches the document', async () => {
    // The harness checks every answer against /openapi.json; this makes sure each operation is met.
    const webhook = (await h.request('POST', `${W}/`, { key, body: webhookBody() })).body;
    const message = (await h.request('POST', `${W}/${webhook.webhook_id}/test`, { key })).body.message_id as string;
    const bodies: Record<string, unknown> = {
      createWebhook: webhookBody({ webhook_name: 'second' }),
      replaceWebhook: webhookBody(),
      updateWebhook: { webhook_name: 'renamed' },
      publishEvent: { event_type: 'cluster.execution.failed', data: { n: 1 } },
      recoverDeliveries: { since: '2026-11-22T00:00:00Z' },
    };
    const operations = Object.entries(doc.paths as Doc)
      .flatMap(([path, ops]) => Object.entries(ops as Doc).map(([method, op]) => ({ path, method, op })))
      .sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));
    const seen: string[] = [];
    for (const { path, method, op } of operations) {
      const url = path
        .replace('{webhook_id}', webhook.webhook_id)
        .replace('{message_id}', message)
        .replace('{name}', 'cluster.execution.failed')
        .replace(/\{\w+\}/g, 'none');
      const body = op.requestBody ? (bodies[op.operationId] ?? {}) : undefined;
      const res = await h.request(method.toUpperCase(), url, { key, body });
      expect(res.status, `${method} ${path}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
      const probe = await h.request(method.toUpperCase(), `${url}?unknown_parameter=1`, { key, body });
      expect([403, 404, 422]).toContain(probe.status); // 403: an operator route, called with an organization's key
      if (op.security?.length) expect((await h.request(method.toUpperCase(), url, { body })).status).toBe(401);
      seen.push(op.operationId);
    }
    expect(seen.length).toBeGreaterThanOrEqual(20);
  });
});
