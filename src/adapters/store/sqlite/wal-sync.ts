import { closeSync, fsync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from 'better-sqlite3';

/**
 * The fsync that makes a WAL commit durable, off the event loop (ADR 0013, 2026-11-25).
 * With `synchronous=FULL` SQLite fsyncs the WAL inside COMMIT, on the event loop: about a
 * third of a burst's time. The queue commits with `synchronous=NORMAL` instead (the WAL is
 * written, not yet synced) and then calls `sync`, which fsyncs the WAL file on libuv's thread
 * pool; callers are answered after it, so a 202 still means durable. A checkpoint in between
 * syncs the WAL itself first (NORMAL does), and an fsync started after a commit covers every
 * commit before it. The WAL file stays while this process's connection is open (SQLite deletes
 * it only when the last connection closes, after checkpointing into the synced database file).
 */
export class WalSync {
  private fd: number | undefined;
  private last: Promise<void> = Promise.resolve();

  private constructor(private readonly path: string) {}

  /** For a file database in WAL mode; undefined otherwise (in memory: the queue commits with FULL as before). */
  static of(db: Database): WalSync | undefined {
    if (db.memory || String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return undefined;
    return new WalSync(`${db.name}-wal`);
  }

  /** Starts an fsync of everything committed so far; resolves once it is durable. Call right after a commit. */
  sync(): Promise<void> {
    if (this.fd === undefined) {
      // The first time, after a commit, so the WAL exists; SQLite syncs a new journal's directory entry once, and so do we.
      this.fd = openSync(this.path, 'r');
      const dir = openSync(dirname(this.path), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    const fd = this.fd;
    this.last = new Promise<void>((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
    return this.last;
  }

  /** Resolves once every commit before the latest `sync` is durable (a failed fsync counts as done: its callers were told). */
  settled(): Promise<void> {
    return this.last.catch(() => undefined);
  }
}
