import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase } from '../src/adapters/store/sqlite/open-database.js';
import { SqliteDeliveryQueue } from '../src/adapters/store/sqlite/sqlite-delivery-queue.js';
import type { ClaimOptions } from '../src/ports/delivery-queue.js';

// One fair claim's cost on SQLite, on a realistic queue: a burst of 3,000 jobs for one webhook, and
// 3,000 spread over 50 endpoints of 5 organizations, with jobs in flight in this worker and another
// (and once with this worker's slots all taken: the claim of a busy worker's poll, which takes none).
// Each claim runs in a transaction rolled back, so every one sees the same queue.
//   npx tsx bench/delivery-claim.ts
// BENCH_OLD_CLAIM=path/to/an older build's store/sqlite/fair-claim.js times its one-query claim too.
const N = 3000;
const scenario = async (name: string, endpoints: number, organizations: number, inFlight: number, endpointConcurrency: number, own = 16) => {
  const file = join(tmpdir(), `claim-${process.pid}-${endpoints}.db`);
  const db = openSqliteDatabase(file);
  const queue = new SqliteDeliveryQueue(db);
  const target = (e: number) => ({
    webhookId: `wh_${e}`,
    webhookName: 'bench',
    channelIndex: 0,
    channelId: 'ch_1',
    channel: { channel: 'webhook', channel_id: 'ch_1', configs: { url: 'http://127.0.0.1:1/hook', headers: {}, timeout: 10 } },
  });
  const at = new Date(Date.now() - 1000).toISOString();
  for (let i = 0; i < N; i += 100) {
    await Promise.all(
      Array.from({ length: 100 }, (_, k) => {
        const e = (i + k) % endpoints;
        return queue.enqueue(
          { messageId: `msg_${i + k}`, organizationId: `org_${e % organizations}`, eventType: 'a.b', data: { seq: i + k }, acceptedAt: at },
          [target(e) as never],
        );
      }),
    );
  }
  const options: ClaimOptions = { workerId: 'w1', now: Date.now(), leaseMs: 60_000, limit: 32, fairness: { slots: 64, endpointConcurrency } };
  // Some jobs in flight in this worker and another one.
  await queue.claim({ ...options, workerId: 'w0', limit: inFlight, fairness: undefined });
  await queue.claim({ ...options, limit: own, fairness: undefined });
  const time = (label: string, claim: () => number) => {
    let taken = 0;
    const runs = 200;
    const start = performance.now();
    for (let i = 0; i < runs; i++) {
      db.exec('BEGIN');
      taken += claim();
      db.exec('ROLLBACK');
    }
    process.stdout.write(`${name}, ${label}: ${((performance.now() - start) / runs).toFixed(3)} ms per claim (${(taken / runs).toFixed(0)} jobs)\n`);
  };
  const old = process.env.BENCH_OLD_CLAIM;
  if (old) {
    const { FAIR_CLAIM_SQL, fairClaimParams } = (await import(old)) as { FAIR_CLAIM_SQL: string; fairClaimParams: (o: ClaimOptions) => object };
    const due = db.prepare(FAIR_CLAIM_SQL);
    const lease = db.prepare("UPDATE deliveries SET status = 'leased', lease_until = ?, leased_by = ?, claims = claims + 1 WHERE delivery_id = ?");
    time('one query (before)', () => {
      const rows = due.all(fairClaimParams(options)) as { delivery_id: number }[];
      for (const r of rows) lease.run(options.now + options.leaseMs, options.workerId, r.delivery_id);
      return rows.length;
    });
  }
  const claimNow = (queue as unknown as { claimNow(o: ClaimOptions): unknown[] }).claimNow.bind(queue);
  time('planned reads (now)', () => claimNow(options).length);
  db.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
};
await scenario('3,000 jobs, 1 webhook, 8 in flight', 1, 1, 4, 16, 4);
await scenario('3,000 jobs, 1 webhook, 80 in flight, endpoint limit 1000', 1, 1, 64, 1000);
await scenario('3,000 jobs, 50 endpoints, 5 organizations, 8 in flight', 50, 5, 4, 16);
await scenario('3,000 jobs, 50 endpoints, 5 organizations, 80 in flight', 50, 5, 64, 16);
await scenario('3,000 jobs, 1 webhook, this worker full (64 in flight)', 1, 1, 16, 1000, 64);
