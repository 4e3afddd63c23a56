import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, webhookBody } from '../support/http-harness.js';

const W = '/v1/organizations/webhooks';

describe('list, event types and health over HTTP', () => {
  let h: Harness;
  let key: string;
  const ids: string[] = [];

  beforeAll(async () => {
    h = await startHarness('sqlite-file');
    key = (await h.newOrg()).key;
    const subscriptions = [['*'], ['object.*'], ['object.created'], ['cluster.*'], ['collection.created']];
    for (let i = 0; i < 25; i++) {
      const res = await h.request('POST', `${W}/`, {
        key,
        body: webhookBody({ webhook_name: `Hook ${i}`, event_types: subscriptions[i % 5], is_active: i % 2 === 0 }),
      });
      ids.push(res.body.webhook_id);
    }
    await h.request('DELETE', `${W}/${ids[0]}`, { key });
  });
  afterAll(() => h.close());

  it('lists in creation order with total and pagination, 20 by default', async () => {
    const res = await h.request('POST', `${W}/list`, { key });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(24);
    expect(res.body.results.map((w: { webhook_id: string }) => w.webhook_id)).toEqual(ids.slice(1, 21));
    expect(res.body.pagination).toEqual({ limit: 20, offset: 0, next_cursor: expect.any(String), has_more: true });
    expect(res.text).not.toMatch(/int_|organization_id/);
  });

  it('pages by offset and by cursor to the same complete result', async () => {
    const byOffset: string[] = [];
    for (let offset = 0; offset < 24; offset += 7) {
      const res = await h.request('POST', `${W}/list?limit=7&offset=${offset}`, { key });
      byOffset.push(...res.body.results.map((w: { webhook_id: string }) => w.webhook_id));
    }
    const byCursor: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { results: { webhook_id: string }[]; pagination: { next_cursor: string | null } } } = await h.request(
        'POST',
        `${W}/list?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
        { key },
      );
      byCursor.push(...res.body.results.map((w) => w.webhook_id));
      cursor = res.body.pagination.next_cursor;
    } while (cursor);
    expect(byOffset).toEqual(ids.slice(1));
    expect(byCursor).toEqual(ids.slice(1));
  });

  it('filters by the event type a webhook would receive and by is_active', async () => {
    const names = async (body: unknown) =>
      (await h.request('POST', `${W}/list?limit=100`, { key, body })).body.results.map((w: { webhook_name: string }) => Number(w.webhook_name.slice(5)));
    const objectCreated = await names({ event_type: 'object.created' });
    expect(objectCreated).toEqual([...Array(25).keys()].filter((i) => i !== 0 && [0, 1, 2].includes(i % 5)));
    expect(await names({ event_type: 'cluster.execution.failed' })).toEqual([...Array(25).keys()].filter((i) => i !== 0 && [0, 3].includes(i % 5)));
    expect(await names({ is_active: false })).toEqual([...Array(25).keys()].filter((i) => i % 2 === 1));
    expect(await names({ event_type: 'object.created', is_active: true })).toEqual(objectCreated.filter((i: number) => i % 2 === 0));
  });

  it('rejects bad paging and filters with 422, naming the parameter', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'offset=-1', 'cursor=zzz!', 'offset=1&cursor=c1', 'limit=1&limit=2', 'unknown=1']) {
      const res = await h.request('POST', `${W}/list?${query}`, { key });
      expect(res.status, query).toBe(422);
      expect(res.body.error.type).toBe('ValidationError');
    }
    expect((await h.request('POST', `${W}/list`, { key, body: { is_active: 'yes' } })).body.error.details[0].path).toEqual(['is_active']);
  });

  it('serves the organization’s catalog with categories and cache scopes', async () => {
    const res = await h.request('GET', '/v1/event-types', { key });
    expect(res.body.catalog).toBe('dotted');
    expect(res.body.event_types).toContainEqual({
      name: 'object.created',
      description: 'New object ingested.',
      category: 'Object Lifecycle',
      cache_scope: 'KEY',
      schema: null,
      archived: false,
    });
    const upper = await h.newOrg(undefined, 'upper-snake');
    const other = await h.request('GET', '/v1/event-types', { key: upper.key });
    expect(other.body.catalog).toBe('upper-snake');
    expect(other.body.event_types).toHaveLength(28);
    const created = await h.request('POST', `${W}/`, { key: upper.key, body: webhookBody({ event_types: ['FACT_SHEET_*'] }) });
    expect(created.status).toBe(201);
    expect((await h.request('POST', `${W}/`, { key: upper.key, body: webhookBody({ event_types: ['object.created'] }) })).status).toBe(422);
  });

  it('answers liveness and readiness without a key', async () => {
    expect(await h.request('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await h.request('GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
  });
});
