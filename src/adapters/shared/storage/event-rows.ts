import type { LoggedEvent, ReadAllOptions, StoredEvent } from '../../../ports/event-store.js';

/** The events table has the same columns in SQLite and PostgreSQL; `data` and `metadata` are JSON text. */
export interface EventRow {
  /** An integer in SQLite; PostgreSQL's BIGSERIAL arrives as text. */
  position: number | string;
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

/** Every column of EventRow, in its order, for a SELECT. */
export const EVENT_COLUMNS = 'position, event_id, stream_id, revision, type, version, data, metadata, hash, chain';

export const toStoredEvent = (row: EventRow): StoredEvent => ({
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

/** What projections fold (`readAllData`): a third less to read and no metadata to parse (replay speed, ADR 0016). */
export type EventDataRow = Pick<EventRow, 'position' | 'stream_id' | 'revision' | 'type' | 'version' | 'data'>;

/** EventDataRow's columns, in its order. */
export const EVENT_DATA_COLUMNS = 'position, stream_id, revision, type, version, data';

export const toLoggedEvent = (row: EventDataRow): LoggedEvent => ({
  streamId: row.stream_id,
  revision: row.revision,
  position: Number(row.position),
  type: row.type,
  version: row.version,
  data: JSON.parse(row.data) as unknown,
});

const MAX_PAGE = 10_000;

/** Rows one `readAll` or `readAllData` call returns: 1000 unless asked, at least 1, at most 10,000. */
export const pageLimit = (options: ReadAllOptions): number => Math.min(Math.max(1, options.limit ?? 1000), MAX_PAGE);
