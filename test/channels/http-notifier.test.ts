import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpNotifier } from '../../src/adapters/channels/http/http-notifier.js';
import { sign } from '../../src/adapters/channels/http/sign.js';
import type { Channel } from '../../src/domain/index.js';
import type { OutboundMessage } from '../../src/ports/notifier.js';
import { startReceiver } from '../support/receivers.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD_SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
const now = new Date('2026-11-22T10:00:00.000Z');
const message: OutboundMessage = {
  messageId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  eventType: 'cluster.execution.failed',
  timestamp: '2026-11-22T09:59:59.000Z',
  data: { cluster: 'c-1', note: 'said "hi"\n' },
  webhookId: 'wh_abc123def4',
  webhookName: 'Ops',
};
const channel = (url: string, configs: Partial<Extract<Channel, { channel: 'webhook' }>['configs']> = {}): Channel => ({
  channel: 'webhook',
  configs: { url, headers: { 'X-Team': 'eng' }, timeout: 2, ...configs },
});
const allowed = new HttpNotifier({ allowPrivateDestinations: true, userAgent: 'Hookledger/test' });
const guarded = new HttpNotifier({ allowPrivateDestinations: false, userAgent: 'Hookledger/test' });

describe('Standard Webhooks signing', () => {
  it('reproduces the specification’s published test vector', () => {
    expect(sign(SECRET, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

describe('HTTP channel against a real receiver', () => {
  const receivers: { close: () => Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };

  it('POSTs the Standard Webhooks body and headers, which the standardwebhooks package verifies', async () => {
    const r = await receiver();
    const result = await allowed.send(channel(`${r.url}/hook`), message, { secrets: { current: SECRET }, now: new Date() });
    expect(result).toMatchObject({ disposition: 'succeeded', statusCode: 204 });
    const [req] = r.received;
    expect(req).toMatchObject({ method: 'POST', url: '/hook' });
    expect(JSON.parse(req!.body)).toEqual({ type: 'cluster.execution.failed', timestamp: '2026-11-22T09:59:59.000Z', data: message.data });
    expect(req!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-team': 'eng',
      'webhook-id': message.messageId,
      'user-agent': 'Hookledger/test',
    });
    expect(new Webhook(SECRET).verify(req!.body, req!.headers as Record<string, string>)).toEqual(JSON.parse(req!.body));
  });

  it('signs with both secrets during a rotation’s grace period, so either verifies', async () => {
    const r = await receiver();
    const sent = new Date();
    await allowed.send(channel(r.url), message, {
      secrets: { current: SECRET, previous: { secret: OLD_SECRET, expiresAt: new Date(sent.getTime() + 1000).toISOString() } },
      now: sent,
    });
    await allowed.send(channel(r.url), message, {
      secrets: { current: SECRET, previous: { secret: OLD_SECRET, expiresAt: new Date(sent.getTime() - 1000).toISOString() } },
      now: sent,
    });
    const [during, after] = r.received;
    expect(String(during!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const s of [SECRET, OLD_SECRET]) expect(() => new Webhook(s).verify(during!.body, during!.headers as Record<string, string>)).not.toThrow();
    expect(String(after!.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => new Webhook(OLD_SECRET).verify(after!.body, after!.headers as Record<string, string>)).toThrow();
  });

  it('renders payload_template as JSON-safe text', async () => {
    const r = await receiver();
    await allowed.send(
      channel(r.url, { payload_template: '{"alert": "{{event_type}} on {{data.cluster}}", "note": "{{data.note}}", "missing": "{{data.nope}}"}' }),
      message,
      { secrets: { current: SECRET }, now: new Date() },
    );
    expect(JSON.parse(r.received[0]!.body)).toEqual({ alert: 'cluster.execution.failed on c-1', note: 'said "hi"\n', missing: '' });
  });

  it.each([
    [500, 'retry'],
    [503, 'retry'],
    [408, 'retry'],
    [404, 'final'],
    [400, 'final'],
    [410, 'gone'],
    [302, 'retry'],
  ] as const)('classifies HTTP %i as %s, keeping the response body', async (status, disposition) => {
    const r = await receiver((_req, res) => res.writeHead(status, { location: 'http://127.0.0.1:1/elsewhere' }).end(`answer ${status}`));
    const result = await allowed.send(channel(r.url), message, { secrets: { current: SECRET }, now: new Date() });
    expect(result).toMatchObject({ disposition, statusCode: status, responseBody: `answer ${status}`, error: `HTTP ${status}` });
    expect(r.received).toHaveLength(1); // a redirect is not followed
  });

  it('honours Retry-After in seconds and as a date', async () => {
    const r = await receiver((req, res) =>
      res.writeHead(429, { 'retry-after': req.url === '/s' ? '7' : new Date(now.getTime() + 60_000).toUTCString() }).end(),
    );
    expect((await allowed.send(channel(`${r.url}/s`), message, { secrets: { current: SECRET }, now })).retryAfterMs).toBe(7000);
    expect((await allowed.send(channel(`${r.url}/d`), message, { secrets: { current: SECRET }, now })).retryAfterMs).toBe(60_000);
  });

  it('gives up on a receiver that does not answer within the timeout, and truncates long answers', async () => {
    const slow = await receiver(() => undefined);
    const result = await allowed.send(channel(slow.url, { timeout: 1 }), message, { secrets: { current: SECRET }, now: new Date() });
    expect(result).toMatchObject({ disposition: 'retry', statusCode: null, error: 'timed out after 1000 ms' });
    const chatty = await receiver((_req, res) => res.writeHead(200).end('x'.repeat(100_000)));
    expect((await allowed.send(channel(chatty.url), message, { secrets: { current: SECRET }, now: new Date() })).responseBody).toHaveLength(4096);
  });

  it('fails clearly on a refused connection', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    receivers.pop();
    expect(await allowed.send(channel(url), message, { secrets: { current: SECRET }, now: new Date() })).toMatchObject({
      disposition: 'retry',
      error: expect.stringContaining('ECONNREFUSED'),
    });
  });
});

describe('SSRF guard', () => {
  it.each([
    'http://127.0.0.1:{port}/',
    'http://localhost:{port}/',
    'http://[::1]:{port}/',
    'http://[::ffff:127.0.0.1]:{port}/',
    'http://10.0.0.1/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://0.0.0.0:{port}/',
    'http://[fd00:ec2::254]/',
    'http://[fe80::1]/',
    'http://2130706433:{port}/',
    // IPv6 forms the guard used to miss: IPv4-compatible, SIIT, NAT64 (both prefixes), 6to4, site-local, discard.
    'http://[::7f00:1]:{port}/',
    'http://[::ffff:0:7f00:1]:{port}/',
    'http://[64:ff9b::7f00:1]/',
    'http://[64:ff9b:1::a9fe:a9fe]/',
    'http://[2002:7f00:1::]/',
    'http://[fec0::1]/',
    'http://[100::1]/',
  ])('refuses %s unless private destinations are allowed, without sending anything', async (template) => {
    const r = await startReceiver();
    try {
      const result = await guarded.send(channel(template.replace('{port}', String(r.port))), message, { secrets: { current: SECRET }, now: new Date() });
      expect(result).toMatchObject({ disposition: 'final', statusCode: null, error: expect.stringContaining('private or reserved address') });
      expect(r.received).toHaveLength(0);
    } finally {
      await r.close();
    }
  });

  it('lets the same loopback receiver through when the operator allows private destinations', async () => {
    const r = await startReceiver();
    try {
      expect((await allowed.send(channel(`http://localhost:${r.port}/`), message, { secrets: { current: SECRET }, now: new Date() })).disposition).toBe(
        'succeeded',
      );
    } finally {
      await r.close();
    }
  });
});
