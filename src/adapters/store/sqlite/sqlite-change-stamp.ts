import type { Database, Statement } from 'better-sqlite3';
import type { StoreChangeStamp } from '../../../ports/store-change-stamp.js';

/**
 * The change stamp of one SQLite file, seen through one connection (ADR 0022):
 * `total_changes()` counts rows this connection wrote (a rolled-back write counts too:
 * a spurious change, never a missed one); `PRAGMA data_version` changes when another
 * connection, in this process or another, committed. The stamp moves when either does.
 * Valid only for stores that share this connection or file.
 */
export class SqliteChangeStamp implements StoreChangeStamp {
  private readonly localChanges: Statement<[], number>;
  private readonly dataVersion: Statement<[], number>;
  private lastLocal = Number.NaN;
  private lastVersion = Number.NaN;
  private stamp = 0;

  constructor(db: Database) {
    this.localChanges = db.prepare<[], number>('SELECT total_changes()').pluck();
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  local(): number {
    return this.localChanges.get()!;
  }

  read(): number {
    const local = this.localChanges.get()!;
    const version = this.dataVersion.get()!;
    if (local !== this.lastLocal || version !== this.lastVersion) {
      this.lastLocal = local;
      this.lastVersion = version;
      this.stamp += 1;
    }
    return this.stamp;
  }
}
