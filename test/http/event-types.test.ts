import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperatorKey } from '../../src/application/organizations.js';
import { TOKENS } from '../../src/main/tokens.js';
import { type Harness, availableKinds, startHarness, webhookBody } from '../support/http-harness.js';

const T = '/v1/event-types';
const W = '/v1/organizations/webhooks';
const invoicePaid = {
  name: 'invoice.paid',
  description: 'An invoice was paid.',
  category: 'Billing',
  schema: { type: 'object', required: ['amount'], properties: { amount: { type: 'number', minimum: 0 }, lines: { type: 'array', items: { type: 'string' } } } },
};

for (const kind of await availableKinds('sqlite-file', 'postgres')) {
  describe(`an organization’s own event catalog over HTTP (${kind}, ADR 0020)`, () => {
    let h: Harness;
    let key: string;
    let other: string;
    const pending = async () => (await h.container.get(TOKENS.Queue).depth(h.clock.now().getTime())).pending;

    beforeAll(async () => {
      h = await startHarness(kind);
      key = (await h.newOrg()).key;
      other = (await h.newOrg()).key;
    });
    afterAll(() => h.close());

    it('starts as the preset, paged (100 by default), archived types included', async () => {
      const all = await h.request('GET', T, { key });
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ catalog: 'dotted', revision: 0, total: 22, pagination: { limit: 100, offset: 0, has_more: false } });
      expect(all.body.event_types[0]).toEqual({
        name: 'object.created',
        description: 'New object ingested.',
        category: 'Object Lifecycle',
        cache_scope: 'KEY',
        schema: null,
        archived: false,
      });
      expect(all.headers.get('etag')).toBe('"0"');
      const page = await h.request('GET', `${T}?limit=5&offset=20`, { key });
      expect(page.body.event_types.map((t: { name: string }) => t.name)).toEqual(['trigger.execution.failed', 'taxonomy.created']);
      expect(page.body.pagination).toEqual({ limit: 5, offset: 20, has_more: false });
      expect((await h.request('GET', `${T}?limit=101`, { key })).status).toBe(422);
    });

    it('refuses bad input with 422 at the path and stores nothing', async () => {
      const before = await h.eventCount();
      const refused = async (body: unknown) => {
        const res = await h.request('POST', T, { key, body });
        expect(res.status, JSON.stringify(body)).toBe(422);
        return res.body.error.details.map((d: { path: unknown[] }) => d.path);
      };
      expect(await refused({ name: 'Invoice.Paid' })).toEqual([['name']]);
      expect(await refused({ name: 'object.created' })).toEqual([['name']]);
      expect(await refused({ name: 'invoice.paid', schema: { type: 'object', properties: { a: { type: 'strin' } } } })).toContainEqual([
        'schema',
        'properties',
        'a',
        'type',
      ]);
      expect(await refused({ name: 'invoice.paid', schema: { type: 'string', pattern: '^(a+)+$' } })).toEqual([['schema', 'pattern']]);
      expect(await refused({ name: 'invoice.paid', schema: { $ref: 'http://169.254.169.254/latest' } })).toEqual([['schema', '$ref']]);
      expect(await refused({ name: 'invoice.paid', schema: { $ref: '#/$defs/missing' } })).toEqual([['schema']]);
      expect(await refused({ name: 'invoice.paid', schema: 'yes' })).toEqual([['schema']]);
      expect(await refused({ name: 'invoice.paid', cache_scope: 'ALL' })).toEqual([['cache_scope']]);
      expect(await h.eventCount()).toBe(before);
    });

    it('adds a type with a schema; a duplicate is a 422 at name', async () => {
      const res = await h.request('POST', T, { key, body: invoicePaid });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ ...invoicePaid, cache_scope: null, archived: false });
      expect(res.headers.get('location')).toBe(`${T}/invoice.paid`);
      // The seed, then the addition.
      expect(res.headers.get('etag')).toBe('"2"');
      expect((await h.request('GET', `${T}/invoice.paid`, { key })).body).toEqual(res.body);
      expect((await h.request('POST', T, { key, body: invoicePaid })).body.error.details).toEqual([
        { path: ['name'], message: expect.stringContaining('exists already') },
      ]);
      // Another organization's catalog is its own.
      expect((await h.request('GET', `${T}/invoice.paid`, { key: other })).status).toBe(404);
      expect((await h.request('POST', '/v1/events', { key: other, body: { event_type: 'invoice.paid', data: {} } })).status).toBe(422);
    });

    it('checks published data against the schema, 422 with the paths', async () => {
      const bad = await h.request('POST', '/v1/events', { key, body: { event_type: 'invoice.paid', data: { amount: -1, lines: ['a', 2] } } });
      expect(bad.status).toBe(422);
      // The first problem (checking stops there, so a failing check costs no more than a passing one).
      expect(bad.body.error.details.map((d: { path: unknown[] }) => d.path)).toEqual([['data', 'amount']]);
      expect(
        (await h.request('POST', '/v1/events', { key, body: { event_type: 'invoice.paid', data: { amount: 1, lines: ['a', 2] } } })).body.error.details[0].path,
      ).toEqual(['data', 'lines', 1]);
      const missing = await h.request('POST', '/v1/events', { key, body: { event_type: 'invoice.paid', data: {} } });
      expect(missing.body.error.details).toEqual([{ path: ['data', 'amount'], message: "must have required property 'amount'" }]);
      expect((await h.request('POST', '/v1/events', { key, body: { event_type: 'invoice.paid', data: { amount: 12.5 } } })).status).toBe(202);
      // Checking is bounded: (subschemas × values) at most 250,000; 4 subschemas here, so 62,500 values.
      const many = await h.request('POST', '/v1/events', { key, body: { event_type: 'invoice.paid', data: { amount: 1, lines: Array(83_400).fill('x') } } });
      expect(many.status).toBe(422);
      expect(many.body.error.details).toEqual([{ path: ['data'], message: expect.stringContaining('too many to check') }]);
      // A type without a schema takes any data.
      expect((await h.request('POST', '/v1/events', { key, body: { event_type: 'object.created', data: [1, 'x'] } })).status).toBe(202);
    });

    it('archives: no new subscriptions, existing ones keep receiving and may be edited', async () => {
      const hook = await h.request('POST', `${W}/`, { key, body: webhookBody({ event_types: ['invoice.paid'] }) });
      expect(hook.status).toBe(201);
      expect((await h.request('DELETE', `${T}/invoice.paid`, { key })).status).toBe(204);
      expect((await h.request('DELETE', `${T}/invoice.paid`, { key })).status).toBe(204);
      expect((await h.request('GET', `${T}/invoice.paid`, { key })).body.archived).toBe(true);
      const refused = await h.request('POST', `${W}/`, { key, body: webhookBody({ webhook_name: 'New', event_types: ['invoice.paid'] }) });
      expect(refused.status).toBe(422);
      expect(refused.body.error.details).toEqual([{ path: ['event_types', 0], message: "'invoice.paid' is archived: it cannot be newly subscribed to" }]);
      // `invoice.*` selects only archived types now.
      expect((await h.request('POST', `${W}/`, { key, body: webhookBody({ webhook_name: 'New', event_types: ['invoice.*'] }) })).status).toBe(422);
      const kept = await h.request('PATCH', `${W}/${hook.body.webhook_id}`, { key, body: { event_types: ['invoice.paid', 'object.created'] } });
      expect(kept.status).toBe(200);
      const before = await pending();
      expect((await h.request('POST', '/v1/events', { key, body: { event_type: 'invoice.paid', data: { amount: 1 } } })).status).toBe(202);
      expect(await pending()).toBe(before + 2);
    });

    it('replaces with PUT (If-Match on the catalog revision) and restores an archived type', async () => {
      const current = await h.request('GET', `${T}/invoice.paid`, { key });
      const etag = current.headers.get('etag')!;
      expect((await h.request('PUT', `${T}/invoice.paid`, { key, body: { description: 'x' }, headers: { 'if-match': '"1"' } })).status).toBe(412);
      expect((await h.request('PUT', `${T}/nope.nope`, { key, body: {} })).status).toBe(404);
      const put = await h.request('PUT', `${T}/invoice.paid`, {
        key,
        body: { description: 'Paid in full.', category: 'Billing', cache_scope: 'KEY' },
        headers: { 'if-match': etag },
      });
      expect(put.status).toBe(200);
      // Replaced: the schema left out is gone, archived left out is false.
      expect(put.body).toEqual({ name: 'invoice.paid', description: 'Paid in full.', category: 'Billing', cache_scope: 'KEY', schema: null, archived: false });
      expect(Number(JSON.parse(put.headers.get('etag')!))).toBe(Number(JSON.parse(etag)) + 2);
      expect((await h.request('POST', '/v1/events', { key, body: { event_type: 'invoice.paid', data: { anything: true } } })).status).toBe(202);
      expect((await h.request('POST', `${W}/`, { key, body: webhookBody({ webhook_name: 'Now', event_types: ['invoice.paid'] }) })).status).toBe(201);
    });

    it('keeps the catalog’s history, a page at a time', async () => {
      const first = await h.request('GET', `${T}/history?limit=2`, { key });
      expect(first.status).toBe(200);
      expect(first.body.events.map((e: { type: string }) => e.type)).toEqual(['CatalogSeeded', 'EventTypeAdded']);
      expect(first.body.events[1]).toMatchObject({ revision: 2, data: { event_type: { name: 'invoice.paid' } }, actor: expect.stringMatching(/^key:/) });
      const rest = await h.request('GET', `${T}/history?cursor=${first.body.pagination.next_cursor}`, { key });
      expect(rest.body.events.map((e: { type: string }) => e.type)).toEqual(['EventTypeArchived', 'EventTypeChanged', 'EventTypeRestored']);
      expect(rest.body.pagination).toEqual({ limit: 50, next_cursor: null, has_more: false });
      // A cursor is bound to its catalog.
      expect((await h.request('GET', `${T}/history?cursor=${first.body.pagination.next_cursor}`, { key: other })).status).toBe(422);
      expect((await h.request('GET', `${T}/history`, { key: other })).body.events).toEqual([]);
    });

    it('is for organization keys: an operator key gets 403', async () => {
      const operator = await createOperatorKey({
        organizations: h.container.get(TOKENS.Organizations),
        keys: h.container.get(TOKENS.KeyMaterial),
        clock: h.clock,
      });
      if (operator._tag === 'Left') throw new Error(operator.left.message);
      const res = await h.request('GET', T, { key: operator.right.key });
      expect(res.status).toBe(403);
      expect(res.body.error.type).toBe('Forbidden');
      expect((await h.request('POST', `${W}/list`, { key: operator.right.key })).status).toBe(403);
    });
  });
}
