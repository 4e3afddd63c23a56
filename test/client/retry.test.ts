import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HookledgerApiError, createHookledgerClient, retryAfterMs } from '../../src/client/index.js';
import { type Harness, startHarness } from '../support/http-harness.js';

/** A loopback server that answers each request with the next of `answers`, recording what it got. */
const stubServer = async () => {
  let answers: ((res: ServerResponse) => void)[] = [];
  const received: { method: string; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', body: Buffer.concat(chunks).toString('utf8') });
      (answers.shift() ?? ((r: ServerResponse) => r.writeHead(500).end()))(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answer: (...next: ((res: ServerResponse) => void)[]) => {
      answers = next;
      received.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

const envelope =
  (status: number, type: string, headers: Record<string, string> = {}) =>
  (res: ServerResponse) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ success: false, status, error: { type, message: type } }));
const accepted = (res: ServerResponse) => res.writeHead(202, { 'content-type': 'application/json' }).end('{"message_id":"msg_1"}');

describe('the client waits out 429 and 503, honouring Retry-After, a bounded number of times', () => {
  let stub: Awaited<ReturnType<typeof stubServer>>;
  const slept: number[] = [];
  const client = (retries = 3) =>
    createHookledgerClient({ baseUrl: stub.url, apiKey: 'sk_test', retry: { retries, sleep: async (ms) => void slept.push(ms), maxDelayMs: 10_000 } });
  beforeAll(async () => {
    stub = await stubServer();
  });
  afterAll(() => stub.close());

  it('repeats a 429 after Retry-After seconds, sending the same body each time', async () => {
    slept.length = 0;
    stub.answer(envelope(429, 'RateLimited', { 'retry-after': '2' }), envelope(429, 'RateLimited', { 'retry-after': '1' }), accepted);
    expect(await client().events.publish({ event_type: 'a.b', data: { n: 1 } })).toEqual({ message_id: 'msg_1' });
    expect(slept).toEqual([2000, 1000]);
    expect(stub.received.map((r) => JSON.parse(r.body))).toEqual(Array(3).fill({ event_type: 'a.b', data: { n: 1 } }));
  });

  it('backs off exponentially on a 503 without Retry-After, and gives up after the retries with the envelope', async () => {
    slept.length = 0;
    stub.answer(...Array(4).fill(envelope(503, 'ServiceUnavailable')));
    const error = await client(3)
      .events.publish({ event_type: 'a.b', data: null })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HookledgerApiError);
    expect(error).toMatchObject({ status: 503, type: 'ServiceUnavailable' });
    expect(slept).toEqual([500, 1000, 2000]);
    expect(stub.received).toHaveLength(4);
  });

  it('does not wait longer than maxDelayMs: a Retry-After beyond it is returned at once', async () => {
    slept.length = 0;
    stub.answer(envelope(429, 'RateLimited', { 'retry-after': '3600' }), accepted);
    await expect(client().events.publish({ event_type: 'a.b', data: 1 })).rejects.toMatchObject({ status: 429, type: 'RateLimited' });
    expect(slept).toEqual([]);
    expect(stub.received).toHaveLength(1);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Wed, 25 Nov 2026 10:00:05 GMT', () => Date.parse('2026-11-25T10:00:00Z'))).toBe(5000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe('the client meets the server’s own rate limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('memory', undefined, { env: { HOOKLEDGER_RATE_LIMIT: '1', HOOKLEDGER_RATE_LIMIT_BURST: '1' } });
  });
  afterAll(() => h.close());

  it('sees 429 RateLimited with Retry-After, and retries after it', async () => {
    const slept: number[] = [];
    const apiKey = (await h.newOrg()).key;
    const noRetry = createHookledgerClient({ baseUrl: h.url, apiKey, retry: false });
    await noRetry.eventTypes.list();
    await expect(noRetry.eventTypes.list()).rejects.toMatchObject({ status: 429, type: 'RateLimited' });
    // The limiter runs on real time: the injected sleep waits what Retry-After asked (one second).
    const client = createHookledgerClient({
      baseUrl: h.url,
      apiKey,
      retry: {
        sleep: async (ms) => {
          slept.push(ms);
          await new Promise((r) => setTimeout(r, ms));
        },
      },
    });
    expect((await client.eventTypes.list()).event_types.length).toBeGreaterThan(0);
    expect(slept).toEqual([1000]);
  });
});
