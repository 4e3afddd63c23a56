import type { Pool } from 'pg';
import { GENESIS } from '../../../domain/index.js';
import type { AppendResult, EventStore, LoggedEvent, NewEvent, ReadAllOptions, ReadStreamOptions, StoredEvent } from '../../../ports/event-store.js';
import {
  EVENT_COLUMNS,
  EVENT_DATA_COLUMNS,
  type EventDataRow,
  type EventRow,
  pageLimit,
  toLoggedEvent,
  toStoredEvent,
} from '../../shared/storage/event-rows.js';
import { sealEvent } from '../../shared/storage/seal-event.js';

// Appends hold this transaction lock: positions are then taken in commit order, so a reader
// following the log never skips an event that commits late, and the global chain is well defined.
const APPEND_LOCK = 7_321_002;

/** The event log in PostgreSQL (pg); see ADR 0009. */
export class PostgresEventStore implements EventStore {
  constructor(
    private readonly pool: Pool,
    private readonly ownsPool = false,
  ) {}

  /**
   * Two round trips while the lock is held, since every append in every process waits on it:
   * BEGIN + lock + the stream's head, then the insert + COMMIT. Both go as simple-protocol
   * statements, so values are inlined with the driver's literal escaping.
   */
  async append(streamId: string, expectedRevision: number, events: readonly NewEvent[]): Promise<AppendResult> {
    const rows = events.map((e) => ({ e, data: JSON.stringify(e.data), metadata: JSON.stringify(e.metadata) }));
    const client = await this.pool.connect();
    let open = false;
    try {
      const lit = (value: string) => client.escapeLiteral(value);
      open = true;
      const results = (await client.query(
        `BEGIN; SELECT pg_advisory_xact_lock(${APPEND_LOCK});
         SELECT (SELECT revision FROM streams WHERE stream_id = ${lit(streamId)}) AS revision,
                (SELECT hash FROM events WHERE stream_id = ${lit(streamId)} ORDER BY revision DESC LIMIT 1) AS hash,
                (SELECT chain FROM events ORDER BY position DESC LIMIT 1) AS chain`,
      )) as unknown as { rows: { revision: number | null; hash: string | null; chain: string | null }[] }[];
      const head = results[2]!.rows[0]!;
      const actual = head.revision ?? 0;
      if (actual !== expectedRevision || rows.length === 0) {
        await client.query('ROLLBACK');
        open = false;
        return actual !== expectedRevision ? { ok: false, expected: expectedRevision, actual } : { ok: true, nextRevision: actual, lastPosition: 0 };
      }
      let previousInStream = head.hash ?? GENESIS;
      let previousChain = head.chain ?? GENESIS;
      const values = rows.map(({ e, data, metadata }, i) => {
        const revision = actual + i + 1;
        const seal = sealEvent(
          { streamId, revision, eventId: e.eventId, type: e.type, version: e.version, data: e.data, metadata: e.metadata },
          previousInStream,
          previousChain,
        );
        previousInStream = seal.hash;
        previousChain = seal.chain;
        const version = Number.isSafeInteger(e.version) ? e.version : Number.NaN; // never inline anything but an integer
        return `(${lit(e.eventId)}, ${lit(streamId)}, ${revision}, ${lit(e.type)}, ${version}, ${lit(data)}, ${lit(metadata)}, ${lit(e.metadata.organizationId)}, ${lit(e.metadata.recordedAt)}, '${seal.hash}', '${seal.chain}')`;
      });
      const revision = actual + rows.length;
      const written = (await client.query(
        `WITH inserted AS (
           INSERT INTO events (event_id, stream_id, revision, type, version, data, metadata, organization_id, recorded_at, hash, chain)
           VALUES ${values.join(', ')} RETURNING position),
         stream AS (
           INSERT INTO streams (stream_id, revision) VALUES (${lit(streamId)}, ${revision}) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision)
         SELECT max(position) AS last FROM inserted;
         COMMIT`,
      )) as unknown as { rows: { last: string }[] }[];
      open = false;
      return { ok: true, nextRevision: revision, lastPosition: Number(written[0]!.rows[0]!.last) };
    } catch (error) {
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    const result = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND revision > $4 AND revision <= $2 AND ($3::text IS NULL OR recorded_at <= $3)
       ORDER BY revision LIMIT $5`,
      [streamId, options.toRevision ?? 2_147_483_647, options.until ?? null, options.afterRevision ?? 0, options.limit ?? null],
    );
    return result.rows.map(toStoredEvent);
  }

  async readAllData(options: ReadAllOptions = {}): Promise<readonly LoggedEvent[]> {
    const limit = pageLimit(options);
    // The projection's columns only: no metadata or hashes to send and parse.
    const result = await this.pool.query<EventDataRow>(
      `SELECT ${EVENT_DATA_COLUMNS} FROM events WHERE position > $1 AND ($2::text IS NULL OR starts_with(stream_id, $2))
       ORDER BY position LIMIT $3`,
      [options.after ?? 0, options.streamPrefix ?? null, limit],
    );
    return result.rows.map(toLoggedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<readonly StoredEvent[]> {
    const limit = pageLimit(options);
    const result = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE position > $1 AND ($2::text IS NULL OR starts_with(stream_id, $2)) ORDER BY position LIMIT $3`,
      [options.after ?? 0, options.streamPrefix ?? null, limit],
    );
    return result.rows.map(toStoredEvent);
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}
