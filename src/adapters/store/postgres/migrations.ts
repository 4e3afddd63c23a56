import type { Pool } from 'pg';

export interface PgMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Ordered, append-only, like the SQLite list (ADR 0003); data stays exact JSON text (JSONB refuses \u0000). */
export const pgMigrations: PgMigration[] = [
  {
    version: 1,
    name: 'event log with hash chains',
    sql: `
      CREATE TABLE events (
        position        BIGSERIAL PRIMARY KEY,
        event_id        TEXT NOT NULL UNIQUE,
        stream_id       TEXT NOT NULL,
        revision        INTEGER NOT NULL,
        type            TEXT NOT NULL,
        version         INTEGER NOT NULL,
        data            TEXT NOT NULL,
        metadata        TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        recorded_at     TEXT NOT NULL,
        hash            TEXT NOT NULL,
        chain           TEXT NOT NULL,
        UNIQUE (stream_id, revision)
      );
      CREATE TABLE streams (stream_id TEXT PRIMARY KEY, revision INTEGER NOT NULL);
      CREATE INDEX events_org_position ON events (organization_id, position);
    `,
  },
];

// Any fixed number: every Hookledger process serialises migrations on it.
const MIGRATION_LOCK = 7_321_001;

/** Applies missing migrations under a session advisory lock, so processes starting together are safe. */
export const migratePostgres = async (pool: Pool, all: readonly PgMigration[] = pgMigrations): Promise<number[]> => {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const m of [...all].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
        await client.query('COMMIT');
        applied.push(m.version);
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
};
