import type { Database, Statement } from 'better-sqlite3';
import type { ColumnCopies, EventLogColumns } from '../../../ports/event-log-columns.js';

/** The `organization_id` and `recorded_at` columns of the SQLite event log, for `verify` (ADR 0019). */
export class SqliteEventColumns implements EventLogColumns {
  private readonly page: Statement<[number, number], { position: number; organization_id: string; recorded_at: string }>;

  constructor(db: Database) {
    this.page = db.prepare('SELECT position, organization_id, recorded_at FROM events WHERE position > ? ORDER BY position LIMIT ?');
  }

  async read(after: number, limit: number): Promise<readonly ColumnCopies[]> {
    return this.page.all(after, limit).map((r) => ({ position: r.position, organizationId: r.organization_id, recordedAt: r.recorded_at }));
  }
}
