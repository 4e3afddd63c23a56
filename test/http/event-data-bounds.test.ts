import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_DATA_LIMITS } from '../../src/domain/index.js';
import { type Harness, startHarness, webhookBody } from '../support/http-harness.js';
import { startReceiver } from '../support/receivers.js';
import { waitFor } from '../support/wait-for.js';

const W = '/v1/organizations/webhooks';
const nestedJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('event data nesting is bounded before anything is stored (real API, SQLite file, worker)', () => {
  let h: Harness;
  let key: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let webhookId: string;

  beforeAll(async () => {
    h = await startHarness('sqlite-file', undefined, { worker: true, realClock: true });
    key = (await h.newOrg()).key;
    receiver = await startReceiver();
    const res = await h.request('POST', `${W}/`, {
      key,
      body: webhookBody({ event_types: ['object.*'], channels: [{ channel: 'webhook', configs: { url: receiver.url } }] }),
    });
    expect(res.status, res.text).toBe(201);
    webhookId = res.body.webhook_id;
  });
  afterAll(async () => {
    await receiver.close();
    await h.close();
  });

  it.each([EVENT_DATA_LIMITS.depth + 1, 5_000, 150_000])('data %i levels deep gets 422 with the path, and nothing is delivered or logged', async (levels) => {
    const res = await h.request('POST', '/v1/events', {
      key,
      headers: { 'content-type': 'application/json' },
      rawBody: `{"event_type":"object.created","data":${nestedJson(levels)}}`,
    });
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.type).toBe('ValidationError');
    expect(res.body.error.details[0].path.slice(0, 3)).toEqual(['data', 'a', 'a']);
    expect(res.body.error.details[0].message).toContain(`${EVENT_DATA_LIMITS.depth} levels`);
    const log = await h.request('GET', `${W}/${webhookId}/deliveries`, { key });
    expect(log.status).toBe(200);
    expect(log.body.results).toEqual([]);
  });

  it('data at the limit is accepted, delivered, and the delivery log still reads as JSON', async () => {
    const res = await h.request('POST', '/v1/events', {
      key,
      headers: { 'content-type': 'application/json' },
      rawBody: `{"event_type":"object.created","data":${nestedJson(EVENT_DATA_LIMITS.depth)}}`,
    });
    expect(res.status, res.text).toBe(202);
    await waitFor(() => receiver.received[0], 10_000, 'the delivery');
    const log = await waitFor(
      async () => {
        const r = await h.request('GET', `${W}/${webhookId}/deliveries`, { key });
        return r.body.results?.length === 1 ? r : undefined;
      },
      10_000,
      'the recorded attempt',
    );
    expect(log.status).toBe(200);
    expect(log.headers.get('content-type')).toContain('application/json');
    // The data itself is read back from the message endpoint, which the log leaves it to.
    const message = await h.request('GET', `${W}/${webhookId}/messages/${res.body.message_id}`, { key });
    expect(message.status).toBe(200);
    expect(message.headers.get('content-type')).toContain('application/json');
    expect(JSON.stringify(message.body.data)).toBe(nestedJson(EVENT_DATA_LIMITS.depth));
  });
});
