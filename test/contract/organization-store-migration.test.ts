import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migratePostgres, pgMigrations } from '../../src/adapters/store/postgres/migrations.js';
import { PostgresOrganizationStore } from '../../src/adapters/store/postgres/postgres-organization-store.js';
import { migrate, migrations } from '../../src/adapters/store/sqlite/migrations.js';
import { SqliteOrganizationStore } from '../../src/adapters/store/sqlite/sqlite-organization-store.js';
import { onPostgres, tempSchema } from '../support/postgres.js';

const ORG = 'int_000000000000000000000001';
const expected = {
  keyId: 'AAAAAAAAAAAA',
  organizationId: ORG,
  scope: 'organization',
  name: '',
  hash: 'ab'.repeat(32),
  createdAt: '2026-11-22T10:00:00.000Z',
  revokedAt: '2026-11-23T00:00:00.000Z',
};

describe('keys written before ADR 0020 (SQLite migration 17)', () => {
  it('keep their organization and revocation, as organization keys with no name, and operator keys can be added after', async () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(
      db,
      migrations.filter((m) => m.version < 17),
    );
    db.prepare("INSERT INTO organizations VALUES (?, 'Old', 'dotted', '2026-11-22T10:00:00.000Z')").run(ORG);
    db.prepare(
      "INSERT INTO api_keys (key_id, organization_id, hash, created_at, revoked_at) VALUES ('AAAAAAAAAAAA', ?, ?, '2026-11-22T10:00:00.000Z', '2026-11-23T00:00:00.000Z')",
    ).run(ORG, 'ab'.repeat(32));
    expect(migrate(db)).toContain(17);
    const store = new SqliteOrganizationStore(db);
    expect(await store.findApiKey('AAAAAAAAAAAA')).toEqual(expected);
    await store.addApiKey({ keyId: 'OPERATOR0001', scope: 'operator', name: 'ops', hash: 'cd'.repeat(32), createdAt: '2026-11-25T10:00:00.000Z' });
    // An organization key must name its organization, an operator key must not.
    expect(() => db.prepare("INSERT INTO api_keys (key_id, scope, hash, created_at) VALUES ('BAD000000001', 'organization', 'x', 'now')").run()).toThrow(
      /CHECK/,
    );
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
});

onPostgres('api key migration', () =>
  describe('keys written before ADR 0020 (PostgreSQL migration 13)', () => {
    it('keep their organization and revocation, as organization keys with no name', async () => {
      const t = await tempSchema();
      try {
        const pool = t.pool();
        await migratePostgres(
          pool,
          pgMigrations.filter((m) => m.version < 13),
        );
        await pool.query("INSERT INTO organizations VALUES ($1, 'Old', 'dotted', '2026-11-22T10:00:00.000Z')", [ORG]);
        await pool.query(
          "INSERT INTO api_keys (key_id, organization_id, hash, created_at, revoked_at) VALUES ('AAAAAAAAAAAA', $1, $2, '2026-11-22T10:00:00.000Z', '2026-11-23T00:00:00.000Z')",
          [ORG, 'ab'.repeat(32)],
        );
        expect(await migratePostgres(pool)).toContain(13);
        const store = new PostgresOrganizationStore(pool);
        expect(await store.findApiKey('AAAAAAAAAAAA')).toEqual(expected);
        await expect(pool.query("INSERT INTO api_keys (key_id, scope, hash, created_at) VALUES ('BAD000000001', 'organization', 'x', 'now')")).rejects.toThrow(
          /check constraint/,
        );
      } finally {
        await t.drop();
      }
    });
  }),
);
