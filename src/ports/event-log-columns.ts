import type { ColumnCopies } from '../domain/audit/column-copies.js';

export type { ColumnCopies } from '../domain/audit/column-copies.js';

/**
 * The columns an event store keeps beside each event's hashed content for its queries (time,
 * organization), read as they are, so `verify` can check them against the hashed metadata.
 * Stores that keep no such copies (in memory, EventStoreDB) have no adapter.
 */
export interface EventLogColumns {
  /** One page in position order: events with a position above `after`, at most `limit`. */
  read(after: number, limit: number): Promise<readonly ColumnCopies[]>;
}
