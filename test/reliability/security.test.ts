import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { readFileSync, existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CryptoKeyMaterial } from '../../src/adapters/ids/crypto/crypto-key-material.js';
import { InMemoryOrganizationStore } from '../../src/adapters/store/memory/memory-organization-store.js';
import { authenticate, createApiKey, createOrganization } from '../../src/application/organizations.js';
import { TOKENS } from '../../src/main/tokens.js';
import type { KeyMaterial } from '../../src/ports/key-material.js';
import { type Harness, startHarness, webhookBody } from '../support/http-harness.js';
import { startReceiver } from '../support/receivers.js';
import { waitFor } from '../support/wait-for.js';
import { isPrivateAddress } from '../../src/domain/index.js';

const W = '/v1/organizations/webhooks';

describe('security', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });

  describe('a full run on a SQLite file: keys only hashed at rest, no key or secret in the log', () => {
    let h: Harness;
    const logs: string[] = [];
    beforeAll(async () => {
      h = await startHarness('sqlite-file', logs, { worker: true, realClock: true });
      closers.push(() => h.close());
    });

    it('stores API keys as SHA-256 only, and never logs a key or a signing secret', async () => {
      const { key } = await h.newOrg();
      const receiver = await startReceiver();
      closers.push(receiver.close);
      const created = await h.request('POST', `${W}/`, {
        key,
        body: webhookBody({ event_types: ['object.*'], channels: [{ channel: 'webhook', configs: { url: receiver.url } }] }),
      });
      expect(created.status).toBe(201);
      const id = created.body.webhook_id as string;
      const secrets = [created.body.secret as string];
      secrets.push((await h.request('POST', `${W}/${id}/secret/rotate`, { key })).body.secret);
      secrets.push((await h.request('GET', `${W}/${id}/secret`, { key })).body.secret);
      expect((await h.request('POST', '/v1/events', { key, body: { event_type: 'object.created', data: { n: 1 } } })).status).toBe(202);
      await waitFor(() => receiver.received.length === 1, 10_000, 'the delivery');
      // Bad keys of every shape, so the failure paths log too.
      // The last character changed for certain (a key ending in 0 made `replace(/.$/, '0')` the key itself, 1 run in 62).
      for (const bad of [`${key}x`, key.replace(/.$/, key.endsWith('0') ? '1' : '0'), 'sk_nope_nope', 'garbage']) {
        expect((await h.request('GET', `${W}/${id}`, { key: bad })).status).toBe(401);
      }
      await h.request('GET', `${W}/${id}/deliveries`, { key });

      const log = logs.join('');
      expect(log.length).toBeGreaterThan(1000);
      for (const secret of [key, key.split('_')[2]!, ...secrets, ...secrets.map((s) => s.slice('whsec_'.length))]) expect(log).not.toContain(secret);
      expect(log).not.toMatch(/whsec_[A-Za-z0-9+/=]{20,}/);
      expect(log).not.toMatch(/sk_[A-Za-z0-9]+_[A-Za-z0-9]{16,}/);

      // The database file (and its WAL) hold the key's hash, never the key.
      const file = h.container.get(TOKENS.Config).databaseUrl.slice('sqlite:'.length);
      const bytes = Buffer.concat([readFileSync(file), ...(existsSync(`${file}-wal`) ? [readFileSync(`${file}-wal`)] : [])]);
      expect(bytes.includes(Buffer.from(key.split('_')[2]!))).toBe(false);
      expect(bytes.includes(Buffer.from(new CryptoKeyMaterial().hash(key)))).toBe(true);
    });
  });

  describe('per-key rate limiting', () => {
    it('answers 429 with Retry-After once a key spends its burst, leaves other keys alone, and lets it through again', async () => {
      // 1 a second: the burst's requests (tens of ms each on a busy machine) must not earn a token back before the 429s.
      const h = await startHarness('memory', undefined, { env: { HOOKLEDGER_RATE_LIMIT: '1', HOOKLEDGER_RATE_LIMIT_BURST: '5' } });
      closers.push(() => h.close());
      const a = await h.newOrg();
      const b = await h.newOrg();
      const statuses = [];
      for (let i = 0; i < 8; i++) statuses.push((await h.request('POST', `${W}/list`, { key: a.key, body: {} })).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(5)).toEqual([429, 429, 429]);
      const limited = await h.request('POST', `${W}/list`, { key: a.key, body: {} });
      expect(limited.body).toMatchObject({ success: false, status: 429, error: { type: 'RateLimited' } });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await h.request('POST', `${W}/list`, { key: b.key, body: {} })).status).toBe(200);
      expect((await h.request('GET', '/healthz')).status).toBe(200); // unauthenticated probes are not limited
      await new Promise((done) => setTimeout(done, 1100)); // 1 per second: a token back
      expect((await h.request('POST', `${W}/list`, { key: a.key, body: {} })).status).toBe(200);
    });
  });

  describe('SSRF', () => {
    it('does not follow a redirect: the target behind it never sees the request', async () => {
      const h = await startHarness('sqlite-file', undefined, { worker: true, realClock: true, env: { HOOKLEDGER_RETRY_SCHEDULE: '0,60s' } });
      closers.push(() => h.close());
      const { key } = await h.newOrg();
      const inner = await startReceiver();
      const outer = await startReceiver((_req, res) => res.writeHead(302, { location: `${inner.url}/internal` }).end());
      closers.push(inner.close, outer.close);
      const hook = await h.request('POST', `${W}/`, {
        key,
        body: webhookBody({ event_types: ['object.*'], channels: [{ channel: 'webhook', configs: { url: outer.url } }] }),
      });
      await h.request('POST', '/v1/events', { key, body: { event_type: 'object.created', data: {} } });
      const attempts = await waitFor(
        async () => {
          const list = (await h.request('GET', `${W}/${hook.body.webhook_id}/deliveries`, { key })).body.results as { status_code: number }[];
          return list.length > 0 && list;
        },
        10_000,
        'the attempt',
      );
      expect(attempts[0]!.status_code).toBe(302);
      expect(outer.received).toHaveLength(1);
      expect(inner.received).toHaveLength(0);
    });

    it('refuses a DNS name that resolves to loopback when private destinations are not allowed', async () => {
      const h = await startHarness('sqlite-file', undefined, { worker: true, realClock: true, env: { HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS: 'false' } });
      closers.push(() => h.close());
      const { key } = await h.newOrg();
      const receiver = await startReceiver();
      closers.push(receiver.close);
      const create = (host: string) =>
        h.request('POST', `${W}/`, {
          key,
          body: webhookBody({ event_types: ['object.*'], channels: [{ channel: 'webhook', configs: { url: `http://${host}:${receiver.port}/hook` } }] }),
        });
      // `localhost` is refused as soon as it is written; any other name is checked when it is resolved.
      expect((await create('localhost')).status).toBe(422);
      const name = hostname();
      const resolved = await lookup(name).catch(() => undefined);
      if (!resolved || !isPrivateAddress(resolved.address)) {
        console.log(`SKIPPED the connect-time half: this machine's name ${name} does not resolve to a private address (${resolved?.address ?? 'no answer'})`);
        return;
      }
      const hook = await create(name);
      expect(hook.status).toBe(201);
      await h.request('POST', '/v1/events', { key, body: { event_type: 'object.created', data: {} } });
      const attempts = await waitFor(
        async () => {
          const list = (await h.request('GET', `${W}/${hook.body.webhook_id}/deliveries`, { key })).body.results as {
            error: string;
            delivery_status: string;
          }[];
          return list.length > 0 && list;
        },
        10_000,
        'the refused attempt',
      );
      expect(attempts[0]!.error).toMatch(/refused|private|loopback/i);
      expect(attempts[0]!.delivery_status).toBe('failed'); // final: waiting will not make it allowed
      expect(receiver.received).toHaveLength(0);
    });
  });

  it('compares key hashes in constant time for every wrong key, including unknown key ids and malformed keys', async () => {
    const real = new CryptoKeyMaterial();
    const compared: string[] = [];
    const keys: KeyMaterial = {
      organizationId: () => real.organizationId(),
      apiKey: () => real.apiKey(),
      hash: (k) => real.hash(k),
      sameHash: (a, b) => (compared.push(b), real.sameHash(a, b)),
    };
    const deps = { organizations: new InMemoryOrganizationStore(), keys, clock: { now: () => new Date() } };
    const org = await createOrganization(deps, { name: 'timing' });
    if (org._tag === 'Left') throw new Error(org.left.message);
    const made = await createApiKey(deps, org.right.id);
    if (made._tag === 'Left') throw new Error(made.left.message);
    const key = made.right.key;
    for (const bad of [key.replace(/.$/, key.endsWith('A') ? 'B' : 'A'), 'sk_AAAAAAAAAAAA_' + 'A'.repeat(32), 'nonsense', '']) {
      compared.length = 0;
      expect(await authenticate(deps, `Bearer ${bad}`)).toBeUndefined();
      expect(compared).toHaveLength(1); // one full-length comparison, whether or not the id exists
    }
    expect(real.sameHash('a'.repeat(64), 'b'.repeat(64))).toBe(false);
    expect(real.sameHash('a'.repeat(64), 'a'.repeat(64))).toBe(true);
  });
});
