import { describe, it } from 'vitest';
import pg from 'pg';

export const PG_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether a PostgreSQL server answers at PG_TEST_URL; the reason when not. */
export const probePostgres = async (): Promise<{ ok: true } | { ok: false; reason: string }> => {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `no PostgreSQL at ${PG_URL.replace(/\/\/[^@]*@/, '//…@')}: ${(error as Error).message}` };
  } finally {
    await client.end().catch(() => undefined);
  }
};

/** A fresh schema for one test; pools made by `pool()` use it; `drop()` removes it and closes them. */
export const tempSchema = async () => {
  const schema = `hl_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pools: pg.Pool[] = [];
  return {
    schema,
    pool: () => {
      const p = new pg.Pool({ connectionString: PG_URL, options: `-c search_path=${schema}`, max: 4 });
      pools.push(p);
      return p;
    },
    drop: async () => {
      await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
      // Backends of processes a test just killed may still be finishing a statement in the schema,
      // and the drop can deadlock with them: retry for a few seconds rather than fail the teardown.
      for (let attempt = 1; ; attempt++) {
        try {
          await admin.query(`DROP SCHEMA ${schema} CASCADE`);
          break;
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (attempt >= 10 || (code !== '40P01' && code !== '55P03')) throw error;
          await new Promise((r) => setTimeout(r, 300));
        }
      }
      await admin.end();
    },
  };
};

const server = await probePostgres();

/** Whether the suites that need PostgreSQL run here. */
export const postgresAnswers = server.ok;

/** A migrated schema of its own; `pool()` opens another pool on it (another process, as far as the database can tell). */
export const migratedSchema = async () => {
  const { migratePostgres } = await import('../../src/adapters/store/postgres/migrations.js');
  const t = await tempSchema();
  const first = t.pool();
  await migratePostgres(first);
  return { ...t, first };
};

/**
 * Registers a contract suite on PostgreSQL, or says loudly that it skipped and
 * why (no server answering at PG_TEST_URL).
 */
export const onPostgres = (suite: string, register: () => void) => {
  if (server.ok) {
    register();
  } else {
    console.log(`SKIPPED ${suite} on PostgreSQL: ${server.reason}`);
    describe.skip(`${suite}: PostgreSQL (${server.reason})`, () => {
      it('needs a server', () => undefined);
    });
  }
};
