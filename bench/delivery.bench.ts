import { execFileSync } from 'node:child_process';
import { spawnService } from '../test/support/spawn-service.js';
import { createServer } from 'node:http';
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Comparison, progress } from './support.js';

const root = join(import.meta.dirname, '..');
const tmp = join(import.meta.dirname, '.tmp');
const TOTAL = Number(process.env.BENCH_DELIVERIES ?? 2000);
const FIXED_RATE = 100; // events per second
const FIXED_SECONDS = 5;
const CONCURRENCY = 20;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** A receiver that timestamps each message's first arrival. */
const startReceiver = async () => {
  const arrived = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      if (!arrived.has(id)) arrived.set(id, performance.now());
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrived, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
};

/** Starts `task(i)` every 1000/rate ms for `seconds`, whatever the previous ones are doing. */
const atFixedRate = async (rate: number, seconds: number, task: (i: number) => Promise<void>) => {
  const started = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    running.push(task(i));
  }
  await Promise.all(running);
};

/** Runs `task(i)` for i < total with `CONCURRENCY` in flight. */
const pool = async (total: number, task: (i: number) => Promise<void>) => {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < total) await task(next++);
  }));
};

const summarise = (sent: Map<string, number>, arrived: Map<string, number>, started: number) => {
  const latencies = [...sent].map(([id, t]) => arrived.get(id)! - t).sort((a, b) => a - b);
  const last = Math.max(...arrived.values());
  return { perSecond: sent.size / ((last - started) / 1000), p50: percentile(latencies, 50), p99: percentile(latencies, 99), p999: percentile(latencies, 99.9) };
};

const waitAll = async (sent: Map<string, number>, arrived: Map<string, number>, label: string) => {
  const deadline = Date.now() + 120_000;
  while ([...sent.keys()].some((id) => !arrived.has(id))) {
    if (Date.now() > deadline) throw new Error(`${label}: ${[...sent.keys()].filter((id) => !arrived.has(id)).length} messages never arrived`);
    progress(label, [...sent.keys()].filter((id) => arrived.has(id)).length, sent.size);
    await new Promise((r) => setTimeout(r, 100));
  }
  progress(label, sent.size, sent.size);
};

/** Full pipeline (API → SQLite queue → worker → signed POST) vs the same POSTs with plain fetch and no queue. */
export const deliveryPipeline = async (): Promise<Comparison[]> => {
  mkdirSync(tmp, { recursive: true });
  const db = join(tmp, 'delivery.db');
  for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
  const env = { ...process.env, DATABASE_URL: `sqlite:${db}`, PORT: '0', LOG_LEVEL: 'warn', HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS: 'true', HOOKLEDGER_WORKER_POLL_MS: '5', HOOKLEDGER_RATE_LIMIT: '0' };
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  const cli = (...args: string[]) => execFileSync(process.execPath, ['dist/src/main/cli.js', ...args], { cwd: root, env, encoding: 'utf8' });
  cli('orgs', 'create', 'bench');
  const key = cli('keys', 'create', '--org', 'bench').split('\n')[0]!;
  const receiver = await startReceiver();
  const { child, url } = await spawnService('dist', ['start'], { ...env, LOG_LEVEL: 'info' });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  try {
    await fetch(`${url}/v1/organizations/webhooks/`, {
      method: 'POST', headers,
      body: JSON.stringify({ webhook_name: 'bench', event_types: ['*'], channels: [{ channel: 'webhook', configs: { url: receiver.url } }] }),
    });
    const body = (i: number) => JSON.stringify({ event_type: 'object.created', data: { id: `obj_${i}`, size: i } });

    const throughHookledger = async (i: number, sent: Map<string, number>) => {
      const t = performance.now();
      const res = await fetch(`${url}/v1/events`, { method: 'POST', headers, body: body(i) });
      sent.set(((await res.json()) as { message_id: string }).message_id, t);
    };
    const directly = async (i: number, sent: Map<string, number>, prefix: string) => {
      const id = `${prefix}_${i}`;
      sent.set(id, performance.now());
      await fetch(receiver.url, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': id }, body: body(i) });
    };
    /** One phase: send with `drive`, wait until every message arrived, summarise. */
    const phase = async (label: string, drive: (task: (i: number) => Promise<void>) => Promise<void>, send: (i: number, sent: Map<string, number>) => Promise<void>) => {
      receiver.arrived.clear();
      const sent = new Map<string, number>();
      const started = performance.now();
      await drive((i) => send(i, sent));
      await waitAll(sent, receiver.arrived, label);
      return summarise(sent, receiver.arrived, started);
    };
    const steadily = (task: (i: number) => Promise<void>) => atFixedRate(FIXED_RATE, FIXED_SECONDS, task);
    const flatOut = (task: (i: number) => Promise<void>) => pool(TOTAL, task);

    // A steady 100 events/s (the latency users see at a sustainable rate), then as fast as the API accepts them.
    const oursSteady = await phase('pipeline at 100 events/s', steadily, throughHookledger);
    const baseSteady = await phase('baseline at 100 events/s', steadily, (i, sent) => directly(i, sent, 'steady'));
    const ours = await phase('pipeline as fast as accepted', flatOut, throughHookledger);
    const base = await phase('baseline as fast as possible', flatOut, (i, sent) => directly(i, sent, 'direct'));

    const row = (name: string, unit: string, a: number, b: number, higherIsBetter: boolean, aim?: number): Comparison => ({
      name, unit, ours: a, baseline: b, baselineName: 'plain fetch, no queue', higherIsBetter, ...(aim === undefined ? {} : { aim }),
    });
    return [
      row(`latency at ${FIXED_RATE} events/s, p50`, 'ms', oursSteady.p50, baseSteady.p50, false),
      row(`latency at ${FIXED_RATE} events/s, p99`, 'ms', oursSteady.p99, baseSteady.p99, false),
      row(`latency at ${FIXED_RATE} events/s, p99.9`, 'ms', oursSteady.p999, baseSteady.p999, false),
      row(`deliveries, ${TOTAL} events as fast as accepted`, 'msg/s', ours.perSecond, base.perSecond, true, 0.3),
      row('latency as fast as accepted, p50', 'ms', ours.p50, base.p50, false),
      row('latency as fast as accepted, p99', 'ms', ours.p99, base.p99, false),
      row('latency as fast as accepted, p99.9', 'ms', ours.p999, base.p999, false),
    ];
  } finally {
    child.kill('SIGTERM');
    await receiver.close();
  }
};
