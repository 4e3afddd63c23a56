import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase } from '../src/adapters/store/sqlite/open-database.js';
import { SqliteDeliveryQueue } from '../src/adapters/store/sqlite/sqlite-delivery-queue.js';

// The SQLite delivery queue's own cost per delivered event, without HTTP: publishes in groups of
// `BENCH_GROUP` (as concurrent requests share a group commit), claims of 20, outcomes as they come.
//   npx tsx bench/delivery-storage.ts
const N = Number(process.env.BENCH_N ?? 6000);
const group = Number(process.env.BENCH_GROUP ?? 10);
const file = join(tmpdir(), `storage-${process.pid}.db`);
const db = openSqliteDatabase(file);
const queue = new SqliteDeliveryQueue(db);
const target = {
  webhookId: 'wh_1',
  webhookName: 'bench',
  channelIndex: 0,
  channelId: 'ch_1',
  channel: { channel: 'webhook', channel_id: 'ch_1', configs: { url: 'http://127.0.0.1:1/hook', headers: {}, timeout: 10 } },
};
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let published = 0;
let delivered = 0;
const publisher = (async () => {
  while (published < N) {
    const n = Math.min(group, N - published);
    const at = new Date().toISOString();
    await Promise.all(
      Array.from({ length: n }, (_, k) =>
        queue.enqueue(
          { messageId: `msg_${published + k}`, organizationId: 'org_1', eventType: 'a.b', data: { seq: published + k, run: 'x' }, acceptedAt: at },
          [target as never],
        ),
      ),
    );
    published += n;
  }
})();
const worker = (async () => {
  while (delivered < N) {
    const jobs = await queue.claim({ workerId: 'w1', now: Date.now(), leaseMs: 60_000, limit: 20, fairness: { slots: 20, endpointConcurrency: 20 } });
    if (jobs.length === 0) {
      await new Promise((r) => setImmediate(r));
      continue;
    }
    await Promise.all(
      jobs.map((j) =>
        queue.record(j.deliveryId, 'w1', { at: new Date().toISOString(), succeeded: true, statusCode: 204, latencyMs: 1 }, { status: 'succeeded' } as never),
      ),
    );
    delivered += jobs.length;
  }
})();
await Promise.all([publisher, worker]);
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${N} events, publish groups of ${group}: ${((cpu.user + cpu.system) / N).toFixed(1)} µs CPU/event (user ${(cpu.user / N).toFixed(1)}, system ${(cpu.system / N).toFixed(1)}), ${(N / ((performance.now() - t0) / 1000)).toFixed(0)} events/s\n`,
);
db.close();
for (const suffix of ['', '-wal', '-shm', '.key']) rmSync(file + suffix, { force: true });
