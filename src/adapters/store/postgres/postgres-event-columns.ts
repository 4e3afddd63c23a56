import type { Pool } from 'pg';
import type { ColumnCopies, EventLogColumns } from '../../../ports/event-log-columns.js';

/** The `organization_id` and `recorded_at` columns of the PostgreSQL event log, for `verify` (ADR 0019). */
export class PostgresEventColumns implements EventLogColumns {
  constructor(private readonly pool: Pool) {}

  async read(after: number, limit: number): Promise<readonly ColumnCopies[]> {
    const result = await this.pool.query<{ position: string; organization_id: string; recorded_at: string }>(
      'SELECT position, organization_id, recorded_at FROM events WHERE position > $1 ORDER BY position LIMIT $2',
      [after, limit],
    );
    return result.rows.map((r) => ({ position: Number(r.position), organizationId: r.organization_id, recordedAt: r.recorded_at }));
  }
}
