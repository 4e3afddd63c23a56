import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { Comparison } from './support.js';

const root = join(import.meta.dirname, '..');
const tmp = join(import.meta.dirname, '.tmp');
const tsx = ['--import', 'tsx'];
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 20;

const startProcess = (args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /"msg":"listening[^"]*"[^\n]*"url":"([^"]+)"|"url":"([^"]+)"[^\n]*"msg":"listening/.exec(buffered);
      if (match) resolve({ child, url: (match[1] ?? match[2])! });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

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
  const env = { DATABASE_URL: `sqlite:${db}`, PORT: '0', LOG_LEVEL: 'warn' };
  const cli = (...args: string[]) => execFileSync(process.execPath, [...tsx, 'src/main/cli.ts', ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  cli('orgs', 'create', 'bench');
  const key = cli('keys', 'create', '--org', 'bench').split('\n').find((l) => l.startsWith('sk_'))!.trim();

  const api = await startProcess([...tsx, 'src/main/cli.ts', 'start'], { ...env, LOG_LEVEL: 'info' });
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
  const bare = await startProcess([...tsx, 'bench/bare-server.ts', bodiesFile], {});

  try {
    process.stderr.write(`  autocannon: ${CONNECTIONS} connections, ${DURATION_S} s per run, 4 runs\n`);
    const apiGet = await load(`${api.url}${getPath}`, 'GET', auth);
    const bareGet = await load(`${bare.url}${getPath}`, 'GET', {});
    const apiList = await load(`${api.url}${listPath}`, 'POST', auth);
    const bareList = await load(`${bare.url}${listPath}`, 'POST', {});
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
