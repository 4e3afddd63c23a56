// Over 250 lines on purpose: one append-only list of schema versions, read top to bottom; a version is never edited.
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
  {
    version: 5,
    name: 'delivery queue',
    sql: `
      CREATE TABLE messages (
        message_id      TEXT PRIMARY KEY,
        organization_id TEXT NOT NULL,
        event_type      TEXT NOT NULL,
        data            TEXT NOT NULL,
        accepted_at     TEXT NOT NULL
      );
      CREATE TABLE idempotency_keys (
        organization_id TEXT NOT NULL,
        key             TEXT NOT NULL,
        message_id      TEXT NOT NULL,
        expires_at      TEXT NOT NULL,
        PRIMARY KEY (organization_id, key)
      );
      CREATE TABLE deliveries (
        delivery_id     INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id      TEXT NOT NULL REFERENCES messages (message_id),
        organization_id TEXT NOT NULL,
        webhook_id      TEXT NOT NULL,
        webhook_name    TEXT NOT NULL,
        channel_index   INTEGER NOT NULL,
        channel         TEXT NOT NULL,
        status          TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        lease_until     INTEGER,
        leased_by       TEXT,
        UNIQUE (message_id, webhook_id, channel_index)
      );
      CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
      CREATE INDEX deliveries_lease ON deliveries (status, lease_until);
      CREATE INDEX deliveries_webhook ON deliveries (webhook_id, status);
      CREATE TABLE delivery_attempts (
        attempt_id    INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id   INTEGER NOT NULL REFERENCES deliveries (delivery_id),
        attempt       INTEGER NOT NULL,
        at            TEXT NOT NULL,
        succeeded     INTEGER NOT NULL,
        status_code   INTEGER,
        latency_ms    REAL NOT NULL,
        response_body TEXT,
        error         TEXT
      );
      CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, attempt);
    `,
  },
  {
    version: 6,
    name: 'tamper-evident hash chains',
    // Filled in by the event store for rows written before this migration (sealing needs SHA-256).
    sql: `
      ALTER TABLE events ADD COLUMN hash TEXT;
      ALTER TABLE events ADD COLUMN chain TEXT;
    `,
  },
  {
    version: 7,
    name: 'delivery claims without an outcome',
    // Counts claims since the job's last outcome, so a job that keeps stopping its worker is set aside (poison job).
    sql: `ALTER TABLE deliveries ADD COLUMN claims INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 8,
    name: 'stable channel ids: jobs refer to their channel, cancelled outcomes',
    // ADR 0015. Queued jobs get the id the upcaster gives the channel at their index (ch_<index + 1>);
    // a cancellation is logged like an attempt but is no delivery error. The list projection
    // held channels without ids: it is emptied and its checkpoint dropped, so the next catch-up
    // rebuilds it from the log (stored events are never rewritten).
    sql: `
      ALTER TABLE deliveries ADD COLUMN channel_id TEXT;
      UPDATE deliveries SET channel_id = 'ch_' || (channel_index + 1);
      ALTER TABLE delivery_attempts ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;
      DELETE FROM webhook_list;
      DELETE FROM projection_checkpoints WHERE name = 'webhook_list';
    `,
  },
  {
    version: 9,
    name: 'delivery log by webhook',
    // The log pages a webhook's attempts newest first: an index on (webhook_id, attempt_id) walks
    // one page instead of sorting all its attempts. The trigger fills the column, so whoever
    // records attempts need not know it.
    sql: `
      ALTER TABLE delivery_attempts ADD COLUMN webhook_id TEXT;
      UPDATE delivery_attempts SET webhook_id = (SELECT d.webhook_id FROM deliveries d WHERE d.delivery_id = delivery_attempts.delivery_id);
      CREATE INDEX delivery_attempts_webhook ON delivery_attempts (webhook_id, attempt_id);
      CREATE TRIGGER delivery_attempts_webhook_id AFTER INSERT ON delivery_attempts WHEN NEW.webhook_id IS NULL
      BEGIN
        UPDATE delivery_attempts SET webhook_id = (SELECT d.webhook_id FROM deliveries d WHERE d.delivery_id = NEW.delivery_id)
        WHERE attempt_id = NEW.attempt_id;
      END;
    `,
  },
  {
    version: 10,
    name: 'fair claims: endpoints, their due jobs in order, rate-limit pacing',
    // ADR 0014. An endpoint is one channel of one webhook. The claim walks the endpoints with due
    // jobs (one index seek each) and reads only each one's oldest, so its cost follows the number
    // of due endpoints, not of due jobs. One pacing row per rate-limited endpoint; a row whose
    // time has passed says nothing and is deleted.
    sql: `
      ALTER TABLE deliveries ADD COLUMN endpoint TEXT GENERATED ALWAYS AS (webhook_id || '/' || coalesce(channel_id, 'ch_' || (channel_index + 1))) VIRTUAL;
      CREATE INDEX deliveries_endpoint_due ON deliveries (endpoint, next_attempt_at, delivery_id) WHERE status = 'scheduled';
      CREATE TABLE delivery_endpoints (
        endpoint    TEXT PRIMARY KEY,
        paced_until REAL NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX delivery_endpoints_paced ON delivery_endpoints (paced_until);
    `,
  },
  {
    version: 12,
    name: 'last delivery error per webhook',
    // Issue 16: each GET and list page showed last_error by ranking every attempt of the webhook.
    // It is kept instead, upserted with the failed attempt it describes (the latest attempt_id
    // wins; a success never clears it; a cancellation is no error), and filled here by that rule.
    sql: `
      CREATE TABLE webhook_last_errors (
        webhook_id  TEXT PRIMARY KEY,
        attempt_id  INTEGER NOT NULL,
        message     TEXT,
        channel     TEXT,
        status_code INTEGER,
        at          TEXT NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO webhook_last_errors (webhook_id, attempt_id, message, channel, status_code, at)
      SELECT webhook_id, attempt_id, error, channel, status_code, at FROM (
        SELECT d.webhook_id, a.attempt_id, a.error, a.status_code, a.at, json_extract(d.channel, '$.channel') AS channel,
               row_number() OVER (PARTITION BY d.webhook_id ORDER BY a.attempt_id DESC) AS rn
        FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.delivery_id
        WHERE a.succeeded = 0 AND a.cancelled = 0)
      WHERE rn = 1;
    `,
  },
  {
    version: 15,
    name: 'sealed at rest: wrapped data keys, the master key check, job copies without sensitive fields',
    // ADR 0018. One wrapped data key per webhook (wrapped NULL once destroyed: forgotten); one
    // key-check row tells a process started with another master key. Jobs keep a channel copy
    // only for the log and scheduling, so the copies already queued lose their sensitive values.
    sql: `
      CREATE TABLE webhook_data_keys (
        webhook_id   TEXT PRIMARY KEY,
        wrapped      TEXT,
        destroyed_at TEXT
      ) WITHOUT ROWID;
      CREATE TABLE master_key_check (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        check_value TEXT NOT NULL
      );
      UPDATE deliveries SET channel = json_set(channel, '$.configs.headers', json('{}')) WHERE json_type(channel, '$.configs.headers') = 'object';
      UPDATE deliveries SET channel = json_set(channel, '$.configs.url', substr(json_extract(channel, '$.configs.url'), 1, instr(json_extract(channel, '$.configs.url'), '?') - 1))
        WHERE instr(json_extract(channel, '$.configs.url'), '?') > 0;
      UPDATE deliveries SET channel = json_set(channel, '$.configs.webhook_url', '[redacted]') WHERE json_type(channel, '$.configs.webhook_url') = 'text';
      UPDATE deliveries SET channel = json_set(channel, '$.configs.to_addresses', json('[]')) WHERE json_type(channel, '$.configs.to_addresses') = 'array';
      UPDATE deliveries SET channel = json_set(channel, '$.configs.cc', json('[]')) WHERE json_type(channel, '$.configs.cc') = 'array';
      UPDATE deliveries SET channel = json_set(channel, '$.configs.bcc', json('[]')) WHERE json_type(channel, '$.configs.bcc') = 'array';
      UPDATE deliveries SET channel = json_set(channel, '$.configs.phone_numbers', json('[]')) WHERE json_type(channel, '$.configs.phone_numbers') = 'array';
    `,
  },
  {
    version: 16,
    name: 'retention: messages by age, idempotency keys by expiry',
    // ADR 0019: the pruning loop walks both oldest first, a bounded batch at a time.
    sql: `
      CREATE INDEX messages_accepted ON messages (accepted_at);
      CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
    `,
  },
  {
    version: 17,
    name: 'api keys: name, scope (operator keys belong to no organization), last use',
    // ADR 0020. SQLite cannot drop NOT NULL in place, so the table is copied; nothing refers to it.
    sql: `
      CREATE TABLE api_keys_v17 (
        key_id          TEXT PRIMARY KEY,
        organization_id TEXT REFERENCES organizations (id),
        scope           TEXT NOT NULL DEFAULT 'organization' CHECK (scope IN ('organization', 'operator')),
        name            TEXT NOT NULL DEFAULT '',
        hash            TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        last_used_at    TEXT,
        revoked_at      TEXT,
        CHECK ((scope = 'operator') = (organization_id IS NULL))
      );
      INSERT INTO api_keys_v17 (key_id, organization_id, hash, created_at, revoked_at)
      SELECT key_id, organization_id, hash, created_at, revoked_at FROM api_keys;
      DROP TABLE api_keys;
      ALTER TABLE api_keys_v17 RENAME TO api_keys;
      CREATE INDEX api_keys_organization ON api_keys (organization_id, created_at);
    `,
  },
  {
    version: 18,
    name: 'delivery indexes hold only open jobs',
    // Issue 14: almost every job ends succeeded, yet each outcome rewrote its row in the due and
    // lease indexes over all jobs ever queued. Partial indexes hold only the jobs that are still
    // open, so an ended job leaves them and they stay the size of the live queue.
    sql: `
      DROP INDEX deliveries_due;
      CREATE INDEX deliveries_open ON deliveries (next_attempt_at) WHERE status IN ('scheduled', 'leased');
      DROP INDEX deliveries_lease;
      CREATE INDEX deliveries_lease ON deliveries (lease_until) WHERE status = 'leased';
    `,
  },
  {
    version: 19,
    name: 'rows still to seal, found without a scan',
    // Each process asked once whether rows from before migration 6 lacked their hash: a scan of the
    // whole log (37 ms at 100,000 events), on its first read. Every row since is written sealed, so
    // this index stays empty and costs appends nothing.
    sql: `CREATE INDEX events_unsealed ON events (position) WHERE hash IS NULL;`,
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
