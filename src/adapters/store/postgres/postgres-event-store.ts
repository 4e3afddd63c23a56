import type { Pool, PoolClient } from 'pg';
import { GENESIS } from '../../../domain/index.js';
import type {
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
} from '../../../ports/event-store.js';
import { sealEvent } from '../../shared/seal-event.js';
import { inTransaction } from './transaction.js';

interface EventRow {
  position: string; // BIGSERIAL arrives as text
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  version: number;
  data: string;
  metadata: string;
  hash: string;
  chain: string;
}

const COLUMNS = 'position, event_id, stream_id, revision, type, version, data, metadata, hash, chain';
const MAX_PAGE = 10_000;
// Appends hold this transaction lock: positions are then taken in commit order, so a reader
// following the log never skips an event that commits late, and the global chain is well defined.
const APPEND_LOCK = 7_321_002;

const toStored = (row: EventRow): StoredEvent => ({
  eventId: row.event_id,
  streamId: row.stream_id,
  revision: row.revision,
  position: Number(row.position),
  type: row.type,
  version: row.version,
  data: JSON.parse(row.data) as unknown,
  metadata: JSON.parse(row.metadata) as StoredEvent['metadata'],
  hash: row.hash,
  chain: row.chain,
});

/** The event log in PostgreSQL (pg); see ADR 0009. */
export class PostgresEventStore implements EventStore {
  constructor(
    private readonly pool: Pool,
    private readonly ownsPool = false,
  ) {}

  async append(streamId: string, expectedRevision: number, events: readonly NewEvent[]): Promise<AppendResult> {
    const rows = events.map((e) => ({ e, data: JSON.stringify(e.data), metadata: JSON.stringify(e.metadata) }));
    return inTransaction(
      this.pool,
      async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
        return this.appendLocked(client, streamId, expectedRevision, rows);
      },
      (result) => result.ok,
    );
  }

  private async appendLocked(
    client: PoolClient,
    streamId: string,
    expectedRevision: number,
    rows: { e: NewEvent; data: string; metadata: string }[],
  ): Promise<AppendResult> {
    const current = await client.query<{ revision: number }>('SELECT revision FROM streams WHERE stream_id = $1', [streamId]);
    const actual = current.rows[0]?.revision ?? 0;
    if (actual !== expectedRevision) return { ok: false, expected: expectedRevision, actual };
    if (rows.length === 0) return { ok: true, nextRevision: actual, lastPosition: 0 };
    const lastInStream = await client.query<{ hash: string }>('SELECT hash FROM events WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1', [streamId]);
    const lastChain = await client.query<{ chain: string }>('SELECT chain FROM events ORDER BY position DESC LIMIT 1');
    let previousInStream = lastInStream.rows[0]?.hash ?? GENESIS;
    let previousChain = lastChain.rows[0]?.chain ?? GENESIS;
    let revision = actual;
    let lastPosition = 0;
    for (const { e, data, metadata } of rows) {
      revision += 1;
      const seal = sealEvent({ streamId, revision, eventId: e.eventId, type: e.type, version: e.version, data: e.data, metadata: e.metadata }, previousInStream, previousChain);
      previousInStream = seal.hash;
      previousChain = seal.chain;
      const inserted = await client.query<{ position: string }>(
        `INSERT INTO events (event_id, stream_id, revision, type, version, data, metadata, organization_id, recorded_at, hash, chain)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING position`,
        [e.eventId, streamId, revision, e.type, e.version, data, metadata, e.metadata.organizationId, e.metadata.recordedAt, seal.hash, seal.chain],
      );
      lastPosition = Number(inserted.rows[0]!.position);
    }
    await client.query(
      'INSERT INTO streams (stream_id, revision) VALUES ($1, $2) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision',
      [streamId, revision],
    );
    return { ok: true, nextRevision: revision, lastPosition };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    const result = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 AND revision <= $2 AND ($3::text IS NULL OR recorded_at <= $3) ORDER BY revision`,
      [streamId, options.toRevision ?? 2_147_483_647, options.until ?? null],
    );
    return result.rows.map(toStored);
  }

  async readAll(options: ReadAllOptions = {}): Promise<readonly StoredEvent[]> {
    const limit = Math.min(Math.max(1, options.limit ?? 1000), MAX_PAGE);
    const result = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE position > $1 AND ($2::text IS NULL OR starts_with(stream_id, $2)) ORDER BY position LIMIT $3`,
      [options.after ?? 0, options.streamPrefix ?? null, limit],
    );
    return result.rows.map(toStored);
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}
