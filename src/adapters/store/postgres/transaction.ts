import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on one pooled connection. `commit` decides
 * from the result whether to commit (default: always); a throw rolls back.
 */
export const inTransaction = async <T>(pool: Pool, work: (client: PoolClient) => Promise<T>, commit: (result: T) => boolean = () => true): Promise<T> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query(commit(result) ? 'COMMIT' : 'ROLLBACK');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
};
