import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTEMPT_MAX_BYTES, DELIVERY_PAGE, DELIVERY_PAGE_MAX_BYTES, clipEncoded, presentAttempt } from '../../src/adapters/http/koa/delivery-log.js';
import type { DeliveryAttemptView } from '../../src/ports/delivery-queue.js';
import { type Harness, type StoreKind, availableKinds, startHarness, webhookBody } from '../support/http-harness.js';
import { startReceiver } from '../support/receivers.js';
import { waitFor } from '../support/wait-for.js';

const W = '/v1/organizations/webhooks';

interface Attempt {
  message_id: string;
  event_type: string;
  channel: string;
  attempt: number;
  status: string;
  response_body: string | null;
  error: string | null;
}
interface Page {
  results: Attempt[];
  pagination: { limit: number; next_cursor: string | null; has_more: boolean };
}

describe('the size bound of one attempt in the log', () => {
  it('cuts text to a byte budget as JSON encodes it: a prefix that fits, and the next character would not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.integer({ min: 0, max: 400 }), (text, max) => {
        const cut = clipEncoded(text, max);
        const size = (s: string) => Buffer.byteLength(JSON.stringify(s)) - 2;
        expect(text.startsWith(cut)).toBe(true);
        expect(size(cut)).toBeLessThanOrEqual(max);
        if (cut.length < text.length) expect(size(text.slice(0, cut.length + (/[\ud800-\udbff]/.test(text[cut.length]!) ? 2 : 1)))).toBeGreaterThan(max);
      }),
    );
    expect(clipEncoded('\u{1F600}\u{1F600}', 5)).toBe('\u{1F600}'); // a surrogate pair is never split
  });

  it('keeps the largest attempt it can present within ATTEMPT_MAX_BYTES', () => {
    const worst: DeliveryAttemptView = {
      attemptId: Number.MAX_SAFE_INTEGER,
      messageId: `msg_${'A'.repeat(24)}`,
      eventType: '\u0001'.repeat(5000),
      webhookId: 'wh_0123456789',
      channel: 'webhook',
      attempt: 2 ** 31,
      at: '2026-11-22T10:00:00.000Z',
      succeeded: false,
      statusCode: 999,
      latencyMs: -1.7976931348623157e308,
      responseBody: '\u0001'.repeat(20_000),
      error: '\ud800'.repeat(20_000),
      deliveryStatus: 'scheduled',
    };
    const bytes = Buffer.byteLength(JSON.stringify(presentAttempt(worst))) + 1; // and its comma in the list
    expect(bytes).toBeLessThanOrEqual(ATTEMPT_MAX_BYTES);
    expect(bytes).toBeGreaterThan(ATTEMPT_MAX_BYTES - 600); // the budget is tight, not generous
    expect(DELIVERY_PAGE_MAX_BYTES).toBe(589_056);
  });
});

describe.each<StoreKind>(await availableKinds('sqlite-file', 'postgres'))('the delivery log: pages, payloads once per message, a bounded size (%s)', (kind) => {
  let h: Harness;
  let key: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let hookId: string;
  let otherHookId: string;
  const published: { id: string; type: string; n: number }[] = [];

  beforeAll(async () => {
    h = await startHarness(kind, undefined, { worker: true, realClock: true });
    key = (await h.newOrg()).key;
    receiver = await startReceiver();
    // Three channels: every event is three attempts in this webhook's log.
    const channels = ['a', 'b', 'c'].map((p) => ({ channel: 'webhook', configs: { url: `${receiver.url}/${p}` } }));
    const hook = await h.request('POST', `${W}/`, { key, body: webhookBody({ event_types: ['object.*'], channels }) });
    expect(hook.status, hook.text).toBe(201);
    hookId = hook.body.webhook_id;
    const other = await h.request('POST', `${W}/`, {
      key,
      body: webhookBody({ event_types: ['cluster.*'], channels: [{ channel: 'webhook', configs: { url: `${receiver.url}/o` } }] }),
    });
    otherHookId = other.body.webhook_id;
    // 30 object.created and 10 object.deleted: 120 attempts, 30 of them for object.deleted.
    for (let n = 0; n < 40; n++) {
      const type = n % 4 === 3 ? 'object.deleted' : 'object.created';
      const res = await h.request('POST', '/v1/events', { key, body: { event_type: type, data: { n, note: `event number ${n}` } } });
      expect(res.status).toBe(202);
      published.push({ id: res.body.message_id, type, n });
    }
    await waitFor(async () => (await pageAll(`${W}/${hookId}/deliveries?limit=100`)).length === 120, 30_000, 'all 120 recorded attempts');
  }, 90_000);
  afterAll(async () => {
    await receiver?.close();
    await h?.close();
  });

  const get = (path: string, as = key) => h.request('GET', path, { key: as });
  /** Follows next_cursor from `path` to the end. */
  const pageAll = async (path: string): Promise<Attempt[]> => {
    const out: Attempt[] = [];
    for (let cursor: string | null = null; ;) {
      const res = await get(`${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status, res.text).toBe(200);
      out.push(...(res.body as Page).results);
      cursor = (res.body as Page).pagination.next_cursor;
      if (!cursor) return out;
    }
  };

  it('pages 120 attempts as 50, 50 and 20, newest first, each exactly once, with has_more and next_cursor', async () => {
    const first = await get(`${W}/${hookId}/deliveries`);
    expect(first.status).toBe(200);
    expect(first.body.results).toHaveLength(DELIVERY_PAGE.defaultLimit);
    expect(first.body.pagination).toEqual({ limit: 50, next_cursor: expect.stringMatching(/^[A-Za-z0-9._-]+$/), has_more: true });
    const second = await get(`${W}/${hookId}/deliveries?cursor=${first.body.pagination.next_cursor}`);
    expect(second.body.results).toHaveLength(50);
    expect(second.body.pagination.has_more).toBe(true);
    const third = await get(`${W}/${hookId}/deliveries?cursor=${second.body.pagination.next_cursor}`);
    expect(third.body.results).toHaveLength(20);
    expect(third.body.pagination).toEqual({ limit: 50, next_cursor: null, has_more: false });

    const all = [...first.body.results, ...second.body.results, ...third.body.results] as Attempt[];
    expect(all.every((a) => a.status === 'succeeded' && a.attempt === 1)).toBe(true);
    // Every published message three times (three channels), none twice per channel.
    const perMessage = new Map<string, number>();
    for (const a of all) perMessage.set(a.message_id, (perMessage.get(a.message_id) ?? 0) + 1);
    expect(new Set(perMessage.values())).toEqual(new Set([3]));
    expect([...perMessage.keys()].sort()).toEqual(published.map((p) => p.id).sort());
    // Newest first: the last message published appears on the first page, the first one on the last page.
    expect(first.body.results.map((a: Attempt) => a.message_id)).toContain(published.at(-1)!.id);
    expect(third.body.results.map((a: Attempt) => a.message_id)).toContain(published[0]!.id);
    // No payload in the log.
    for (const a of all)
      expect(Object.keys(a).sort()).toEqual([
        'at',
        'attempt',
        'channel',
        'delivery_status',
        'error',
        'event_type',
        'latency_ms',
        'message_id',
        'response_body',
        'status',
        'status_code',
      ]);
    expect(JSON.stringify(all)).not.toContain('event number');
  });

  it('keeps the filters across pages, and a cursor only continues the listing it came from', async () => {
    const deleted = await pageAll(`${W}/${hookId}/deliveries?event_type=object.deleted&limit=20`);
    expect(deleted).toHaveLength(30);
    expect(new Set(deleted.map((a) => a.event_type))).toEqual(new Set(['object.deleted']));
    const first = await get(`${W}/${hookId}/deliveries?event_type=object.deleted&limit=20`);
    const cursor = first.body.pagination.next_cursor as string;
    // The same cursor with other filters, or for another webhook, is not ours to continue.
    for (const path of [
      `${W}/${hookId}/deliveries?cursor=${cursor}`,
      `${W}/${hookId}/deliveries?event_type=object.created&cursor=${cursor}`,
      `${W}/${otherHookId}/deliveries?event_type=object.deleted&cursor=${cursor}`,
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(422);
      expect(res.body.error.details[0].path).toEqual(['cursor']);
    }
  });

  it('refuses a forged, edited or foreign cursor, and a page size over the maximum, with 422 at the parameter', async () => {
    const cursor = (await get(`${W}/${hookId}/deliveries?limit=10`)).body.pagination.next_cursor as string;
    const [position, tag] = cursor.slice(1).split('.') as [string, string];
    const edited = `a${(parseInt(position, 36) + 5).toString(36)}.${tag}`;
    const webhookListCursor = (await h.request('POST', `${W}/list?limit=1`, { key })).body.pagination.next_cursor as string;
    for (const forged of [edited, 'a1.000000000000', webhookListCursor, 'not-a-cursor', 'x'.repeat(101), '', '%00']) {
      const res = await get(`${W}/${hookId}/deliveries?cursor=${encodeURIComponent(forged)}`);
      expect(res.status, forged).toBe(422);
      expect(res.body.error.type).toBe('ValidationError');
      expect(res.body.error.details[0].path, forged).toEqual(['cursor']);
    }
    for (const limit of ['101', '1000', '0', '-1', '1.5', 'ten']) {
      const res = await get(`${W}/${hookId}/deliveries?limit=${limit}`);
      expect(res.status, limit).toBe(422);
      expect(res.body.error.details[0].path, limit).toEqual(['limit']);
    }
    expect((await get(`${W}/${hookId}/deliveries?limit=100`)).body.results).toHaveLength(100);
  });

  it('serves each message’s payload once at …/messages/{message_id}, only to its organization and only for its webhook', async () => {
    const { id, n, type } = published[7]!;
    const res = await get(`${W}/${hookId}/messages/${id}`);
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.body).toEqual({ message_id: id, event_type: type, accepted_at: expect.any(String), data: { n, note: `event number ${n}` } });
    expect(new Date(res.body.accepted_at).toISOString()).toBe(res.body.accepted_at);

    const stranger = await h.newOrg();
    const strangerHook = await h.request('POST', `${W}/`, {
      key: stranger.key,
      body: webhookBody({ event_types: ['object.*'], channels: [{ channel: 'webhook', configs: { url: `${receiver.url}/s` } }] }),
    });
    const cases: [string, string][] = [
      [`${W}/${hookId}/messages/${id}`, stranger.key], // another organization's webhook
      [`${W}/${strangerHook.body.webhook_id}/messages/${id}`, stranger.key], // its own webhook, our message
      [`${W}/${otherHookId}/messages/${id}`, key], // our webhook that the message was not addressed to
      [`${W}/${hookId}/messages/msg_doesnotexist000000000000`, key],
      [`${W}/wh_0000000000/messages/${id}`, key],
    ];
    for (const [path, as] of cases) {
      const r = await get(path, as);
      expect(r.status, path).toBe(404);
      expect(r.body.error.type).toBe('NotFound');
      expect(r.text).not.toContain('event number');
    }
    expect((await h.request('GET', `${W}/${hookId}/messages/${id}`, {})).status).toBe(401);
  });

  it('answers 404 for a message id that is not one of ours (a NUL once reached PostgreSQL and got a 500)', async () => {
    for (const bad of ['%00', 'msg_%00', '__proto__', `${'x'.repeat(300)}`]) {
      const read = await get(`${W}/${hookId}/messages/${bad}`);
      expect(read.status, `GET ${bad}: ${read.text}`).toBe(404);
      const retry = await h.request('POST', `${W}/${hookId}/deliveries/${bad}/retry`, { key });
      expect(retry.status, `retry ${bad}: ${retry.text}`).toBe(404);
    }
  });

  it('stays small for a 1 MB event to several channels with many attempts: the payload is served once, the page is bounded', async () => {
    // Answers 500 with a body of control characters, the costliest text to encode as JSON (six bytes each).
    const failing = await startReceiver((_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('\u0001'.repeat(10_000)));
    try {
      const channels = Array.from({ length: 5 }, (_, i) => ({ channel: 'webhook', configs: { url: `${failing.url}/${i}` } }));
      const hook = await h.request('POST', `${W}/`, { key, body: webhookBody({ event_types: ['cluster.*'], channels }) });
      expect(hook.status, hook.text).toBe(201);
      const marker = 'X'.repeat(1000);
      const data = { blob: Array.from({ length: 1000 }, (_, i) => `${i}:${marker}`).join('') }; // ~1 MB
      const event = await h.request('POST', '/v1/events', { key, body: { event_type: 'cluster.created', data } });
      expect(event.status, event.text).toBe(202);
      // The harness retries 0, 50 ms, 100 ms: three attempts per channel, fifteen in all, each sending the 1 MB payload.
      const all = await waitFor(
        async () => {
          const page = (await get(`${W}/${hook.body.webhook_id}/deliveries?limit=100`)).body as Page;
          return page.results.length === 15 && page.results;
        },
        30_000,
        'fifteen failed attempts',
      );
      expect(failing.received).toHaveLength(15);
      expect(all.every((a) => a.status === 'failed' && a.message_id === event.body.message_id)).toBe(true);

      const page = await get(`${W}/${hook.body.webhook_id}/deliveries?limit=100`);
      const bytes = Buffer.byteLength(page.text);
      expect(bytes).toBeLessThanOrEqual(15 * ATTEMPT_MAX_BYTES);
      expect(bytes).toBeLessThan(100_000); // 15 attempts, where a single copy of the payload is 1 MB
      expect(page.text).not.toContain(marker.slice(0, 100));
      for (const a of page.body.results as Attempt[]) {
        // Cut to the first 4 KiB the receiver sent, then to 4,096 bytes as encoded (\u0001 takes six).
        expect(Buffer.byteLength(JSON.stringify(a.response_body)) - 2).toBeLessThanOrEqual(4096);
        expect(a.response_body).toMatch(/^\u0001{600,}$/);
        expect(a.error).toBe('HTTP 500');
      }
      expect(DELIVERY_PAGE_MAX_BYTES).toBeLessThan(600 * 1024);

      const message = await get(`${W}/${hook.body.webhook_id}/messages/${event.body.message_id}`);
      expect(message.status).toBe(200);
      expect(message.body.data).toEqual(data);
      expect(Buffer.byteLength(message.text)).toBeLessThan(JSON.stringify(data).length + 200);
    } finally {
      await failing.close();
    }
  }, 60_000);
});
