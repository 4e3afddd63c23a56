import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SystemClock } from '../src/adapters/clock/system/system-clock.js';
import { CryptoIds } from '../src/adapters/ids/crypto/crypto-ids.js';
import { openSqliteDatabase } from '../src/adapters/store/sqlite/open-database.js';
import { SqliteEventStore } from '../src/adapters/store/sqlite/sqlite-event-store.js';
import { type Caller, aggregateStream, createWebhook, executeWebhookCommand, rebuildWebhookList, webhookDecider } from '../src/application/index.js';
import { SqliteWebhookReadModel } from '../src/adapters/store/sqlite/sqlite-webhook-read-model.js';
import { dottedCatalog, streamIdOf } from '../src/domain/index.js';
import { type BenchReport, type Comparison, progress, timed } from './support.js';

const dir = join(import.meta.dirname, '.tmp');
const caller: Caller = { organizationId: 'int_bench0000000000000000000', actor: 'bench', catalog: dottedCatalog };
const settings = {
  webhook_name: 'Bench',
  event_types: ['object.created'],
  channels: [{ channel: 'webhook' as const, configs: { url: 'https://example.com/hook' } }],
};

const freshDb = (name: string) => {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  return openSqliteDatabase(path);
};

/** Commands through the handler (read, fold, decide, append) vs the same rows by raw inserts. */
export const commandThroughput = async (commands = 2000): Promise<Comparison> => {
  const db = freshDb('handler');
  const store = new SqliteEventStore(db);
  const deps = { eventStore: store, clock: new SystemClock(), ids: new CryptoIds() };
  const ids: string[] = [];
  const oursMs = await timed(async () => {
    for (let i = 0; i < commands; i++) {
      // Half creations, half renames of the webhook created just before.
      if (i % 2 === 0) {
        const r = await createWebhook(deps, caller, settings);
        if (r._tag === 'Left') throw new Error(r.left.message);
        ids.push(r.right.webhook.webhook_id);
      } else {
        const r = await executeWebhookCommand(deps, caller, ids.at(-1)!, { type: 'RenameWebhook', data: { webhook_name: `Bench ${i}` } });
        if (r._tag === 'Left') throw new Error(r.left.message);
      }
      progress('commands through the handler', i + 1, commands);
    }
  });
  const rows = db.prepare('SELECT * FROM events ORDER BY position').all() as Record<string, unknown>[];
  db.close();

  // The baseline writes the very same rows, one durable transaction per command, with no read or decision.
  const raw = freshDb('raw');
  const insert = raw.prepare(
    'INSERT INTO events (event_id, stream_id, revision, type, version, data, metadata, organization_id, recorded_at, hash, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const upsert = raw.prepare('INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision');
  const write = raw.transaction((row: Record<string, unknown>) => {
    insert.run(
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
    );
    upsert.run(row.stream_id, row.revision);
  });
  const baselineMs = await timed(() => {
    rows.forEach((row, i) => {
      write.immediate(row);
      progress('raw better-sqlite3 inserts', i + 1, rows.length);
    });
  });
  raw.close();
  return {
    name: `commands into SQLite (${commands}, synchronous=FULL)`,
    unit: 'cmd/s',
    ours: commands / (oursMs / 1000),
    baseline: rows.length / (baselineMs / 1000),
    baselineName: 'raw inserts',
    higherIsBetter: true,
    aim: 0.5,
  };
};

/** Rehydrating one 1,000-event stream: read + upcast + fold vs a raw SELECT with JSON.parse. */
export const rehydration = async (events = 1000, rounds = 50): Promise<Comparison> => {
  const db = freshDb('rehydrate');
  const store = new SqliteEventStore(db);
  const deps = { eventStore: store, clock: new SystemClock(), ids: new CryptoIds() };
  const created = await createWebhook(deps, caller, settings);
  if (created._tag === 'Left') throw new Error(created.left.message);
  const id = created.right.webhook.webhook_id;
  for (let i = 1; i < events; i++) {
    await executeWebhookCommand(deps, caller, id, { type: 'RenameWebhook', data: { webhook_name: `Name ${i}` } });
    progress('building a 1,000-event stream', i + 1, events);
  }
  const select = db.prepare('SELECT data, metadata FROM events WHERE stream_id = ? ORDER BY revision');
  let sink = 0;
  const oursMs = await timed(async () => {
    for (let r = 0; r < rounds; r++) {
      const { revision } = await aggregateStream(store, webhookDecider, streamIdOf(id));
      sink += revision;
    }
  });
  const baselineMs = await timed(() => {
    for (let r = 0; r < rounds; r++) {
      const rows = select.all(streamIdOf(id)) as { data: string; metadata: string }[];
      for (const row of rows) sink += (JSON.parse(row.data) as object) && (JSON.parse(row.metadata) as object) ? 1 : 0;
    }
  });
  db.close();
  if (sink === 0) throw new Error('nothing was read');
  return {
    name: `rehydrate a ${events}-event stream`,
    unit: 'ms',
    ours: oursMs / rounds,
    baseline: baselineMs / rounds,
    baselineName: 'raw SELECT + JSON.parse',
    higherIsBetter: false,
  };
};

/**
 * Rebuilding the list projection from 100,000 events vs a raw SELECT of the same rows with JSON.parse.
 * Each side's first pass is cold (reported in the details): a fixed JIT cost that ours, with more
 * code to compile, pays more of, and that a longer log amortises. The figure is the median of
 * five interleaved passes after it, as in the HTTP benchmark (this VM's speed drifts between runs).
 */
export const replay = async (webhooks = 10_000, eventsEach = 10, rounds = 5): Promise<BenchReport> => {
  const db = freshDb('replay');
  const store = new SqliteEventStore(db);
  const readModel = new SqliteWebhookReadModel(db);
  const metadata = { organizationId: caller.organizationId, actor: 'bench', recordedAt: '2026-11-22T10:00:00.000Z' };
  const ids = new CryptoIds();
  for (let w = 0; w < webhooks; w++) {
    const webhookId = ids.webhookId();
    const events = [
      {
        type: 'WebhookCreated',
        data: {
          webhook_id: webhookId,
          organization_id: caller.organizationId,
          ...settings,
          channels: [{ channel: 'webhook', configs: { url: 'https://example.com/hook', headers: {}, timeout: 10 } }],
          is_active: true,
          at: metadata.recordedAt,
        },
      },
      ...Array.from({ length: eventsEach - 1 }, (_, i) => ({ type: 'WebhookRenamed', data: { webhook_name: `Name ${i}`, at: metadata.recordedAt } })),
    ];
    await store.append(
      streamIdOf(webhookId),
      0,
      events.map((e) => ({ eventId: ids.eventId(), version: 1, metadata, ...e })),
    );
    if (w % 500 === 499) progress('writing 100,000 events', (w + 1) * eventsEach, webhooks * eventsEach);
  }
  const total = webhooks * eventsEach;
  const ours = async (): Promise<number> => {
    // Emptied outside the timing: a first rebuild starts from an empty list too.
    await readModel.reset();
    const ms = await timed(() => rebuildWebhookList({ eventStore: store, readModel }).then(() => undefined));
    const listed = (await readModel.list({ organizationId: caller.organizationId, limit: 1 })).total;
    if (listed !== webhooks) throw new Error(`the rebuilt list holds ${listed} of ${webhooks} webhooks`);
    return ms;
  };
  const select = db.prepare('SELECT data, metadata FROM events WHERE position > ? ORDER BY position LIMIT 500');
  const baseline = async (): Promise<number> => {
    let rows = 0;
    const ms = await timed(() => {
      for (let after = 0; ;) {
        const page = select.all(after) as { data: string; metadata: string }[];
        if (page.length === 0) break;
        for (const row of page) {
          JSON.parse(row.data);
          JSON.parse(row.metadata);
        }
        rows += page.length;
        after += page.length;
      }
    });
    if (rows !== total) throw new Error(`raw read saw ${rows} of ${total} rows`);
    return ms;
  };
  const rate = (ms: number) => total / (ms / 1000);
  const cold = { ours: await ours(), baseline: await baseline() };
  const runs: { ours: number; baseline: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    runs.push({ ours: await ours(), baseline: await baseline() });
    progress('replaying into the read model', r + 1, rounds);
  }
  db.close();
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const [oursMs, baselineMs] = [median(runs.map((r) => r.ours)), median(runs.map((r) => r.baseline))];
  const range = (key: 'ours' | 'baseline') =>
    `${Math.round(rate(Math.max(...runs.map((r) => r[key]))))}–${Math.round(rate(Math.min(...runs.map((r) => r[key]))))}`;
  return {
    rows: [
      {
        name: `replay ${total.toLocaleString('en')} events into the read model`,
        unit: 'events/s',
        ours: rate(oursMs),
        baseline: rate(baselineMs),
        baselineName: 'raw SELECT + JSON.parse',
        higherIsBetter: true,
        limit: 300_000,
      },
    ],
    details:
      `Median of ${rounds} interleaved passes after a first, cold one (ranges: ours ${range('ours')}, raw ${range('baseline')} events/s). ` +
      `The cold first pass, a fresh process's JIT included: ours ${Math.round(rate(cold.ours))} events/s, raw ${Math.round(rate(cold.baseline))} events/s ` +
      `(ratio ${(cold.baseline / cold.ours).toFixed(2)}).`,
  };
};
