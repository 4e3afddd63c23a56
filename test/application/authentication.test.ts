import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { CryptoKeyMaterial } from '../../src/adapters/ids/crypto/crypto-key-material.js';
import { InMemoryOrganizationStore } from '../../src/adapters/store/memory/memory-organization-store.js';
import { CREDENTIAL_TTL_MS, CredentialCache, authenticate, createApiKey, createOrganization, revokeApiKey } from '../../src/application/index.js';
import { readConfig } from '../../src/main/config.js';
import { closeContainer, compose } from '../../src/main/container.js';
import { TOKENS } from '../../src/main/tokens.js';
import type { Credential, OrganizationStore } from '../../src/ports/organizations.js';
import { PG_URL, onPostgres, tempSchema } from '../support/postgres.js';

const keys = new CryptoKeyMaterial();

/** Counts what reaches the store behind the cache. */
const counting = (store: OrganizationStore) => {
  const calls = { findCredential: 0 };
  const counted: OrganizationStore = Object.assign(Object.create(store) as OrganizationStore, {
    findCredential: (keyId: string) => {
      calls.findCredential += 1;
      return store.findCredential(keyId);
    },
  });
  return { counted, calls };
};

const newKey = async (store: OrganizationStore, clock: ManualClock, name = 'acme') => {
  const deps = { organizations: store, keys, clock };
  const org = await createOrganization(deps, { name });
  if (org._tag === 'Left') throw new Error(org.left.message);
  const made = await createApiKey(deps, org.right.id);
  if (made._tag === 'Left') throw new Error(made.left.message);
  return { key: made.right.key, keyId: made.right.keyId, organizationId: org.right.id };
};

describe('authentication with the credential cache', () => {
  it('reads a key once, then answers from memory until the entry is a second old, comparing the hash every time', async () => {
    const clock = new ManualClock('2026-11-22T10:00:00.000Z');
    const backing = new InMemoryOrganizationStore();
    const { key, organizationId } = await newKey(backing, clock);
    const { counted, calls } = counting(backing);
    const compared: string[] = [];
    const spy = { hash: (k: string) => keys.hash(k), sameHash: (a: string, b: string) => (compared.push(b), keys.sameHash(a, b)) };
    const deps = { organizations: new CredentialCache(counted, clock), keys: spy };

    expect((await authenticate(deps, `Bearer ${key}`))?.organization?.id).toBe(organizationId);
    expect(calls.findCredential).toBe(1);
    clock.advance(CREDENTIAL_TTL_MS - 1);
    expect((await authenticate(deps, `Bearer ${key}`))?.organization?.id).toBe(organizationId);
    // A wrong secret under a cached id is still refused, after one full comparison.
    expect(await authenticate(deps, `Bearer ${key.replace(/.$/, key.endsWith('A') ? 'B' : 'A')}`)).toBeUndefined();
    expect(calls.findCredential).toBe(1);
    expect(compared).toHaveLength(3);
    clock.advance(1);
    expect((await authenticate(deps, `Bearer ${key}`))?.organization?.id).toBe(organizationId);
    expect(calls.findCredential).toBe(2);
  });

  it('does not cache unknown key ids: a key created a moment later works at once', async () => {
    const clock = new ManualClock();
    const backing = new InMemoryOrganizationStore();
    const cache = new CredentialCache(backing, clock);
    const deps = { organizations: cache, keys };
    await newKey(backing, clock, 'first');
    const { key } = await newKey(cache, clock, 'second');
    const keyId = key.slice(3, 15);
    expect(await cache.findCredential('AAAAAAAAAAAA')).toBeUndefined();
    expect(await cache.findCredential(keyId)).toBeDefined();
    expect(await authenticate(deps, `Bearer ${key}`)).toBeDefined();
  });

  it('refuses a key at once after this process revoked it, even when the revocation raced a read of the key', async () => {
    const clock = new ManualClock();
    const backing = new InMemoryOrganizationStore();
    const { key, keyId } = await newKey(backing, clock);
    // A read that is slow to answer: it sees the key unrevoked, and finishes after the revocation.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: OrganizationStore = Object.assign(Object.create(backing) as OrganizationStore, {
      findCredential: async (id: string): Promise<Credential | undefined> => {
        const found = await backing.findCredential(id);
        await gate;
        return found;
      },
    });
    const cache = new CredentialCache(slow, clock);
    const deps = { organizations: cache, keys };
    const racing = authenticate(deps, `Bearer ${key}`);
    expect(await revokeApiKey({ organizations: cache, keys, clock }, keyId)).toBe(true);
    release();
    expect(await racing).toBeDefined(); // it began before the revocation
    expect(await authenticate(deps, `Bearer ${key}`)).toBeUndefined();
  });

  it('keeps at most maxEntries credentials', async () => {
    const clock = new ManualClock();
    const backing = new InMemoryOrganizationStore();
    const made = [await newKey(backing, clock, 'a'), await newKey(backing, clock, 'b'), await newKey(backing, clock, 'c')];
    const { counted, calls } = counting(backing);
    const cache = new CredentialCache(counted, clock, { maxEntries: 2 });
    for (const m of made) await cache.findCredential(m.keyId);
    await cache.findCredential(made[2]!.keyId);
    await cache.findCredential(made[1]!.keyId);
    expect(calls.findCredential).toBe(3);
    await cache.findCredential(made[0]!.keyId); // dropped as the oldest
    expect(calls.findCredential).toBe(4);
  });

  it('hashes a key to its hex SHA-256, the same when remembered and after being forgotten among many others', () => {
    const material = new CryptoKeyMaterial();
    const key = material.apiKey().key;
    const expected = createHash('sha256').update(key, 'utf8').digest('hex');
    expect(material.hash(key)).toBe(expected);
    expect(material.hash(key)).toBe(expected);
    for (let i = 0; i < 1500; i++) {
      const other = material.apiKey().key; // shaped like a key, so remembered and pushing older ones out
      expect(material.hash(other)).toBe(createHash('sha256').update(other).digest('hex'));
    }
    const garbage = 'x'.repeat(16 * 1024); // not remembered, still hashed
    expect(material.hash(garbage)).toBe(createHash('sha256').update(garbage).digest('hex'));
    expect(material.hash(key)).toBe(expected);
    expect(material.hash('ünïcode')).toBe(createHash('sha256').update('ünïcode', 'utf8').digest('hex'));
  });
});

/**
 * Two composition roots on one store stand for two processes (two API
 * servers, or a server and the CLI): each has its own cache and its own clock.
 */
const twoProcesses = (kind: string, databaseUrl: () => Promise<{ url: string; cleanup: () => Promise<void> }>) => {
  describe(`revocation seen by another process within ${CREDENTIAL_TTL_MS} ms: ${kind}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    it('process A revokes: A refuses at once, B within the bound (and not before its cache entry expires)', async () => {
      const { url, cleanup } = await databaseUrl();
      cleanups.push(cleanup);
      const start = (clock: ManualClock) =>
        compose({ ...readConfig({}), databaseUrl: url }, { clock, logger: pino({ level: 'silent' }) }).then((c) => {
          cleanups.push(() => closeContainer(c));
          return c;
        });
      const [clockA, clockB] = [new ManualClock('2026-11-22T10:00:00.000Z'), new ManualClock('2026-11-22T10:00:00.000Z')];
      const [a, b] = [await start(clockA), await start(clockB)];
      const { key, keyId, organizationId } = await newKey(a.get(TOKENS.Organizations), clockA);
      const as = (c: typeof a) => ({ organizations: c.get(TOKENS.Organizations), keys });

      expect((await authenticate(as(a), `Bearer ${key}`))?.organization?.id).toBe(organizationId);
      expect((await authenticate(as(b), `Bearer ${key}`))?.organization?.id).toBe(organizationId);
      expect(await revokeApiKey({ organizations: a.get(TOKENS.Organizations), keys, clock: clockA }, keyId)).toBe(true);
      expect(await authenticate(as(a), `Bearer ${key}`)).toBeUndefined();
      clockB.advance(CREDENTIAL_TTL_MS - 1);
      expect(await authenticate(as(b), `Bearer ${key}`)).toBeDefined(); // served from B's cache: the documented window
      clockB.advance(1);
      expect(await authenticate(as(b), `Bearer ${key}`)).toBeUndefined();
    });
  });
};

twoProcesses('one SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookledger-auth-'));
  return { url: `sqlite:${join(dir, 'h.db')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});
onPostgres('credential cache across processes', () =>
  twoProcesses('one PostgreSQL schema', async () => {
    const schema = await tempSchema();
    return { url: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema.schema}`)}`, cleanup: schema.drop };
  }),
);
