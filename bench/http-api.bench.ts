import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { spawnService } from '../test/support/spawn-service.js';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { Comparison } from './support.js';

const root = join(import.meta.dirname, '..');
const tmp = join(import.meta.dirname, '.tmp');
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = 3;
const CONNECTIONS = 20;

/** The baseline server, started like the service: it also prints a JSON `listening` line. */
const startBare = (bodiesFile: string): Promise<{ child: ChildProcess; url: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-server.ts', bodiesFile], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.once('data', (chunk: Buffer) => resolve({ child, url: (JSON.parse(chunk.toString().split('\n')[0]!) as { url: string }).url }));
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

type Run = { rps: number; p99: number };
const median = (runs: Run[]): Run => {
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { rps: mid(runs.map((r) => r.rps)), p99: mid(runs.map((r) => r.p99)) };
};

const load = async (url: string, method: 'GET' | 'POST', headers: Record<string, string>, body?: string) => {
  const result = await autocannon({ url, method, headers, body, connections: CONNECTIONS, duration: DURATION_S });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
};

/** GET one webhook and list 100, through the whole API on SQLite vs bare node:http with the same JSON. */
export const httpApi = async (): Promise<Comparison[]> => {
  mkdirSync(tmp, { recursive: true });
  const db = join(tmp, 'http.db');
  for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
  // No rate limit: this measures throughput, and the limiter would cap one key at 1,000 req/s.
  const env = { DATABASE_URL: `sqlite:${db}`, PORT: '0', LOG_LEVEL: 'warn', HOOKLEDGER_RATE_LIMIT: '0' };
  // The built server, as `npm start` runs it.
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  const cli = (...args: string[]) => execFileSync(process.execPath, ['dist/src/main/cli.js', ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  cli('orgs', 'create', 'bench');
  const key = cli('keys', 'create', '--org', 'bench').split('\n').find((l) => l.startsWith('sk_'))!.trim();

  const api = await spawnService('dist', ['start'], { ...process.env, ...env, LOG_LEVEL: 'info' });
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  let firstId = '';
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${api.url}/v1/organizations/webhooks/`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ webhook_name: `Bench ${i}`, event_types: ['object.*'], channels: [{ channel: 'webhook', configs: { url: `https://example.com/${i}` } }] }),
    });
    const created = (await res.json()) as { webhook_id: string };
    firstId ||= created.webhook_id;
  }
  const getPath = `/v1/organizations/webhooks/${firstId}`;
  const listPath = '/v1/organizations/webhooks/list?limit=100';
  const getBody = await (await fetch(`${api.url}${getPath}`, { headers: auth })).text();
  const listBody = await (await fetch(`${api.url}${listPath}`, { method: 'POST', headers: auth })).text();
  const bodiesFile = join(tmp, 'bare-bodies.json');
  writeFileSync(bodiesFile, JSON.stringify({ [`GET ${getPath}`]: getBody, [`POST ${listPath}`]: listBody }));
  const bare = await startBare(bodiesFile);

  try {
    // Interleaved rounds and medians: this VM's speed drifts between runs, and drift must not pick a winner.
    const runs = { apiGet: [] as Run[], bareGet: [] as Run[], apiList: [] as Run[], bareList: [] as Run[] };
    for (let round = 1; round <= ROUNDS; round++) {
      process.stderr.write(`  autocannon round ${round}/${ROUNDS}: ${CONNECTIONS} connections, ${DURATION_S} s per run\n`);
      runs.apiGet.push(await load(`${api.url}${getPath}`, 'GET', auth));
      runs.bareGet.push(await load(`${bare.url}${getPath}`, 'GET', {}));
      runs.apiList.push(await load(`${api.url}${listPath}`, 'POST', auth));
      runs.bareList.push(await load(`${bare.url}${listPath}`, 'POST', {}));
    }
    const [apiGet, bareGet, apiList, bareList] = [runs.apiGet, runs.bareGet, runs.apiList, runs.bareList].map(median) as [Run, Run, Run, Run];
    const row = (name: string, unit: string, ours: number, baseline: number, higherIsBetter: boolean, aim?: number): Comparison => ({
      name, unit, ours, baseline, baselineName: 'bare node:http', higherIsBetter, ...(aim === undefined ? {} : { aim }),
    });
    return [
      row('GET one webhook (SQLite, auth, fold)', 'req/s', apiGet.rps, bareGet.rps, true, 0.5),
      row('GET one webhook p99', 'ms', apiGet.p99, bareGet.p99, false),
      row('list 100 webhooks', 'req/s', apiList.rps, bareList.rps, true),
      row('list 100 webhooks p99', 'ms', apiList.p99, bareList.p99, false),
    ];
  } finally {
    await stop(api.child);
    await stop(bare.child);
  }
};
