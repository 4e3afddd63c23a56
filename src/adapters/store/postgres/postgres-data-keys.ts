import type { Pool } from 'pg';
import type { DataKeyStore, StoredDataKey } from '../../../ports/data-key-store.js';
import { type DataKeyRow, toStoredDataKey } from '../../shared/storage/data-key-rows.js';
import { inTransaction } from './transaction.js';

/** Wrapped data keys and the master key check in PostgreSQL (migration 11). */
export class PostgresDataKeys implements DataKeyStore {
  constructor(private readonly pool: Pool) {}

  async keyCheck(value: string): Promise<string> {
    await this.pool.query('INSERT INTO master_key_check (id, check_value) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [value]);
    // A second statement: it sees the row of a process that won the first start meanwhile.
    const result = await this.pool.query<{ check_value: string }>('SELECT check_value FROM master_key_check WHERE id = 1');
    return result.rows[0]!.check_value;
  }

  async get(webhookId: string): Promise<StoredDataKey | undefined> {
    const result = await this.pool.query<DataKeyRow>('SELECT wrapped, destroyed_at FROM webhook_data_keys WHERE webhook_id = $1', [webhookId]);
    return result.rows[0] ? toStoredDataKey(result.rows[0]) : undefined;
  }

  async insert(webhookId: string, wrapped: string, keyCheck: string): Promise<void> {
    // FOR SHARE waits for a rotation holding the check row, then sees its new value: no key is
    // stored wrapped by a master key rotated away, and a rotation sees every key stored before it.
    await this.pool.query(
      `INSERT INTO webhook_data_keys (webhook_id, wrapped)
       SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM master_key_check WHERE id = 1 AND check_value = $3 FOR SHARE)
       ON CONFLICT (webhook_id) DO NOTHING`,
      [webhookId, wrapped, keyCheck],
    );
  }

  async destroy(webhookId: string, at: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO webhook_data_keys (webhook_id, wrapped, destroyed_at) VALUES ($1, NULL, $2)
       ON CONFLICT (webhook_id) DO UPDATE SET wrapped = NULL, destroyed_at = coalesce(webhook_data_keys.destroyed_at, excluded.destroyed_at)`,
      [webhookId, at],
    );
  }

  async rewrapAll(rewrap: (webhookId: string, wrapped: string) => string, oldCheck: string, newCheck: string): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const check = await client.query<{ check_value: string }>('SELECT check_value FROM master_key_check WHERE id = 1 FOR UPDATE');
      if (check.rows[0]?.check_value !== oldCheck) throw new Error('the master key check changed during the rotation');
      const rows = (
        await client.query<{ webhook_id: string; wrapped: string }>('SELECT webhook_id, wrapped FROM webhook_data_keys WHERE wrapped IS NOT NULL FOR UPDATE')
      ).rows;
      const ids = rows.map((r) => r.webhook_id);
      const wrapped = rows.map((r) => rewrap(r.webhook_id, r.wrapped));
      await client.query(
        'UPDATE webhook_data_keys k SET wrapped = u.wrapped FROM unnest($1::text[], $2::text[]) AS u(webhook_id, wrapped) WHERE k.webhook_id = u.webhook_id',
        [ids, wrapped],
      );
      await client.query('UPDATE master_key_check SET check_value = $1 WHERE id = 1', [newCheck]);
      return rows.length;
    });
  }
}
