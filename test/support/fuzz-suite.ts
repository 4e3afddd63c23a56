import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type StoreKind, startHarness, webhookBody } from './http-harness.js';

const W = '/v1/organizations/webhooks';

/** Fuzzes every endpoint of a real server on `kind`: bodies, headers, query strings, paths. */
export const fuzzSuite = (kind: StoreKind, runs: number) =>
  describe(`HTTP fuzzing on ${kind}: no input ever gets a 500 or changes anything when rejected`, () => {
    let h: Harness;
    let key: string;
    let id: string;

    beforeAll(async () => {
      h = await startHarness(kind);
      key = (await h.newOrg()).key;
      id = (await h.request('POST', `${W}/`, { key, body: webhookBody() })).body.webhook_id;
    });
    afterAll(() => h.close());

    const nasty = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme', maxLength: 50 }),
      fc.constantFrom('__proto__', 'constructor', 'prototype', '\u0000', '../../etc/passwd', '%00', '%', '😀'.repeat(300), 'a'.repeat(5000)),
    );
    const jsonish = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'webhook_name', 'event_types', 'channels', 'is_active', 'x'), fc.jsonValue({ maxDepth: 3 })),
      // Mutations of a valid body: one field replaced by anything.
      fc
        .tuple(fc.constantFrom('webhook_name', 'event_types', 'channels', 'is_active'), fc.jsonValue({ maxDepth: 3 }))
        .map(([k, v]) => ({ ...webhookBody(), [k]: v })),
      fc.jsonValue({ maxDepth: 3 }).map((v) => webhookBody({ channels: [{ channel: 'webhook', configs: { url: 'https://e.com', headers: v } }] })),
    );
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
      path: fc.oneof(
        fc.constantFrom(
          `${W}/`,
          `${W}/list`,
          `${W}/${'ID'}`,
          `${W}/${'ID'}/history`,
          `${W}/${'ID'}/secret/rotate`,
          '/v1/event-types',
          '/v1/events',
          `${W}/${'ID'}/test`,
          `${W}/${'ID'}/recover`,
          `${W}/${'ID'}/deliveries`,
          `${W}/${'ID'}/deliveries/msg_x/retry`,
          `${W}/${'ID'}/secret`,
          '/healthz',
          '/readyz',
          '/metrics',
          '/openapi.json',
          '/docs',
          '/',
          '/console',
          '/console/',
          '/console/%E0%A4%A',
          '/console/assets/..%2f..%2fpackage.json',
        ),
        nasty.map((s) => `${W}/ID/deliveries?status=${encodeURIComponent(s)}&since=${encodeURIComponent(s)}&limit=${encodeURIComponent(s)}`),
        nasty.map((s) => `${W}/ID/deliveries?cursor=${encodeURIComponent(s)}`),
        nasty.map((s) => `${W}/ID/messages/${encodeURIComponent(s)}`),
        nasty.map((s) => `${W}/${encodeURIComponent(s)}`),
        nasty.map((s) => `${W}/list?limit=${encodeURIComponent(s)}&offset=${encodeURIComponent(s)}`),
        nasty.map((s) => `${W}/ID?as_of=${encodeURIComponent(s)}`),
        nasty.map((s) => `/console/assets/${encodeURIComponent(s)}`),
      ),
      body: fc.oneof(
        jsonish.map((v) => ({ json: v })),
        nasty.map((raw) => ({ raw })),
      ),
      contentType: fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8', 'application/merge-patch+json'),
      ifMatch: fc.option(nasty, { nil: undefined }),
      idempotencyKey: fc.option(nasty, { nil: undefined }),
      requestId: fc.option(nasty, { nil: undefined }),
      auth: fc.constantFrom('valid', 'none', 'garbage'),
    });

    it('never answers 5xx; a 4xx is an error envelope and leaves the store unchanged', async () => {
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const before = await h.eventCount();
          const headers: Record<string, string> = { 'content-type': r.contentType };
          // Header values are printable ASCII on the wire; fetch refuses anything else before sending.
          const header = (v: string) => v.replace(/[^\x20-\x7e]/g, '');
          if (r.ifMatch !== undefined) headers['if-match'] = header(r.ifMatch);
          if (r.idempotencyKey !== undefined) headers['idempotency-key'] = header(r.idempotencyKey);
          if (r.requestId !== undefined) headers['x-request-id'] = header(r.requestId);
          const res = await h.request(r.method, r.path.replaceAll('ID', id), {
            key: r.auth === 'valid' ? key : undefined,
            headers: r.auth === 'garbage' ? { ...headers, authorization: 'Bearer sk_zzz' } : headers,
            rawBody: 'raw' in r.body ? r.body.raw : JSON.stringify(r.body.json),
          });
          expect(res.status, `${r.method} ${r.path}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.body).toMatchObject({ success: false, status: res.status, error: { type: expect.any(String), message: expect.any(String) } });
            expect(await h.eventCount()).toBe(before);
          }
        }),
        { numRuns: Number(process.env.FUZZ_RUNS ?? runs) },
      );
    }, 240_000);

    it('survives deep JSON and prototype-pollution keys without polluting anything', async () => {
      // Built as text: 100,000 levels is deeper than JSON.stringify itself can go.
      const deep = `${'['.repeat(100_000)}"x"${']'.repeat(100_000)}`;
      for (const field of ['webhook_name', 'event_types', 'channels']) {
        const fields: Record<string, string> = { webhook_name: '"Deep"', event_types: '["object.created"]', channels: '[]', [field]: deep };
        const rawBody = `{${Object.entries(fields)
          .map(([k, v]) => `"${k}":${v}`)
          .join(',')}}`;
        const res = await h.request('POST', `${W}/`, { key, rawBody, headers: { 'content-type': 'application/json' } });
        expect(res.status, res.text.slice(0, 200)).toBeLessThan(500);
        expect(res.body?.success).toBe(false);
      }
      const polluted = await h.request('POST', `${W}/`, {
        key,
        rawBody: '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
        headers: { 'content-type': 'application/json' },
      });
      expect(polluted.status).toBe(422);
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    });
  });
