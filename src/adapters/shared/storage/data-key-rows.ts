import type { StoredDataKey } from '../../../ports/data-key-store.js';

/** The webhook_data_keys table has the same columns in SQLite and PostgreSQL (ADR 0018). */
export interface DataKeyRow {
  wrapped: string | null;
  destroyed_at: string | null;
}

export const toStoredDataKey = (row: DataKeyRow): StoredDataKey => (row.wrapped !== null ? { wrapped: row.wrapped } : { destroyedAt: row.destroyed_at ?? '' });
