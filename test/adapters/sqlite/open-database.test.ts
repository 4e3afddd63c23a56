import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../../src/adapters/store/sqlite/open-database.js';

/** Another process takes the file's write lock before it is in WAL mode, says so, and lets go after `holdMs`. */
const holdWriteLock = (path: string, holdMs: number): Promise<{ done: Promise<void> }> =>
  new Promise((locked, fail) => {
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(path)});
      db.exec('CREATE TABLE IF NOT EXISTS held (x)');
      db.exec('BEGIN IMMEDIATE');
      db.prepare('INSERT INTO held VALUES (1)').run();
      console.log('locked');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${holdMs});`;
    const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd() });
    const done = new Promise<void>((exited) => child.once('exit', () => exited()));
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && locked({ done }));
    child.stderr.on('data', (chunk: Buffer) => fail(new Error(chunk.toString())));
  });

describe('opening a SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookledger-open-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('waits for another process that holds the write lock of a file not yet in WAL mode (API and worker started together)', async () => {
    const path = join(dir, 'h.db');
    const holder = await holdWriteLock(path, 300);
    const started = Date.now();
    const db = openSqliteDatabase(path);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(String(db.pragma('journal_mode', { simple: true }))).toBe('wal');
    expect(db.prepare('SELECT count(*) FROM held').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBeGreaterThan(0);
    db.close();
    await holder.done;
  });
});
