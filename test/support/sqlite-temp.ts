import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase } from '../../src/adapters/store/sqlite/open-database.js';

/** A real SQLite file in a fresh temp folder; `reopen` opens a second connection to it. */
export const tempSqlite = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookledger-db-'));
  const path = join(dir, 'test.db');
  const opened = [openSqliteDatabase(path)];
  return {
    db: opened[0]!,
    path,
    reopen: () => {
      const db = openSqliteDatabase(path);
      opened.push(db);
      return db;
    },
    cleanup: async () => {
      for (const db of opened) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
