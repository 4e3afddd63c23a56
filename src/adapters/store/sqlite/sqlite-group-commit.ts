import type { Database, Statement } from 'better-sqlite3';
import { GroupCommit, type Settled, settle } from '../../shared/storage/group-commit.js';
import { WalSync } from './wal-sync.js';

/** A write of the group commit; `durable` ones (publishes) are answered only once they are fsynced. */
interface Write {
  readonly work: () => unknown;
  readonly durable: boolean;
}

/**
 * Group commit on SQLite (ADR 0013): the queue's writes of one loop turn (publishes, claims,
 * outcomes) share one IMMEDIATE transaction, each in a savepoint, so one whose own rows fail is
 * rolled back and rejected alone. When SQLite ends the whole transaction itself (disk full, I/O
 * error), nothing after it may run outside it: the batch fails.
 *
 * Durability (ADR 0013, 2026-11-25): in a WAL file the batch commits with `synchronous=NORMAL`
 * and a batch holding a publish is answered after `WalSync` fsynced the WAL off the event loop,
 * while the next batches commit; claims and outcomes need no fsync of their own (kill -9 cannot
 * lose a written WAL; power loss at worst sends a job again). In memory, publishes commit with FULL.
 */
export class SqliteGroupCommit {
  private readonly syncFull: Statement;
  private readonly syncNormal: Statement;
  private readonly wal: WalSync | undefined;
  private readonly writes: GroupCommit<Write, unknown>;
  private readonly dueListeners = new Set<() => void>();
  private jobsDue = false;
  // Made once: better-sqlite3 builds each transaction function's wrappers when it is made.
  private readonly savepoint: (work: () => unknown) => unknown;
  private readonly batchTransaction: { immediate: (batch: readonly Write[]) => Settled<unknown>[] };

  constructor(private readonly db: Database) {
    this.savepoint = db.transaction((work: () => unknown) => work());
    this.batchTransaction = db.transaction((batch: readonly Write[]) =>
      batch.map(({ work }) => {
        const s = settle(() => this.savepoint(work));
        if (!s.ok && !this.db.inTransaction) throw s.error;
        return s;
      }),
    );
    this.syncFull = db.prepare('PRAGMA synchronous = FULL');
    this.syncNormal = db.prepare('PRAGMA synchronous = NORMAL');
    this.wal = WalSync.of(db);
    // Batches commit one after another (better-sqlite3 is synchronous); their fsyncs may overlap.
    this.writes = new GroupCommit<Write, unknown>((batch) => this.writeBatch(batch), { maxInFlight: this.wal ? 8 : 1 });
  }

  /** Runs `work` in the next batch, in a savepoint of its own; resolves once that committed (and, if `durable`, was fsynced). */
  write<T>(work: () => T, durable = false): Promise<T> {
    return this.writes.submit({ work, durable }) as Promise<T>;
  }

  /** Called by a write that made jobs due: the listeners hear of it once its batch is committed (and durable). */
  markJobsDue(): void {
    this.jobsDue = true;
  }

  onJobsDue(listener: () => void): () => void {
    this.dueListeners.add(listener);
    return () => void this.dueListeners.delete(listener);
  }

  /**
   * Resolves once every publish committed so far is durable: a claim waits for it before its jobs
   * are sent, so no job goes out before its publish could be answered.
   */
  durable(): Promise<void> {
    return this.wal ? this.wal.settled() : Promise.resolve();
  }

  private writeBatch(batch: readonly Write[]): Settled<unknown>[] | Promise<Settled<unknown>[]> {
    this.jobsDue = false;
    const durable = batch.some((w) => w.durable);
    const relaxed = this.wal !== undefined || !durable;
    if (relaxed) this.syncNormal.run();
    let settled: Settled<unknown>[];
    try {
      settled = this.batchTransaction.immediate(batch);
    } finally {
      // The connection is shared (the event log's appends rely on FULL): back to FULL whatever happened.
      if (relaxed) this.syncFull.run();
    }
    const wake = this.jobsDue;
    if (!(durable && this.wal)) {
      if (wake) this.wakeListeners();
      return settled;
    }
    return this.wal.sync().then(() => {
      if (wake) this.wakeListeners();
      return settled;
    });
  }

  private wakeListeners(): void {
    for (const listener of this.dueListeners) {
      try {
        listener();
      } catch {
        // a wake-up hint; the jobs are stored either way
      }
    }
  }
}
