import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type StoreKind, availableKinds, startHarness, webhookBody } from '../support/http-harness.js';

const W = '/v1/organizations/webhooks';

describe.each<StoreKind>(await availableKinds('sqlite-file', 'memory', 'postgres'))('bounded work per request (%s)', (kind) => {
  let h: Harness;
  let key: string;
  beforeAll(async () => {
    h = await startHarness(kind);
    key = (await h.newOrg()).key;
  });
  afterAll(() => h.close());

  const create = async () => {
    const res = await h.request('POST', `${W}/`, { key, body: webhookBody() });
    expect(res.status, res.text).toBe(201);
    return res.body.webhook_id as string;
  };

  describe('GET …/history a page at a time', () => {
    let id: string;
    beforeAll(async () => {
      id = await create();
      for (let i = 1; i <= 120; i++) {
        const res = await h.request('PATCH', `${W}/${id}`, { key, body: { webhook_name: `Name ${i}` } });
        expect(res.status).toBe(200);
      }
    });

    it('pages 121 events as 50, 50 and 21, oldest first, each exactly once, with next_cursor and has_more', async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      const sizes: number[] = [];
      do {
        const res = await h.request('GET', `${W}/${id}/history${cursor ? `?cursor=${cursor}` : ''}`, { key });
        expect(res.status, res.text).toBe(200);
        const events = res.body.events as { revision: number }[];
        sizes.push(events.length);
        seen.push(...events.map((e) => e.revision));
        expect(res.body.pagination).toMatchObject({ limit: 50, has_more: res.body.pagination.next_cursor !== null });
        cursor = res.body.pagination.next_cursor;
      } while (cursor);
      expect(sizes).toEqual([50, 50, 21]);
      expect(seen).toEqual(Array.from({ length: 121 }, (_, i) => i + 1));
    });

    it('takes a page size up to 100 and refuses more, a cursor it did not issue, and one of another webhook, with 422', async () => {
      const page = await h.request('GET', `${W}/${id}/history?limit=100`, { key });
      expect(page.body.events).toHaveLength(100);
      expect((await h.request('GET', `${W}/${id}/history?limit=101`, { key })).status).toBe(422);
      const cursor = page.body.pagination.next_cursor as string;
      const [, tag] = cursor.split('.');
      for (const bad of ['h2s.000000000000', `h2t.${tag}`, 'c1', 'nonsense']) {
        const res = await h.request('GET', `${W}/${id}/history?cursor=${bad}`, { key });
        expect(res.status, bad).toBe(422);
        expect(res.body.error.details[0].path).toEqual(['cursor']);
      }
      const other = await create();
      expect((await h.request('GET', `${W}/${other}/history?cursor=${cursor}`, { key })).status).toBe(422);
      expect((await h.request('GET', `${W}/${id}/history?cursor=${cursor}`, { key })).body.events[0].revision).toBe(101);
    });

    it('answers another organization 404, whatever the cursor', async () => {
      const stranger = (await h.newOrg()).key;
      expect((await h.request('GET', `${W}/${id}/history`, { key: stranger })).status).toBe(404);
      const cursor = (await h.request('GET', `${W}/${id}/history`, { key })).body.pagination.next_cursor as string;
      expect((await h.request('GET', `${W}/${id}/history?cursor=${cursor}`, { key: stranger })).status).toBe(404);
    });
  });

  describe('the 64 KiB limit on one webhook’s settings', () => {
    const slack = (i: number, text: string) => ({
      channel: 'slack',
      configs: { webhook_url: 'https://hooks.slack.com/services/T/B/X', channel: `#c${i}`, message_template: text },
    });
    const big = (n: number) => Array.from({ length: n }, (_, i) => slack(i, 'x'.repeat(9_000)));

    it('refuses to create or grow a webhook past it with 422 at the body’s root, and records nothing', async () => {
      const before = await h.eventCount();
      const res = await h.request('POST', `${W}/`, { key, body: webhookBody({ channels: big(8) }) });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({
        type: 'ValidationError',
        details: [{ path: [], message: expect.stringMatching(/^the settings take \d+ bytes as canonical JSON; at most 65536/) }],
      });
      const id = await create();
      const grown = await h.request('PUT', `${W}/${id}`, { key, body: webhookBody({ channels: big(8) }) });
      expect(grown.status).toBe(422);
      expect(await h.eventCount()).toBe(before + 1);
      expect((await h.request('PUT', `${W}/${id}`, { key, body: webhookBody({ channels: big(7) }) })).status).toBe(200);
    });
  });
});
