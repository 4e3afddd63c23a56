// Over 250 lines on purpose: one append-only list of schema versions, read top to bottom; a version is never edited.
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
  {
    version: 2,
    name: 'read model, organizations, keys, secrets, delivery queue',
    sql: `
      CREATE TABLE webhook_list (
        webhook_id      TEXT PRIMARY KEY,
        organization_id TEXT NOT NULL,
        sequence        BIGINT NOT NULL UNIQUE,
        status          TEXT NOT NULL,
        event_types     TEXT[] NOT NULL,
        version         INTEGER NOT NULL,
        state           TEXT NOT NULL
      );
      CREATE INDEX webhook_list_org ON webhook_list (organization_id, sequence);
      CREATE TABLE projection_checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL);

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
      CREATE TABLE webhook_secrets (
        webhook_id          TEXT PRIMARY KEY,
        current             TEXT NOT NULL,
        previous            TEXT,
        previous_expires_at TEXT
      );

      CREATE TABLE messages (
        message_id      TEXT PRIMARY KEY,
        organization_id TEXT NOT NULL,
        event_type      TEXT NOT NULL,
        data            TEXT NOT NULL,
        accepted_at     TEXT NOT NULL
      );
      CREATE INDEX messages_accepted ON messages (accepted_at);
      CREATE TABLE idempotency_keys (
        organization_id TEXT NOT NULL,
        key             TEXT NOT NULL,
        message_id      TEXT NOT NULL,
        expires_at      TEXT NOT NULL,
        PRIMARY KEY (organization_id, key)
      );
      CREATE TABLE deliveries (
        delivery_id     BIGSERIAL PRIMARY KEY,
        message_id      TEXT NOT NULL REFERENCES messages (message_id),
        organization_id TEXT NOT NULL,
        webhook_id      TEXT NOT NULL,
        webhook_name    TEXT NOT NULL,
        channel_index   INTEGER NOT NULL,
        channel_kind    TEXT NOT NULL,
        channel         TEXT NOT NULL,
        status          TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT,
        lease_until     BIGINT,
        leased_by       TEXT,
        UNIQUE (message_id, webhook_id, channel_index)
      );
      -- Claims look only at due work: partial indexes keep finished deliveries out of them.
      CREATE INDEX deliveries_scheduled ON deliveries (next_attempt_at, delivery_id) WHERE status = 'scheduled';
      CREATE INDEX deliveries_leased ON deliveries (lease_until) WHERE status = 'leased';
      CREATE INDEX deliveries_webhook ON deliveries (webhook_id, status);
      CREATE TABLE delivery_attempts (
        attempt_id    BIGSERIAL PRIMARY KEY,
        delivery_id   BIGINT NOT NULL REFERENCES deliveries (delivery_id),
        attempt       INTEGER NOT NULL,
        at            TEXT NOT NULL,
        succeeded     BOOLEAN NOT NULL,
        status_code   INTEGER,
        latency_ms    DOUBLE PRECISION NOT NULL,
        response_body TEXT,
        error         TEXT
      );
      CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, attempt_id);
    `,
  },
  {
    version: 3,
    name: 'delivery claims without an outcome',
    // Counts claims since the job's last outcome, so a job that keeps stopping its worker is set aside (poison job).
    sql: `ALTER TABLE deliveries ADD COLUMN claims INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 4,
    name: 'stable channel ids: jobs refer to their channel, cancelled outcomes',
    // ADR 0015, as SQLite migration 8: queued jobs get ch_<index + 1> (what the upcaster gives that
    // channel), cancellations are marked, and the list projection is rebuilt from the log.
    sql: `
      ALTER TABLE deliveries ADD COLUMN channel_id TEXT;
      UPDATE deliveries SET channel_id = 'ch_' || (channel_index + 1);
      ALTER TABLE delivery_attempts ADD COLUMN cancelled BOOLEAN NOT NULL DEFAULT false;
      DELETE FROM webhook_list;
      DELETE FROM projection_checkpoints WHERE name = 'webhook_list';
    `,
  },
  {
    version: 5,
    name: 'delivery log by webhook',
    // As SQLite migration 9: the log walks (webhook_id, attempt_id) a page at a time instead of
    // sorting all of a webhook's attempts; a trigger fills the column before each insert.
    sql: `
      ALTER TABLE delivery_attempts ADD COLUMN webhook_id TEXT;
      UPDATE delivery_attempts a SET webhook_id = d.webhook_id FROM deliveries d WHERE d.delivery_id = a.delivery_id;
      CREATE INDEX delivery_attempts_webhook ON delivery_attempts (webhook_id, attempt_id);
      CREATE FUNCTION delivery_attempt_webhook_id() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF NEW.webhook_id IS NULL THEN
          SELECT d.webhook_id INTO NEW.webhook_id FROM deliveries d WHERE d.delivery_id = NEW.delivery_id;
        END IF;
        RETURN NEW;
      END
      $fn$;
      CREATE TRIGGER delivery_attempts_webhook_id BEFORE INSERT ON delivery_attempts
        FOR EACH ROW EXECUTE FUNCTION delivery_attempt_webhook_id();
    `,
  },
  {
    version: 6,
    name: 'fair claims: endpoints, their due jobs in order, rate-limit pacing',
    // ADR 0014, as SQLite migration 10: the claim walks the endpoints with due jobs (one index seek
    // each) and reads only each one's oldest; one pacing row per rate-limited endpoint.
    sql: `
      ALTER TABLE deliveries ADD COLUMN endpoint TEXT GENERATED ALWAYS AS (webhook_id || '/' || coalesce(channel_id, 'ch_' || (channel_index + 1)::text)) STORED;
      CREATE INDEX deliveries_endpoint_due ON deliveries (endpoint, next_attempt_at, delivery_id) WHERE status = 'scheduled';
      CREATE TABLE delivery_endpoints (
        endpoint    TEXT PRIMARY KEY,
        paced_until DOUBLE PRECISION NOT NULL
      );
      CREATE INDEX delivery_endpoints_paced ON delivery_endpoints (paced_until);
    `,
  },
  {
    version: 8,
    name: 'last delivery error per webhook',
    // As SQLite migration 12: last_error is kept, upserted with the failed attempt it describes
    // (the latest attempt_id wins), instead of ranking every attempt of the webhook on each read.
    sql: `
      CREATE TABLE webhook_last_errors (
        webhook_id  TEXT PRIMARY KEY,
        attempt_id  BIGINT NOT NULL,
        message     TEXT,
        channel     TEXT,
        status_code INTEGER,
        at          TEXT NOT NULL
      );
      INSERT INTO webhook_last_errors (webhook_id, attempt_id, message, channel, status_code, at)
      SELECT DISTINCT ON (d.webhook_id) d.webhook_id, a.attempt_id, a.error, d.channel_kind, a.status_code, a.at
      FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.delivery_id
      WHERE NOT a.succeeded AND NOT a.cancelled
      ORDER BY d.webhook_id, a.attempt_id DESC;
    `,
  },
  {
    version: 11,
    name: 'sealed at rest: wrapped data keys, the master key check, job copies without sensitive fields',
    // As SQLite migration 15 (ADR 0018).
    sql: `
      CREATE TABLE webhook_data_keys (
        webhook_id   TEXT PRIMARY KEY,
        wrapped      TEXT,
        destroyed_at TEXT
      );
      CREATE TABLE master_key_check (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        check_value TEXT NOT NULL
      );
      UPDATE deliveries SET channel = (channel::jsonb
          || jsonb_build_object('configs', (channel::jsonb -> 'configs')
            || CASE WHEN jsonb_typeof(channel::jsonb #> '{configs,headers}') = 'object' THEN '{"headers": {}}'::jsonb ELSE '{}'::jsonb END
            || CASE WHEN strpos(channel::jsonb #>> '{configs,url}', '?') > 0
                 THEN jsonb_build_object('url', split_part(channel::jsonb #>> '{configs,url}', '?', 1)) ELSE '{}'::jsonb END
            || CASE WHEN channel::jsonb #> '{configs,webhook_url}' IS NOT NULL THEN '{"webhook_url": "[redacted]"}'::jsonb ELSE '{}'::jsonb END
            || CASE WHEN channel::jsonb #> '{configs,to_addresses}' IS NOT NULL THEN '{"to_addresses": []}'::jsonb ELSE '{}'::jsonb END
            || CASE WHEN channel::jsonb #> '{configs,cc}' IS NOT NULL THEN '{"cc": []}'::jsonb ELSE '{}'::jsonb END
            || CASE WHEN channel::jsonb #> '{configs,bcc}' IS NOT NULL THEN '{"bcc": []}'::jsonb ELSE '{}'::jsonb END
            || CASE WHEN channel::jsonb #> '{configs,phone_numbers}' IS NOT NULL THEN '{"phone_numbers": []}'::jsonb ELSE '{}'::jsonb END))::text
        WHERE channel::jsonb -> 'configs' ?| array['headers', 'url', 'webhook_url', 'to_addresses', 'cc', 'bcc', 'phone_numbers'];
    `,
  },
  {
    version: 12,
    name: 'retention: idempotency keys by expiry',
    // ADR 0019: the pruning loop deletes expired keys oldest first (messages_accepted exists since 2).
    sql: `CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);`,
  },
  {
    version: 13,
    name: 'api keys: name, scope (operator keys belong to no organization), last use',
    // ADR 0020.
    sql: `
      ALTER TABLE api_keys ALTER COLUMN organization_id DROP NOT NULL;
      ALTER TABLE api_keys
        ADD COLUMN scope TEXT NOT NULL DEFAULT 'organization' CHECK (scope IN ('organization', 'operator')),
        ADD COLUMN name TEXT NOT NULL DEFAULT '',
        ADD COLUMN last_used_at TEXT,
        ADD CONSTRAINT api_keys_operator_has_no_organization CHECK ((scope = 'operator') = (organization_id IS NULL));
      CREATE INDEX api_keys_organization ON api_keys (organization_id, created_at);
    `,
  },
];

// Any fixed number: every Hookledger process serialises migrations on it.
const MIGRATION_LOCK = 7_321_001;

/** Applies missing migrations under a session advisory lock, so processes starting together are safe. */
export const migratePostgres = async (pool: Pool, all: readonly PgMigration[] = pgMigrations, onApply?: (m: PgMigration) => void): Promise<number[]> => {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const m of [...all].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      onApply?.(m);
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
