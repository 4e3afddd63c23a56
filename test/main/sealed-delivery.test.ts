import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS } from '../../src/main/tokens.js';
import { type Harness, type StoreKind, availableKinds, startHarness } from '../support/http-harness.js';
import { startReceiver } from '../support/receivers.js';
import { waitFor } from '../support/wait-for.js';

const W = '/v1/organizations/webhooks';

/**
 * Sealed at rest, opened where it is used (ADR 0018): a delivery goes to the URL with its query,
 * carries the sealed header and is signed with the sealed secret, while the queue's copy has none of them.
 */
describe.each<StoreKind>(await availableKinds('sqlite-file', 'postgres'))('delivering with sealed settings (%s)', (kind) => {
  let h: Harness;
  let key: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    h = await startHarness(kind, undefined, { worker: true, realClock: true, env: { HOOKLEDGER_MASTER_KEY: Buffer.alloc(32, 5).toString('base64') } });
    key = (await h.newOrg()).key;
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await h.close();
  });

  it('opens the URL query, the headers and the secret for the attempt only', async () => {
    const created = await h.request('POST', `${W}/`, {
      key,
      body: {
        webhook_name: 'Sealed delivery',
        event_types: ['object.*'],
        channels: [{ channel: 'webhook', configs: { url: `${receiver.url}/in?token=q-secret-31`, headers: { Authorization: 'Bearer h-secret-62' } } }],
      },
    });
    expect(created.status, created.text).toBe(201);
    const rotated = await h.request('POST', `${W}/${created.body.webhook_id}/secret/rotate`, { key });
    expect(rotated.status, rotated.text).toBe(200);

    const published = await h.request('POST', '/v1/events', { key, body: { event_type: 'object.created', data: { id: 'obj_sealed' } } });
    expect(published.status, published.text).toBe(202);
    const req = await waitFor(() => receiver.received[0], 10_000, 'the delivery');
    expect(req.url).toBe('/in?token=q-secret-31');
    expect(req.headers.authorization).toBe('Bearer h-secret-62');
    expect(new Webhook(rotated.body.secret as string).verify(req.body, req.headers as Record<string, string>)).toMatchObject({ data: { id: 'obj_sealed' } });

    // The job's own copy of the channel (made from the sealed list projection): nothing sensitive, sealed or not.
    const copies: string[] =
      kind === 'postgres'
        ? (await h.container.get(TOKENS.Postgres).query<{ channel: string }>('SELECT channel FROM deliveries')).rows.map((r) => r.channel)
        : (h.container.get(TOKENS.Sqlite).prepare('SELECT channel FROM deliveries').pluck().all() as string[]);
    expect(copies).toHaveLength(1);
    expect(JSON.parse(copies[0]!)).toMatchObject({ channel: 'webhook', configs: { url: '[redacted]', headers: {} } });
  });
});
