import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AesGcmFieldSealer, rotateMasterKey } from '../../src/adapters/crypto/aes-gcm/aes-gcm-field-sealer.js';
import { InMemoryDataKeys } from '../../src/adapters/store/memory/memory-data-keys.js';
import { PostgresDataKeys } from '../../src/adapters/store/postgres/postgres-data-keys.js';
import { SqliteDataKeys } from '../../src/adapters/store/sqlite/sqlite-data-keys.js';
import type { DataKeyStore } from '../../src/ports/data-key-store.js';
import { SealingUnavailableError } from '../../src/ports/field-sealer.js';
import { migratedSchema, onPostgres } from '../support/postgres.js';
import { tempSqlite } from '../support/sqlite-temp.js';

type Fixture = { keys: DataKeyStore; reopen?: () => DataKeyStore; cleanup: () => Promise<void> };
const master = (byte: number) => Buffer.alloc(32, byte);

/** One suite for every DataKeyStore (ADR 0018), with the AES-GCM sealer on top of it. */
const contract = (name: string, factory: () => Fixture | Promise<Fixture>) =>
  describe(`DataKeyStore contract: ${name}`, () => {
    let f: Fixture;
    beforeEach(async () => {
      f = await factory();
    });
    afterEach(() => f.cleanup());

    it('keeps the first key check, stores a key only under it, keeps the first key and destroys it for good', async () => {
      expect(await f.keys.keyCheck('check-a')).toBe('check-a');
      expect(await f.keys.keyCheck('check-b')).toBe('check-a');
      await f.keys.insert('wh_1', 'wrapped-1', 'check-b');
      expect(await f.keys.get('wh_1')).toBeUndefined();
      await f.keys.insert('wh_1', 'wrapped-1', 'check-a');
      await f.keys.insert('wh_1', 'wrapped-2', 'check-a');
      expect(await f.keys.get('wh_1')).toEqual({ wrapped: 'wrapped-1' });
      await f.keys.destroy('wh_1', '2026-11-22T10:00:00.000Z');
      await f.keys.destroy('wh_1', '2026-11-23T10:00:00.000Z');
      await f.keys.insert('wh_1', 'wrapped-3', 'check-a');
      expect(await f.keys.get('wh_1')).toEqual({ destroyedAt: '2026-11-22T10:00:00.000Z' });
      if (f.reopen) expect(await f.reopen().get('wh_1')).toEqual({ destroyedAt: '2026-11-22T10:00:00.000Z' });
    });

    it('rewraps every live key and moves the check, or nothing when the check is stale', async () => {
      await f.keys.keyCheck('old');
      await f.keys.insert('wh_1', 'w1', 'old');
      await f.keys.insert('wh_2', 'w2', 'old');
      await f.keys.destroy('wh_3', '2026-11-22T10:00:00.000Z');
      await expect(f.keys.rewrapAll((id, w) => `${w}+${id}`, 'stale', 'new')).rejects.toThrow(/changed during the rotation/);
      expect(await f.keys.get('wh_1')).toEqual({ wrapped: 'w1' });
      await expect(
        f.keys.rewrapAll(
          () => {
            throw new Error('cannot unwrap');
          },
          'old',
          'new',
        ),
      ).rejects.toThrow('cannot unwrap');
      expect(await f.keys.keyCheck('x')).toBe('old');
      expect(await f.keys.rewrapAll((id, w) => `${w}+${id}`, 'old', 'new')).toBe(2);
      expect([await f.keys.get('wh_1'), await f.keys.get('wh_2'), await f.keys.get('wh_3')]).toEqual([
        { wrapped: 'w1+wh_1' },
        { wrapped: 'w2+wh_2' },
        { destroyedAt: '2026-11-22T10:00:00.000Z' },
      ]);
      expect(await f.keys.keyCheck('x')).toBe('new');
    });

    it('under the AES-GCM sealer: seals per webhook, forgets, rotates, and tells a wrong master key', async () => {
      const sealer = await AesGcmFieldSealer.start(master(1), f.keys);
      const seal = await sealer.forWebhook('wh_a', true);
      if (seal === undefined || seal === 'forgotten') throw new Error('expected a key');
      const sealed = seal.seal(['alice@example.org']);
      expect(sealer.isSealed(sealed)).toBe(true);
      expect(sealed).not.toContain('alice');
      expect(seal.open(sealed)).toEqual(['alice@example.org']);
      // Bound to its webhook: another webhook's key does not open it.
      const other = await sealer.forWebhook('wh_b', true);
      if (other === undefined || other === 'forgotten') throw new Error('expected a key');
      expect(() => other.open(sealed)).toThrow();
      expect(await sealer.forWebhook('wh_none', false)).toBeUndefined();

      await sealer.forget('wh_b', '2026-11-22T10:00:00.000Z');
      expect(await (await AesGcmFieldSealer.start(master(1), f.keys)).forWebhook('wh_b', false)).toBe('forgotten');

      expect(await rotateMasterKey(f.keys, master(1), master(2))).toBe(1);
      await expect(rotateMasterKey(f.keys, master(1), master(3))).rejects.toThrow(/sealed with another master key/);
      const rotated = await AesGcmFieldSealer.start(master(2), f.keys);
      const reopened = await rotated.forWebhook('wh_a', false);
      expect(reopened !== undefined && reopened !== 'forgotten' && reopened.open(sealed)).toEqual(['alice@example.org']);

      const wrong = await AesGcmFieldSealer.start(master(1), f.keys);
      expect(wrong.keyMatches).toBe(false);
      await expect(wrong.forWebhook('wh_a', false)).rejects.toBeInstanceOf(SealingUnavailableError);
      await expect(wrong.forWebhook('wh_new', true)).rejects.toBeInstanceOf(SealingUnavailableError);
      expect(await f.keys.get('wh_new')).toBeUndefined();
    });
  });

contract('in-memory', () => ({ keys: new InMemoryDataKeys(), cleanup: async () => {} }));
contract('SQLite file', () => {
  const t = tempSqlite();
  return { keys: new SqliteDataKeys(t.db), reopen: () => new SqliteDataKeys(t.reopen()), cleanup: t.cleanup };
});
onPostgres('DataKeyStore contract', () =>
  contract('PostgreSQL', async () => {
    const t = await migratedSchema();
    return { keys: new PostgresDataKeys(t.first), reopen: () => new PostgresDataKeys(t.pool()), cleanup: t.drop };
  }),
);
