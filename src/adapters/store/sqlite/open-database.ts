import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';

/** How long opening waits for another process that holds the file's write lock (the same as busy_timeout). */
const BUSY_WAIT_MS = 5000;

/**
 * Opens (creating if needed) one SQLite file with the settings Hookledger's
 * durability promise rests on, and brings its schema up to date.
 */
export const openSqliteDatabase = (path: string): Database.Database => {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(inMemory ? ':memory:' : path);
  db.pragma(`busy_timeout = ${BUSY_WAIT_MS}`);
  if (!inMemory) whileBusy(() => db.pragma('journal_mode = WAL'));
  // FULL: an acknowledged append survives kill -9 and power loss (ADR 0003).
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
};

/**
 * Retries `work` while SQLite answers SQLITE_BUSY. Switching a new file to WAL
 * while another process (an API and a worker started together) holds its write
 * lock fails at once: SQLite skips the busy handler there to avoid a deadlock.
 */
const whileBusy = <T>(work: () => T): T => {
  const deadline = Date.now() + BUSY_WAIT_MS;
  for (let pause = 2; ; pause = Math.min(pause * 2, 100)) {
    try {
      return work();
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      // Opening is synchronous (the composition root resolves stores synchronously), so the pause is too.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
    }
  }
};
