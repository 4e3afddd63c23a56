import type { Database, Statement } from 'better-sqlite3';
import type {
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
} from '../../../ports/event-store.js';
import { openSqliteDatabase } from './open-database.js';

interface EventRow {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  version: number;
  data: string;
  metadata: string;
}

const MAX_PAGE = 10_000;
const COLUMNS = 'position, event_id, stream_id, revision, type, version, data, metadata';

const toStored = (row: EventRow): StoredEvent => ({
  eventId: row.event_id,
  streamId: row.stream_id,
  revision: row.revision,
  position: row.position,
  type: row.type,
  version: row.version,
  data: JSON.parse(row.data) as unknown,
  metadata: JSON.parse(row.metadata) as StoredEvent['metadata'],
});

/** The event log in one SQLite file; shares its connection so other SQLite adapters can join a transaction. */
export class SqliteEventStore implements EventStore {
  private readonly currentRevision: Statement<[string], { revision: number }>;
  private readonly insertEvent: Statement;
  private readonly upsertStream: Statement;
  private readonly selectStream: Statement<[string, number, string], EventRow>;
  private readonly selectAll: Statement<[number, number], EventRow>;
  private readonly selectAllPrefix: Statement<[number, string, string, number], EventRow>;

  constructor(
    private readonly db: Database,
    private readonly ownsDatabase = false,
  ) {
    this.currentRevision = db.prepare('SELECT revision FROM streams WHERE stream_id = ?');
    this.insertEvent = db.prepare(
      `INSERT INTO events (event_id, stream_id, revision, type, version, data, metadata, organization_id, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.upsertStream = db.prepare(
      'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision',
    );
    this.selectStream = db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? AND recorded_at <= ? ORDER BY revision`,
    );
    this.selectAll = db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`);
    // A range on stream_id, not LIKE, so `_` and `%` in a prefix are literal.
    this.selectAllPrefix = db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE position > ? AND stream_id >= ? AND stream_id < ? ORDER BY position LIMIT ?`,
    );
  }

  static open(path: string): SqliteEventStore {
    return new SqliteEventStore(openSqliteDatabase(path), true);
  }

  async append(streamId: string, expectedRevision: number, events: readonly NewEvent[]): Promise<AppendResult> {
    // Serialise before the transaction: a value JSON cannot hold (bigint) fails with nothing written.
    const rows = events.map((e) => ({ e, data: JSON.stringify(e.data), metadata: JSON.stringify(e.metadata) }));
    return this.db
      .transaction((): AppendResult => {
        const actual = this.currentRevision.get(streamId)?.revision ?? 0;
        if (actual !== expectedRevision) return { ok: false, expected: expectedRevision, actual };
        let revision = actual;
        let lastPosition = 0;
        for (const { e, data, metadata } of rows) {
          revision += 1;
          const info = this.insertEvent.run(
            e.eventId, streamId, revision, e.type, e.version, data, metadata, e.metadata.organizationId, e.metadata.recordedAt,
          );
          lastPosition = Number(info.lastInsertRowid);
        }
        if (rows.length > 0) this.upsertStream.run(streamId, revision);
        return { ok: true, nextRevision: revision, lastPosition };
      })
      .immediate();
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    const rows = this.selectStream.all(streamId, options.toRevision ?? Number.MAX_SAFE_INTEGER, options.until ?? '\uffff');
    return rows.map(toStored);
  }

  async readAll(options: ReadAllOptions = {}): Promise<readonly StoredEvent[]> {
    const after = options.after ?? 0;
    const limit = Math.min(Math.max(1, options.limit ?? 1000), MAX_PAGE);
    const rows =
      options.streamPrefix === undefined
        ? this.selectAll.all(after, limit)
        : this.selectAllPrefix.all(after, options.streamPrefix, `${options.streamPrefix}\uffff`, limit);
    return rows.map(toStored);
  }

  async close(): Promise<void> {
    if (this.ownsDatabase && this.db.open) this.db.close();
  }
}
