import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/adapters/store/sqlite/migrations.js';
import { openSqliteDatabase } from '../../src/adapters/store/sqlite/open-database.js';
import { SqliteEventStore } from '../../src/adapters/store/sqlite/sqlite-event-store.js';
import { eventStoreContract } from './event-store.contract.js';
import { CryptoDigest } from '../../src/adapters/ids/crypto/crypto-digest.js';
import { verifyEventLog } from '../../src/application/verify-log.js';

const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookledger-sqlite-'));
  return { dir, path: join(dir, 'nested', 'events.db') };
};

eventStoreContract('SQLite file', async () => {
  const { dir, path } = tempFile();
  const opened: SqliteEventStore[] = [SqliteEventStore.open(path)];
  return {
    store: opened[0]!,
    reopen: async () => {
      const store = SqliteEventStore.open(path);
      opened.push(store);
      return store;
    },
    cleanup: async () => {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

eventStoreContract('SQLite :memory:', async () => {
  const store = SqliteEventStore.open(':memory:');
  return { store, cleanup: () => store.close() };
});

describe('SQLite hash-chain migration', () => {
  it('seals rows written before it, in position order, so the old log verifies', async () => {
    const { dir, path } = tempFile();
    try {
      const store = SqliteEventStore.open(path);
      await store.append('s-1', 0, [
        { eventId: 'e1', type: 'T', version: 1, data: { a: 1 }, metadata: { organizationId: 'o', actor: 'x', recordedAt: '2026-01-01T00:00:00.000Z' } },
      ]);
      await store.append('s-2', 0, [
        { eventId: 'e2', type: 'T', version: 1, data: { b: 2 }, metadata: { organizationId: 'o', actor: 'x', recordedAt: '2026-01-01T00:00:01.000Z' } },
      ]);
      const sealed = (await store.readAll()).map((e) => [e.hash, e.chain]);
      await store.close();
      const db = openSqliteDatabase(path);
      db.prepare('UPDATE events SET hash = NULL, chain = NULL').run(); // as a file from before the migration
      db.close();
      const reopened = SqliteEventStore.open(path);
      expect((await reopened.readAll()).map((e) => [e.hash, e.chain])).toEqual(sealed);
      expect((await verifyEventLog({ eventStore: reopened, digest: new CryptoDigest() })).problems).toEqual([]);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite rows still to seal', () => {
  it('are found over an index that holds only them: sealed rows never enter it, and no read scans the log for them', async () => {
    const { dir, path } = tempFile();
    try {
      const store = SqliteEventStore.open(path);
      await store.append('s-1', 0, [
        { eventId: 'e1', type: 'T', version: 1, data: { a: 1 }, metadata: { organizationId: 'o', actor: 'x', recordedAt: '2026-01-01T00:00:00.000Z' } },
      ]);
      await store.close();
      const db = openSqliteDatabase(path);
      const plan = db.prepare('EXPLAIN QUERY PLAN SELECT EXISTS (SELECT 1 FROM events WHERE hash IS NULL)').all() as { detail: string }[];
      expect(plan.map((p) => p.detail)).toContainEqual(expect.stringContaining('USING INDEX events_unsealed'));
      // Appends write sealed rows: the index stays empty.
      expect(db.prepare('SELECT count(*) FROM events INDEXED BY events_unsealed WHERE hash IS NULL').pluck().get()).toBe(0);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite database settings', () => {
  it('uses WAL and synchronous=FULL, and migrating an up-to-date file again changes nothing', () => {
    const { dir, path } = tempFile();
    try {
      const first = openSqliteDatabase(path);
      expect(first.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(first.pragma('synchronous', { simple: true })).toBe(2);
      const applied = first.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
      expect(applied).toEqual(migrations.map((m) => m.version));
      const second = openSqliteDatabase(path);
      expect(second.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(migrations.length);
      first.close();
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
