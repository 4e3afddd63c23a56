import type { Database } from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Ordered, append-only: a released migration is never edited (see ADR 0003). */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'event log',
    sql: `
      CREATE TABLE events (
        position        INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id        TEXT NOT NULL UNIQUE,
        stream_id       TEXT NOT NULL,
        revision        INTEGER NOT NULL,
        type            TEXT NOT NULL,
        version         INTEGER NOT NULL,
        data            TEXT NOT NULL,
        metadata        TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        recorded_at     TEXT NOT NULL,
        UNIQUE (stream_id, revision)
      );
      CREATE TABLE streams (stream_id TEXT PRIMARY KEY, revision INTEGER NOT NULL);
      CREATE INDEX events_org_position ON events (organization_id, position);
    `,
  },
  {
    version: 2,
    name: 'webhook list projection',
    sql: `
      CREATE TABLE webhook_list (
        webhook_id      TEXT PRIMARY KEY,
        organization_id TEXT NOT NULL,
        sequence        INTEGER NOT NULL UNIQUE,
        status          TEXT NOT NULL,
        event_types     TEXT NOT NULL,
        version         INTEGER NOT NULL,
        state           TEXT NOT NULL
      );
      CREATE INDEX webhook_list_org ON webhook_list (organization_id, status, sequence);
      CREATE TABLE projection_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
    `,
  },
  {
    version: 3,
    name: 'organizations and api keys',
    sql: `
      CREATE TABLE organizations (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        catalog_id TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE api_keys (
        key_id          TEXT PRIMARY KEY,
        organization_id TEXT NOT NULL REFERENCES organizations (id),
        hash            TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        revoked_at      TEXT
      );
    `,
  },
  {
    version: 4,
    name: 'webhook signing secrets',
    sql: `
      CREATE TABLE webhook_secrets (
        webhook_id          TEXT PRIMARY KEY,
        current             TEXT NOT NULL,
        previous            TEXT,
        previous_expires_at TEXT
      );
    `,
  },
];

/**
 * Applies the missing migrations, each in its own IMMEDIATE transaction that
 * re-checks the version inside, so processes opening one file at once are safe.
 */
export const migrate = (db: Database, all: readonly Migration[] = migrations): number[] => {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied: number[] = [];
  const has = db.prepare<[number], { version: number }>('SELECT version FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of [...all].sort((a, b) => a.version - b.version)) {
    db.transaction(() => {
      if (has.get(migration.version)) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
      applied.push(migration.version);
    }).immediate();
  }
  return applied;
};
