import pg from 'pg';
import { SystemClock } from '../src/adapters/clock/system/system-clock.js';
import { CryptoIds } from '../src/adapters/ids/crypto/crypto-ids.js';
import { migratePostgres } from '../src/adapters/store/postgres/migrations.js';
import { PostgresDeliveryQueue } from '../src/adapters/store/postgres/postgres-delivery-queue.js';
import { PostgresEventStore } from '../src/adapters/store/postgres/postgres-event-store.js';
import { type Caller, createWebhook, executeWebhookCommand } from '../src/application/index.js';
import { dottedCatalog } from '../src/domain/index.js';
import type { DeliveryTarget } from '../src/ports/delivery-queue.js';
import { type Comparison, progress, timed } from './support.js';

const URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const caller: Caller = { organizationId: 'int_bench0000000000000000000', actor: 'bench', catalog: dottedCatalog };
const settings = {
  webhook_name: 'Bench',
  event_types: ['object.created'],
  channels: [{ channel: 'webhook' as const, configs: { url: 'https://example.com/hook' } }],
};

/** A schema of its own, dropped afterwards; `pool()` connects to it. */
const withSchema = async <T>(run: (pool: (max?: number) => pg.Pool) => Promise<T>): Promise<T> => {
  const schema = `hl_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Pool({ connectionString: URL, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pools: pg.Pool[] = [];
  try {
    return await run((max = 10) => {
      const p = new pg.Pool({ connectionString: URL, options: `-c search_path=${schema}`, max });
      pools.push(p);
      return p;
    });
  } finally {
    await Promise.all(pools.map((p) => p.end()));
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
};

/** Where the benchmarks need a server; the reason when none answers. */
export const postgresAvailable = async (): Promise<string | undefined> => {
  const client = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
};

/**
 * Commands through the handler into PostgreSQL (read, fold, decide, append under the advisory
 * lock with hashes), `clients` at a time, vs the same rows written by raw pg inserts, one
 * transaction per command, as many at a time.
 */
export const postgresAppends = async (commands = 2000, clients = 8): Promise<Comparison> =>
  withSchema(async (pool) => {
    const ours = pool(clients);
    await migratePostgres(ours);
    const deps = { eventStore: new PostgresEventStore(ours), clock: new SystemClock(), ids: new CryptoIds() };
    let done = 0;
    // Each client creates a webhook, then renames it: 1 creation per 4 commands.
    const client = async (n: number) => {
      let id = '';
      for (let i = 0; i < commands / clients; i++) {
        if (i % 4 === 0) {
          const r = await createWebhook(deps, caller, settings);
          if (r._tag === 'Left') throw new Error(r.left.message);
          id = r.right.webhook.webhook_id;
        } else {
          const r = await executeWebhookCommand(deps, caller, id, { type: 'RenameWebhook', data: { webhook_name: `Bench ${n}.${i}` } });
          if (r._tag === 'Left') throw new Error(r.left.message);
        }
        progress(`commands into PostgreSQL (${clients} clients)`, ++done, commands);
      }
    };
    const oursMs = await timed(() => Promise.all(Array.from({ length: clients }, (_, n) => client(n))).then(() => undefined));
    const rows = (await ours.query('SELECT * FROM events ORDER BY position')).rows as Record<string, unknown>[];
    await ours.query('TRUNCATE events, streams RESTART IDENTITY');

    // The same rows, a durable transaction each (insert + stream revision), no read, decision or lock.
    const raw = pool(clients);
    let next = 0;
    const writer = async () => {
      const c = await raw.connect();
      try {
        while (next < rows.length) {
          const row = rows[next++]!;
          await c.query('BEGIN');
          await c.query(
            'INSERT INTO events (event_id, stream_id, revision, type, version, data, metadata, organization_id, recorded_at, hash, chain) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
            [
              row.event_id,
              row.stream_id,
              row.revision,
              row.type,
              row.version,
              row.data,
              row.metadata,
              row.organization_id,
              row.recorded_at,
              row.hash,
              row.chain,
            ],
          );
          await c.query('INSERT INTO streams (stream_id, revision) VALUES ($1, $2) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision', [
            row.stream_id,
            row.revision,
          ]);
          await c.query('COMMIT');
          progress('raw pg inserts', next, rows.length);
        }
      } finally {
        c.release();
      }
    };
    const baselineMs = await timed(() => Promise.all(Array.from({ length: clients }, writer)).then(() => undefined));
    return {
      name: `commands into PostgreSQL (${commands}, ${clients} clients)`,
      unit: 'cmd/s',
      ours: commands / (oursMs / 1000),
      baseline: rows.length / (baselineMs / 1000),
      baselineName: 'raw pg inserts',
      higherIsBetter: true,
    };
  });

const target = (n: number): DeliveryTarget => ({
  webhookId: `wh_${String(n % 50).padStart(10, '0')}`,
  webhookName: 'Bench',
  channelIndex: 0,
  channelId: 'ch_1',
  channel: { channel: 'webhook', configs: { url: 'https://example.com/hook', headers: {}, timeout: 10 } },
});

const enqueueJobs = async (queue: PostgresDeliveryQueue, jobs: number, now: number, label: string) => {
  for (let i = 0; i < jobs; i++) {
    await queue.enqueue(
      {
        messageId: `msg_${label}_${i}`,
        organizationId: caller.organizationId,
        eventType: 'object.created',
        data: { i },
        acceptedAt: new Date(now).toISOString(),
      },
      [target(i)],
    );
    progress(`enqueue jobs (${label})`, i + 1, jobs);
  }
};

/** `workers` loops until `step` finds nothing more; returns jobs per second. */
const drain = async (workers: number, jobs: number, label: string, step: (worker: number) => Promise<number>): Promise<number> => {
  let done = 0;
  const ms = await timed(() =>
    Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        for (let n = await step(w); n > 0; n = await step(w)) {
          done += n;
          progress(label, Math.min(done, jobs), jobs);
        }
      }),
    ).then(() => undefined),
  );
  if (done !== jobs) throw new Error(`${label}: ${done} of ${jobs} jobs`);
  return jobs / (ms / 1000);
};

/**
 * The queue on PostgreSQL with `workers` concurrent workers taking 20 jobs at a time, against the
 * textbook minimal queue (`DELETE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`):
 * claims alone, and claims with each job's outcome written durably (our attempt log and
 * status vs one result row per job in the minimal queue), one commit per job in both.
 */
export const postgresQueue = async (jobs = 5000, workers = 4): Promise<Comparison[]> =>
  withSchema(async (pool) => {
    const p = pool(workers * 4 + 1);
    await migratePostgres(p);
    const queue = new PostgresDeliveryQueue(p);
    const now = Date.now();
    const ok = { at: new Date(now).toISOString(), succeeded: true, statusCode: 200, latencyMs: 1 };

    await enqueueJobs(queue, jobs, now, 'claims');
    const claims = await drain(
      workers,
      jobs,
      `claims (${workers} workers)`,
      async (w) => (await queue.claim({ workerId: `w${w}`, now: now + 1, leaseMs: 3_600_000, limit: 20 })).length,
    );
    await enqueueJobs(queue, jobs, now, 'claim + record');
    const claimRecord = await drain(workers, jobs, `claim + record (${workers} workers)`, async (w) => {
      const batch = await queue.claim({ workerId: `w${w}`, now: now + 1, leaseMs: 3_600_000, limit: 20 });
      await Promise.all(batch.map((d) => queue.record(d.deliveryId, `w${w}`, ok, { status: 'succeeded' })));
      return batch.length;
    });

    await p.query('CREATE TABLE bare_jobs (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL); CREATE TABLE bare_results (id BIGINT, at TEXT, status INTEGER)');
    const fill = () => p.query('INSERT INTO bare_jobs (payload) SELECT $1 FROM generate_series(1, $2)', [JSON.stringify({ i: 0 }), jobs]);
    const take = () =>
      p.query<{ id: string }>('DELETE FROM bare_jobs WHERE id IN (SELECT id FROM bare_jobs ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED) RETURNING id, payload');
    await fill();
    const bareClaims = await drain(workers, jobs, `minimal queue claims (${workers} workers)`, async () => (await take()).rowCount ?? 0);
    await fill();
    const bareClaimRecord = await drain(workers, jobs, `minimal queue claim + record (${workers} workers)`, async () => {
      const taken = await take();
      await Promise.all(taken.rows.map((r) => p.query('INSERT INTO bare_results (id, at, status) VALUES ($1, $2, 200)', [r.id, ok.at])));
      return taken.rowCount ?? 0;
    });
    const row = (name: string, ours: number, baseline: number): Comparison => ({
      name: `queue on PostgreSQL: ${name} (${jobs} jobs, ${workers} workers, 20 per claim)`,
      unit: 'jobs/s',
      ours,
      baseline,
      baselineName: 'minimal SKIP LOCKED queue',
      higherIsBetter: true,
    });
    return [row('claims', claims, bareClaims), row('claim + record outcome', claimRecord, bareClaimRecord)];
  });
