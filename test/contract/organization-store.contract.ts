import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrganizationStore } from '../../src/ports/organizations.js';

export interface OrganizationStoreFixture {
  readonly store: OrganizationStore;
  readonly reopen?: () => OrganizationStore;
  readonly cleanup: () => Promise<void>;
}

const org = (n: number, name = `Org ${n}`) => ({
  id: `int_${String(n).padStart(24, '0')}`,
  name,
  catalogId: 'dotted',
  createdAt: `2026-11-22T10:00:0${n % 10}.000Z`,
});

export const organizationStoreContract = (name: string, factory: () => Promise<OrganizationStoreFixture>) => {
  describe(`OrganizationStore contract: ${name}`, () => {
    let f: OrganizationStoreFixture;
    beforeEach(async () => {
      f = await factory();
    });
    afterEach(() => f.cleanup());

    it('creates organizations and finds them by id or by name', async () => {
      expect(await f.store.createOrganization(org(1))).toEqual({ ok: true });
      expect(await f.store.createOrganization(org(2))).toEqual({ ok: true });
      expect(await f.store.findOrganization(org(1).id)).toEqual(org(1));
      expect(await f.store.findOrganization('Org 2')).toEqual(org(2));
      expect(await f.store.findOrganization('nobody')).toBeUndefined();
      expect(await f.store.listOrganizations()).toEqual([org(1), org(2)]);
    });

    it('refuses a taken name without throwing, and prefers an id match over a name that looks like an id', async () => {
      await f.store.createOrganization(org(1));
      expect(await f.store.createOrganization({ ...org(2), name: 'Org 1' })).toEqual({ ok: false, reason: 'name-taken' });
      await f.store.createOrganization(org(3, org(1).id));
      expect((await f.store.findOrganization(org(1).id))?.name).toBe('Org 1');
      expect(await f.store.listOrganizations()).toHaveLength(2);
    });

    it('stores keys, finds them by key id, and revokes them once', async () => {
      await f.store.createOrganization(org(1));
      const key = {
        keyId: 'AAAAAAAAAAAA',
        organizationId: org(1).id,
        scope: 'organization' as const,
        name: 'ci',
        hash: 'ab'.repeat(32),
        createdAt: '2026-11-22T10:00:00.000Z',
      };
      await f.store.addApiKey(key);
      expect(await f.store.findApiKey('AAAAAAAAAAAA')).toEqual(key);
      expect(await f.store.findApiKey('BBBBBBBBBBBB')).toBeUndefined();
      expect(await f.store.revokeApiKey('AAAAAAAAAAAA', '2026-11-23T00:00:00.000Z')).toBe(true);
      expect(await f.store.revokeApiKey('AAAAAAAAAAAA', '2026-11-24T00:00:00.000Z')).toBe(true);
      expect((await f.store.findApiKey('AAAAAAAAAAAA'))?.revokedAt).toBe('2026-11-23T00:00:00.000Z');
      expect(await f.store.revokeApiKey('CCCCCCCCCCCC', '2026-11-24T00:00:00.000Z')).toBe(false);
    });

    it('finds a key together with its organization (one read for authentication), revoked or not', async () => {
      await f.store.createOrganization(org(1));
      await f.store.createOrganization(org(2));
      const key = {
        keyId: 'AAAAAAAAAAAA',
        organizationId: org(2).id,
        scope: 'organization' as const,
        name: '',
        hash: 'ef'.repeat(32),
        createdAt: '2026-11-22T10:00:00.000Z',
      };
      await f.store.addApiKey(key);
      expect(await f.store.findCredential('AAAAAAAAAAAA')).toEqual({ key, organization: org(2) });
      expect(await f.store.findCredential('BBBBBBBBBBBB')).toBeUndefined();
      await f.store.revokeApiKey('AAAAAAAAAAAA', '2026-11-23T00:00:00.000Z');
      expect(await f.store.findCredential('AAAAAAAAAAAA')).toEqual({ key: { ...key, revokedAt: '2026-11-23T00:00:00.000Z' }, organization: org(2) });
    });

    it('keeps operator keys, which belong to no organization, and finds them without one', async () => {
      const key = { keyId: 'OPERATOR0001', scope: 'operator' as const, name: 'ops', hash: '12'.repeat(32), createdAt: '2026-11-22T10:00:00.000Z' };
      await f.store.addApiKey(key);
      expect(await f.store.findApiKey('OPERATOR0001')).toEqual(key);
      expect(await f.store.findCredential('OPERATOR0001')).toEqual({ key });
    });

    it('lists an organization’s keys oldest first, revoked ones included, with their names', async () => {
      await f.store.createOrganization(org(1));
      await f.store.createOrganization(org(2));
      const k = (id: string, organizationId: string, at: string) => ({
        keyId: id,
        organizationId,
        scope: 'organization' as const,
        name: `key ${id}`,
        hash: 'ab'.repeat(32),
        createdAt: at,
      });
      await f.store.addApiKey(k('BBBBBBBBBBBB', org(1).id, '2026-11-22T10:00:02.000Z'));
      await f.store.addApiKey(k('AAAAAAAAAAAA', org(1).id, '2026-11-22T10:00:01.000Z'));
      await f.store.addApiKey(k('CCCCCCCCCCCC', org(2).id, '2026-11-22T10:00:00.000Z'));
      await f.store.revokeApiKey('BBBBBBBBBBBB', '2026-11-23T00:00:00.000Z');
      const listed = await f.store.listApiKeys(org(1).id);
      expect(listed.map((x) => [x.keyId, x.name, x.revokedAt])).toEqual([
        ['AAAAAAAAAAAA', 'key AAAAAAAAAAAA', undefined],
        ['BBBBBBBBBBBB', 'key BBBBBBBBBBBB', '2026-11-23T00:00:00.000Z'],
      ]);
      expect(await f.store.listApiKeys('int_nobody')).toEqual([]);
    });

    it('records a key’s last use, never moving it back', async () => {
      await f.store.createOrganization(org(1));
      await f.store.addApiKey({
        keyId: 'AAAAAAAAAAAA',
        organizationId: org(1).id,
        scope: 'organization',
        name: '',
        hash: 'ab'.repeat(32),
        createdAt: '2026-11-22T10:00:00.000Z',
      });
      expect((await f.store.findApiKey('AAAAAAAAAAAA'))?.lastUsedAt).toBeUndefined();
      await f.store.recordKeyUse('AAAAAAAAAAAA', '2026-11-22T11:00:00.000Z');
      await f.store.recordKeyUse('AAAAAAAAAAAA', '2026-11-22T10:30:00.000Z');
      expect((await f.store.findApiKey('AAAAAAAAAAAA'))?.lastUsedAt).toBe('2026-11-22T11:00:00.000Z');
      expect((await f.store.findCredential('AAAAAAAAAAAA'))?.key.lastUsedAt).toBe('2026-11-22T11:00:00.000Z');
      await f.store.recordKeyUse('ZZZZZZZZZZZZ', '2026-11-22T11:00:00.000Z');
    });

    it('keeps everything across a reopen', async () => {
      if (!f.reopen) return;
      await f.store.createOrganization(org(1));
      await f.store.addApiKey({
        keyId: 'AAAAAAAAAAAA',
        organizationId: org(1).id,
        scope: 'organization',
        name: 'kept',
        hash: 'cd'.repeat(32),
        createdAt: '2026-11-22T10:00:00.000Z',
      });
      const again = f.reopen();
      expect(await again.findOrganization('Org 1')).toEqual(org(1));
      expect((await again.findApiKey('AAAAAAAAAAAA'))?.hash).toBe('cd'.repeat(32));
    });
  });
};
