import type { Database, Statement } from 'better-sqlite3';
import type { AppendResult, EventStore, LoggedEvent, NewEvent, ReadAllOptions, ReadStreamOptions, StoredEvent } from '../../../ports/event-store.js';
import { GENESIS } from '../../../domain/index.js';
import { EVENT_COLUMNS, EVENT_DATA_COLUMNS, type EventRow, pageLimit, toStoredEvent } from '../../shared/storage/event-rows.js';
import { sealEvent } from '../../shared/storage/seal-event.js';
import { openSqliteDatabase } from './open-database.js';

// Read as arrays (better-sqlite3's raw mode), in EVENT_DATA_COLUMNS order: no object per row to build and drop.
type DataRow = [position: number, streamId: string, revision: number, type: string, version: number, data: string];

/** The event log in one SQLite file; shares its connection so other SQLite adapters can join a transaction. */
export class SqliteEventStore implements EventStore {
  private readonly currentRevision: Statement<[string], { revision: number }>;
  private readonly insertEvent: Statement;
  private readonly upsertStream: Statement;
  private readonly selectStream: Statement<[string, number, number, string, number], EventRow>;
  private readonly selectStreamAfter: Statement<[string, number], EventRow>;
  private readonly selectAll: Statement<[number, number], EventRow>;
  private readonly selectAllPrefix: Statement<[number, string, string, number], EventRow>;
  private readonly selectDataPrefix: Statement<[number, string, string, number], DataRow>;
  private readonly selectData: Statement<[number, number], DataRow>;
  private readonly lastInStream: Statement<[string], { hash: string }>;
  private readonly lastChain: Statement<[], { chain: string }>;

  constructor(
    private readonly db: Database,
    private readonly ownsDatabase = false,
  ) {
    this.currentRevision = db.prepare('SELECT revision FROM streams WHERE stream_id = ?');
    this.insertEvent = db.prepare(
      `INSERT INTO events (event_id, stream_id, revision, type, version, data, metadata, organization_id, recorded_at, hash, chain)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.upsertStream = db.prepare(
      'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision',
    );
    this.selectStream = db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision > ? AND revision <= ? AND recorded_at <= ? ORDER BY revision LIMIT ?`,
    );
    // The hot read (a cached state checking for newer events) without the bounds it does not use: a bound LIMIT costs several µs here.
    this.selectStreamAfter = db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision > ? ORDER BY revision`);
    this.lastInStream = db.prepare('SELECT hash FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1');
    this.lastChain = db.prepare('SELECT chain FROM events ORDER BY position DESC LIMIT 1');
    this.selectAll = db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`);
    // A range on stream_id, not LIKE, so `_` and `%` in a prefix are literal. The unary `+` keeps
    // SQLite walking the log by position: using the stream index instead sorts every page (quadratic replay).
    this.selectAllPrefix = db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? AND +stream_id >= ? AND +stream_id < ? ORDER BY position LIMIT ?`,
    );
    this.selectData = db.prepare<[number, number], DataRow>(`SELECT ${EVENT_DATA_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw();
    this.selectDataPrefix = db
      .prepare<[number, string, string, number], DataRow>(
        `SELECT ${EVENT_DATA_COLUMNS} FROM events WHERE position > ? AND +stream_id >= ? AND +stream_id < ? ORDER BY position LIMIT ?`,
      )
      .raw();
  }

  private sealed = false;

  /** Rows written before the hash-chain migration get their hash and chain once, in position order. */
  private sealUnsealed(): void {
    if (this.sealed) return;
    this.sealed = true;
    // Over the partial index of migration 19: no scan when every row is sealed.
    if (this.db.prepare('SELECT EXISTS (SELECT 1 FROM events WHERE hash IS NULL)').pluck().get() === 0) return;
    this.db
      .transaction(() => {
        const rows = this.db.prepare(`SELECT ${EVENT_COLUMNS} FROM events ORDER BY position`).all() as EventRow[];
        const update = this.db.prepare('UPDATE events SET hash = ?, chain = ? WHERE position = ?');
        const lastOfStream = new Map<string, string>();
        let chain = GENESIS;
        for (const row of rows) {
          const seal =
            row.hash && row.chain
              ? { hash: row.hash, chain: row.chain }
              : sealEvent({ ...toStoredEvent({ ...row, hash: '', chain: '' }) }, lastOfStream.get(row.stream_id) ?? GENESIS, chain);
          if (!row.hash) update.run(seal.hash, seal.chain, row.position);
          lastOfStream.set(row.stream_id, seal.hash);
          chain = seal.chain;
        }
      })
      .immediate();
  }

  static open(path: string): SqliteEventStore {
    return new SqliteEventStore(openSqliteDatabase(path), true);
  }

  async append(streamId: string, expectedRevision: number, events: readonly NewEvent[]): Promise<AppendResult> {
    // Serialise before the transaction: a value JSON cannot hold (bigint) fails with nothing written.
    const rows = events.map((e) => ({ e, data: JSON.stringify(e.data), metadata: JSON.stringify(e.metadata) }));
    this.sealUnsealed();
    return this.db
      .transaction((): AppendResult => {
        const actual = this.currentRevision.get(streamId)?.revision ?? 0;
        if (actual !== expectedRevision) return { ok: false, expected: expectedRevision, actual };
        let revision = actual;
        let lastPosition = 0;
        // Inside the write lock, so the previous hashes are the ones this append follows.
        let previousInStream = this.lastInStream.get(streamId)?.hash ?? GENESIS;
        let previousChain = this.lastChain.get()?.chain ?? GENESIS;
        for (const { e, data, metadata } of rows) {
          revision += 1;
          // Canonical JSON of the values equals that of the stored text, so a reader recomputes exactly this.
          const seal = sealEvent(
            { streamId, revision, eventId: e.eventId, type: e.type, version: e.version, data: e.data, metadata: e.metadata },
            previousInStream,
            previousChain,
          );
          previousInStream = seal.hash;
          previousChain = seal.chain;
          const info = this.insertEvent.run(
            e.eventId,
            streamId,
            revision,
            e.type,
            e.version,
            data,
            metadata,
            e.metadata.organizationId,
            e.metadata.recordedAt,
            seal.hash,
            seal.chain,
          );
          lastPosition = Number(info.lastInsertRowid);
        }
        if (rows.length > 0) this.upsertStream.run(streamId, revision);
        return { ok: true, nextRevision: revision, lastPosition };
      })
      .immediate();
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    this.sealUnsealed();
    const bounded = options.toRevision !== undefined || options.until !== undefined || options.limit !== undefined;
    const after = options.afterRevision ?? 0;
    const rows = bounded
      ? this.selectStream.all(streamId, after, options.toRevision ?? Number.MAX_SAFE_INTEGER, options.until ?? '\uffff', options.limit ?? -1)
      : this.selectStreamAfter.all(streamId, after);
    return rows.map(toStoredEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<readonly StoredEvent[]> {
    this.sealUnsealed();
    const after = options.after ?? 0;
    const limit = pageLimit(options);
    const rows =
      options.streamPrefix === undefined
        ? this.selectAll.all(after, limit)
        : this.selectAllPrefix.all(after, options.streamPrefix, `${options.streamPrefix}\uffff`, limit);
    return rows.map(toStoredEvent);
  }

  async readAllData(options: ReadAllOptions = {}): Promise<readonly LoggedEvent[]> {
    this.sealUnsealed();
    const after = options.after ?? 0;
    const limit = pageLimit(options);
    const rows =
      options.streamPrefix === undefined
        ? this.selectData.all(after, limit)
        : this.selectDataPrefix.all(after, options.streamPrefix, `${options.streamPrefix}\uffff`, limit);
    const events: LoggedEvent[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      // Indexes, not array destructuring: that goes through the iterator protocol until the JIT catches up (a replay is one cold pass).
      const row = rows[i]!;
      events[i] = { streamId: row[1], revision: row[2], position: row[0], type: row[3], version: row[4], data: JSON.parse(row[5]) as unknown };
    }
    return events;
  }

  async close(): Promise<void> {
    if (this.ownsDatabase && this.db.open) this.db.close();
  }
}
