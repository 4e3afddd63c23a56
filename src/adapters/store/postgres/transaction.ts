import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on one pooled connection. `commit` decides
 * from the result whether to commit (default: always); a throw rolls back.
 * `begin` may add parameterless statements to the BEGIN round trip (e.g. taking a lock).
 */
export const inTransaction = async <T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  commit: (result: T) => boolean = () => true,
  begin = 'BEGIN',
): Promise<T> => {
  const client = await pool.connect();
  try {
    await client.query(begin);
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
