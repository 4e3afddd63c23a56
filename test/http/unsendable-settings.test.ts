import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, webhookBody } from '../support/http-harness.js';

const W = '/v1/organizations/webhooks';
const privateUrls = ['http://169.254.169.254/latest/meta-data', 'http://localhost/x', 'http://[::ffff:127.0.0.1]/x', 'http://[::7f00:1]/x'];

describe('settings that can never be sent are refused when written (over HTTP)', () => {
  let strict: Harness;
  let open: Harness;
  let strictKey: string;
  let openKey: string;

  beforeAll(async () => {
    // As in production: HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS unset means false; the harness defaults it to true.
    [strict, open] = await Promise.all([
      startHarness('sqlite-file', undefined, { env: { HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS: 'false' } }),
      startHarness('sqlite-file'),
    ]);
    [strictKey, openKey] = [(await strict.newOrg()).key, (await open.newOrg()).key];
  });
  afterAll(() => Promise.all([strict?.close(), open?.close()]));

  it.each(privateUrls)('refuses %s with 422 and the path, storing nothing, where private destinations are not allowed', async (url) => {
    const before = await strict.eventCount();
    for (const [channels, path] of [
      [[{ channel: 'webhook', configs: { url } }], ['channels', 0, 'configs', 'url']],
      [
        [
          { channel: 'webhook', configs: { url: 'https://example.com/hook' } },
          { channel: 'slack', configs: { webhook_url: url } },
        ],
        ['channels', 1, 'configs', 'webhook_url'],
      ],
    ] as const) {
      const res = await strict.request('POST', `${W}/`, { key: strictKey, body: webhookBody({ channels }) });
      expect(res.status, res.text).toBe(422);
      expect(res.body.error).toMatchObject({ type: 'ValidationError', details: [{ path, message: expect.stringMatching(/private|this machine/) }] });
    }
    expect(await strict.eventCount()).toBe(before);
  });

  it('refuses a change to a private destination too, and the webhook keeps its channels', async () => {
    const created = await strict.request('POST', `${W}/`, { key: strictKey, body: webhookBody() });
    expect(created.status, created.text).toBe(201);
    const path = `${W}/${created.body.webhook_id}`;
    const res = await strict.request('PATCH', path, {
      key: strictKey,
      body: { channels: [{ channel: 'webhook', configs: { url: 'http://169.254.169.254/x' } }] },
    });
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.details).toEqual([{ path: ['channels', 0, 'configs', 'url'], message: expect.stringContaining('169.254.169.254') }]);
    expect((await strict.request('GET', path, { key: strictKey })).body.channels).toEqual(created.body.channels);
  });

  it.each(privateUrls)('accepts %s where the operator allows private destinations', async (url) => {
    const res = await open.request('POST', `${W}/`, { key: openKey, body: webhookBody({ channels: [{ channel: 'webhook', configs: { url } }] }) });
    expect(res.status, res.text).toBe(201);
    expect(res.body.channels[0].configs.url).toBe(url);
  });

  it.each([
    ['X-Ctl', 'a\u0001b', 'U+0001'],
    ['X-Price', 'price €5', '€'],
    ['TE', 'trailers', 'hop-by-hop'],
    ['Trailer', 'x', 'hop-by-hop'],
  ])('refuses the header %s: %j with 422 at its path and stores nothing', async (name, value, message) => {
    const before = await open.eventCount();
    const channels = [{ channel: 'webhook', configs: { url: 'https://example.com/hook', headers: { [name]: value } } }];
    const res = await open.request('POST', `${W}/`, { key: openKey, body: webhookBody({ channels }) });
    expect(res.status, res.text).toBe(422);
    expect(res.body.error).toMatchObject({
      type: 'ValidationError',
      details: [{ path: ['channels', 0, 'configs', 'headers', name], message: expect.stringContaining(message) }],
    });
    expect(await open.eventCount()).toBe(before);
  });
});
