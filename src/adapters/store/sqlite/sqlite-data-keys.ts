import type { Database } from 'better-sqlite3';
import type { DataKeyStore, StoredDataKey } from '../../../ports/data-key-store.js';
import { type DataKeyRow, toStoredDataKey } from '../../shared/storage/data-key-rows.js';

/** Wrapped data keys and the master key check in the SQLite file (migration 15). */
export class SqliteDataKeys implements DataKeyStore {
  constructor(private readonly db: Database) {}

  async keyCheck(value: string): Promise<string> {
    this.db.prepare('INSERT INTO master_key_check (id, check_value) VALUES (1, ?) ON CONFLICT (id) DO NOTHING').run(value);
    return this.db.prepare('SELECT check_value FROM master_key_check WHERE id = 1').pluck().get() as string;
  }

  async get(webhookId: string): Promise<StoredDataKey | undefined> {
    const row = this.db.prepare<[string], DataKeyRow>('SELECT wrapped, destroyed_at FROM webhook_data_keys WHERE webhook_id = ?').get(webhookId);
    return row ? toStoredDataKey(row) : undefined;
  }

  async insert(webhookId: string, wrapped: string, keyCheck: string): Promise<void> {
    // One statement, and SQLite has one writer: a rotation commits wholly before or after it.
    this.db
      .prepare(
        `INSERT INTO webhook_data_keys (webhook_id, wrapped) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM master_key_check WHERE id = 1 AND check_value = ?)
         ON CONFLICT (webhook_id) DO NOTHING`,
      )
      .run(webhookId, wrapped, keyCheck);
  }

  async destroy(webhookId: string, at: string): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO webhook_data_keys (webhook_id, wrapped, destroyed_at) VALUES (?, NULL, ?)
         ON CONFLICT (webhook_id) DO UPDATE SET wrapped = NULL, destroyed_at = coalesce(webhook_data_keys.destroyed_at, excluded.destroyed_at)`,
      )
      .run(webhookId, at);
  }

  async rewrapAll(rewrap: (webhookId: string, wrapped: string) => string, oldCheck: string, newCheck: string): Promise<number> {
    return this.db
      .transaction(() => {
        const check = this.db.prepare('SELECT check_value FROM master_key_check WHERE id = 1').pluck().get();
        if (check !== oldCheck) throw new Error('the master key check changed during the rotation');
        const rows = this.db.prepare('SELECT webhook_id, wrapped FROM webhook_data_keys WHERE wrapped IS NOT NULL').all() as {
          webhook_id: string;
          wrapped: string;
        }[];
        const update = this.db.prepare('UPDATE webhook_data_keys SET wrapped = ? WHERE webhook_id = ?');
        for (const row of rows) update.run(rewrap(row.webhook_id, row.wrapped), row.webhook_id);
        this.db.prepare('UPDATE master_key_check SET check_value = ? WHERE id = 1').run(newCheck);
        return rows.length;
      })
      .immediate();
  }
}
