import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HookledgerClient, WebhookVerificationError, createHookledgerClient, verifyWebhook } from '../../src/client/index.js';
import { type Harness, startHarness } from '../support/http-harness.js';
import { checkedFetch } from '../support/openapi-responses.js';
import { type ReceivedRequest, startReceiver } from '../support/receivers.js';
import { waitFor } from '../support/wait-for.js';

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  return 'verified';
};

describe('verifyWebhook on real deliveries (live server and worker, loopback receiver), cross-checked with standardwebhooks', () => {
  let h: Harness;
  let client: HookledgerClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let webhookId: string;
  let secret: string;
  let first: ReceivedRequest;

  beforeAll(async () => {
    h = await startHarness('sqlite-file', undefined, { worker: true, realClock: true });
    receiver = await startReceiver();
    client = createHookledgerClient({ baseUrl: h.url, apiKey: (await h.newOrg()).key, fetch: checkedFetch(h.url) });
    const hook = await client.webhooks.create({
      webhook_name: 'receiver',
      event_types: ['object.*'],
      channels: [{ channel: 'webhook', configs: { url: `${receiver.url}/in` } }],
    });
    ({ webhook_id: webhookId, secret } = hook);
    await client.events.publish({ event_type: 'object.created', data: { id: 'obj_1', name: 'café ☕' } });
    first = await waitFor(() => receiver.received[0], 10_000, 'the first delivery');
  });
  afterAll(async () => {
    await receiver.close();
    await h.close();
  });

  it('returns the payload of a genuine delivery, as standardwebhooks does', () => {
    const payload = verifyWebhook(secret, first.headers, first.body);
    expect(payload).toEqual({ type: 'object.created', timestamp: expect.any(String), data: { id: 'obj_1', name: 'café ☕' } });
    expect(new Webhook(secret).verify(first.body, first.headers as Record<string, string>)).toEqual(payload);
    expect(verifyWebhook(secret, new Headers(first.headers as Record<string, string>), Buffer.from(first.body))).toEqual(payload);
  });

  it('refuses a tampered body, another secret, an old or a future timestamp, and missing headers, with a typed error', () => {
    const sentAt = Number(first.headers['webhook-timestamp']) * 1000;
    expect(reasonOf(() => verifyWebhook(secret, first.headers, first.body.replace('obj_1', 'obj_2')))).toBe('no-matching-signature');
    expect(reasonOf(() => verifyWebhook('whsec_' + Buffer.alloc(24, 7).toString('base64'), first.headers, first.body))).toBe('no-matching-signature');
    expect(reasonOf(() => verifyWebhook(secret, first.headers, first.body, { now: () => sentAt + 301_000 }))).toBe('timestamp-too-old');
    expect(reasonOf(() => verifyWebhook(secret, first.headers, first.body, { now: () => sentAt + 299_000 }))).toBe('verified');
    expect(reasonOf(() => verifyWebhook(secret, first.headers, first.body, { now: () => sentAt - 301_000 }))).toBe('timestamp-too-new');
    expect(reasonOf(() => verifyWebhook(secret, first.headers, first.body, { now: () => sentAt + 3_000_000, toleranceSeconds: 3600 }))).toBe('verified');
    expect(reasonOf(() => verifyWebhook(secret, { ...first.headers, 'webhook-signature': undefined }, first.body))).toBe('missing-headers');
    expect(reasonOf(() => verifyWebhook(secret, { ...first.headers, 'webhook-timestamp': 'yesterday' }, first.body))).toBe('bad-timestamp');
    // standardwebhooks refuses the same tampered body.
    expect(() => new Webhook(secret).verify(first.body.replace('obj_1', 'obj_2'), first.headers as Record<string, string>)).toThrow();
  });

  it('verifies across a rotation: the delivery carries two signatures, and either secret, or both, verifies it', async () => {
    const { secret: rotated } = await client.webhooks.rotateSecret(webhookId);
    await client.events.publish({ event_type: 'object.deleted', data: { id: 'obj_1' } });
    const second = await waitFor(() => receiver.received[1], 10_000, 'the delivery after the rotation');
    expect(String(second.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secrets of [secret, rotated, [rotated, secret], ['whsec_' + Buffer.alloc(24, 1).toString('base64'), rotated]]) {
      expect(verifyWebhook(secrets, second.headers, second.body).type).toBe('object.deleted');
    }
    expect(new Webhook(rotated).verify(second.body, second.headers as Record<string, string>)).toMatchObject({ type: 'object.deleted' });
    expect(reasonOf(() => verifyWebhook(rotated, first.headers, first.body))).toBe('no-matching-signature');
  });

  it('verifies what standardwebhooks signs, one or several signatures in the header', () => {
    const other = 'whsec_' + Buffer.alloc(32, 9).toString('base64');
    const at = new Date();
    const body = JSON.stringify({ type: 'x.y', timestamp: at.toISOString(), data: { ok: true } });
    const headers = { 'webhook-id': 'msg_cross', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)) };
    const signatures = `${new Webhook(other).sign('msg_cross', at, body)} ${new Webhook(secret).sign('msg_cross', at, body)}`;
    expect(verifyWebhook(secret, { ...headers, 'webhook-signature': signatures }, body)).toMatchObject({ data: { ok: true } });
    expect(verifyWebhook(other, { ...headers, 'webhook-signature': signatures.split(' ')[0] }, body)).toMatchObject({ type: 'x.y' });
    expect(reasonOf(() => verifyWebhook(secret, { ...headers, 'webhook-signature': signatures.split(' ')[0] }, body))).toBe('no-matching-signature');
  });
});
