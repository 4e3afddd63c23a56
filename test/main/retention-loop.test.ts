import { Writable } from 'node:stream';
import { Container } from 'inversify';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { createRetentionMetrics } from '../../src/adapters/metrics/prometheus/retention-metrics.js';
import { SqliteDeliveryQueue } from '../../src/adapters/store/sqlite/sqlite-delivery-queue.js';
import { SqliteRetentionStore } from '../../src/adapters/store/sqlite/sqlite-retention-store.js';
import { IDEMPOTENCY_WINDOW_MS } from '../../src/application/index.js';
import { readConfig } from '../../src/main/config.js';
import { retentionLoopOptions, withRetentionCounters } from '../../src/main/retention.js';
import { startRetentionLoop } from '../../src/main/retention-loop.js';
import { TOKENS } from '../../src/main/tokens.js';
import { tempSqlite } from '../support/sqlite-temp.js';
import { waitFor } from '../support/wait-for.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-11-22T10:00:00.000Z');
const ORG = 'int_aaaaaaaaaaaaaaaaaaaaaaaa';

const capture = () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write: (chunk, _enc, done) => {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  return { lines, logger };
};

describe('the retention loop in the worker: one run per interval, batched, one log line and a metric per run (injected clock)', () => {
  let t: ReturnType<typeof tempSqlite>;
  let queue: SqliteDeliveryQueue;
  beforeEach(() => {
    t = tempSqlite();
    queue = new SqliteDeliveryQueue(t.db);
  });
  afterEach(() => t.cleanup());

  const seed = async (count: number, acceptedAt: number) => {
    for (let n = 1; n <= count; n++) {
      await queue.enqueue(
        { messageId: `msg_${acceptedAt}_${n}`, organizationId: ORG, eventType: 'object.created', data: null, acceptedAt: new Date(acceptedAt).toISOString() },
        [],
        {
          key: `k_${acceptedAt}_${n}`,
          expiresAt: new Date(acceptedAt + IDEMPOTENCY_WINDOW_MS).toISOString(),
        },
      );
    }
  };

  it('prunes at start, logs the run, counts rows by kind, catches up in small steps and stops cleanly', async () => {
    await seed(5, NOW - 40 * DAY);
    await seed(2, NOW - 1000); // within the window: kept
    const clock = new ManualClock(new Date(NOW));
    const { lines, logger } = capture();
    const metrics = createRetentionMetrics();
    const loop = startRetentionLoop(
      {
        deps: { retention: new SqliteRetentionStore(t.db), clock },
        prune: { retentionDays: 30, idempotencyWindowMs: IDEMPOTENCY_WINDOW_MS, batchSize: 2, maxBatches: 2 },
        intervalMs: 3_600_000,
        catchUpMs: 1,
        countPruned: metrics.countPruned,
      },
      logger,
    );
    // 5 of each kind at 2 a batch and 2 batches a run: the first run stops with rows left, the next follows at once and finishes.
    await waitFor(() => lines.filter((l) => l.msg === 'retention run').length >= 2, 5000, 'two runs');
    await loop.stop();
    const runs = lines.filter((l) => l.msg === 'retention run');
    expect(runs.map((r) => [r.retention, r.more])).toEqual([
      [{ messages: 4, deliveries: 0, attempts: 0, idempotencyKeys: 4 }, true],
      [{ messages: 1, deliveries: 0, attempts: 0, idempotencyKeys: 1 }, false],
    ]); // and no third: the next run is an interval (an hour) away
    expect(t.db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(2);
    const text = await metrics.text();
    expect(text).toContain('hookledger_retention_pruned_rows_total{kind="messages"} 5');
    expect(text).toContain('hookledger_retention_pruned_rows_total{kind="idempotency_keys"} 5');
    expect(text).toContain('hookledger_retention_pruned_rows_total{kind="attempts"} 0');
  });

  it('logs a failing run and goes on', async () => {
    const { lines, logger } = capture();
    let calls = 0;
    const loop = startRetentionLoop(
      {
        deps: {
          retention: {
            pruneIdempotencyKeys: async () => {
              calls += 1;
              throw new Error('disk I/O error');
            },
            pruneMessages: async () => ({ messages: 0, deliveries: 0, attempts: 0, idempotencyKeys: 0 }),
          },
          clock: new ManualClock(new Date(NOW)),
        },
        prune: { retentionDays: 30, idempotencyWindowMs: IDEMPOTENCY_WINDOW_MS, batchSize: 10, maxBatches: 1 },
        intervalMs: 1,
      },
      logger,
    );
    await waitFor(() => calls >= 2, 5000, 'a second run after a failure');
    await loop.stop();
    expect(lines.find((l) => l.msg === 'retention run failed; the next run tries again')).toMatchObject({ level: 50, err: { message: 'disk I/O error' } });
  });

  it('is wired from HOOKLEDGER_RETENTION_DAYS to the store the queue lives in, and its counters render with the delivery metrics', async () => {
    const c = new Container();
    c.bind(TOKENS.Config).toConstantValue(readConfig({ HOOKLEDGER_RETENTION_DAYS: '7' }));
    c.bind(TOKENS.Clock).toConstantValue(new ManualClock(new Date(NOW)));
    c.bind(TOKENS.Sqlite).toConstantValue(t.db);
    const options = retentionLoopOptions(c)!;
    expect(options.deps.retention).toBeInstanceOf(SqliteRetentionStore);
    expect(options.prune).toMatchObject({ retentionDays: 7, idempotencyWindowMs: IDEMPOTENCY_WINDOW_MS });
    options.countPruned!('messages', 3);
    const rendered = await withRetentionCounters(c, {
      observe: () => undefined,
      countAccepted: () => undefined,
      render: async () => ({ contentType: 'text/plain', body: 'delivery 1\n' }),
    }).render();
    expect(rendered.body).toMatch(/^delivery 1\n[\s\S]*hookledger_retention_pruned_rows_total\{kind="messages"\} 3/);
    expect(readConfig({}).retentionDays).toBe(30);

    const tooShort = new Container();
    tooShort.bind(TOKENS.Config).toConstantValue(readConfig({ HOOKLEDGER_RETENTION_DAYS: '0.5' }));
    expect(() => retentionLoopOptions(tooShort)).toThrow('HOOKLEDGER_RETENTION_DAYS: retention must be at least the idempotency window (1 day(s))');
    expect(() => readConfig({ HOOKLEDGER_RETENTION_DAYS: 'forever' })).toThrow(/HOOKLEDGER_RETENTION_DAYS must be a positive number/);
  });
});
