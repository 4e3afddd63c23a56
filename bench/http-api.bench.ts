import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnService } from '../test/support/spawn-service.js';
import { perRequestParts } from './per-request-parts.js';
import type { BenchReport, Comparison } from './support.js';

const root = join(import.meta.dirname, '..');
const tmp = join(import.meta.dirname, '.tmp');
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
// Five: on a machine shared with other work, three rounds let one disturbed run move the median.
const ROUNDS = 5;
const CONNECTIONS = 32;

/** A baseline server (bare node:http or Koa + router) answering from a file of bodies; it prints a JSON `listening` line. */
const startBaseline = (script: string, bodiesFile: string): Promise<{ child: ChildProcess; url: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, bodiesFile], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.once('data', (chunk: Buffer) => resolve({ child, url: (JSON.parse(chunk.toString().split('\n')[0]!) as { url: string }).url }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

/** `cpuUs`: the server's CPU time per request, which a machine shared with other work disturbs far less than req/s. */
interface Run {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuUs: number;
}
const median = (runs: readonly Run[]): Run => {
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { rps: mid(runs.map((r) => r.rps)), p50: mid(runs.map((r) => r.p50)), p99: mid(runs.map((r) => r.p99)), cpuUs: mid(runs.map((r) => r.cpuUs)) };
};

/** User + system CPU of a process in µs, from /proc (Linux); NaN elsewhere. */
const cpuOf = (pid: number): number => {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return Number.NaN;
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // USER_HZ is 100 on Linux
};

const hasWrk = spawnSync('wrk', ['--version']).error === undefined;

/** `1.23ms`, `456.78us`, `1.02s` in milliseconds. */
const millis = (text: string): number => {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (!m) throw new Error(`unreadable wrk latency ${text}`);
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
};

/**
 * Load from a process of its own, so the load generator never shares the server's event loop:
 * wrk (Debian's `wrk`) when installed, else autocannon's CLI in a child process.
 */
const load = (server: ChildProcess, url: string, method: 'GET' | 'POST', headers: Record<string, string>): Run => {
  const before = cpuOf(server.pid!);
  const measured = generate(url, method, headers);
  return { ...measured, cpuUs: (cpuOf(server.pid!) - before) / measured.requests };
};

const generate = (url: string, method: 'GET' | 'POST', headers: Record<string, string>, seconds = DURATION_S): Omit<Run, 'cpuUs'> & { requests: number } => {
  if (hasWrk) {
    const script = join(tmp, 'wrk-request.lua');
    writeFileSync(script, [`wrk.method = "${method}"`, ...Object.entries(headers).map(([k, v]) => `wrk.headers["${k}"] = "${v}"`)].join('\n'));
    const out = execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', script, url], { encoding: 'utf8' });
    const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
    if (non2xx || /Socket errors/.test(out)) throw new Error(`${url}: ${non2xx?.[0] ?? 'socket errors'}\n${out}`);
    return {
      requests: Number(/(\d+) requests in/.exec(out)![1]),
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]),
      p50: millis(/^\s+50%\s+(\S+)/m.exec(out)![1]!),
      p99: millis(/^\s+99%\s+(\S+)/m.exec(out)![1]!),
    };
  }
  const args = ['-j', '-c', String(CONNECTIONS), '-d', String(seconds), '-m', method, ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]), url];
  const result = JSON.parse(execFileSync(join(root, 'node_modules/.bin/autocannon'), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { requests: result.requests.total, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
};

/**
 * GET one webhook and list 100, through the whole API on SQLite (auth, access log, state
 * cache, last_error), each beside bare node:http returning the same bytes from memory and
 * beside Koa + @koa/router returning them as a constant: the framework's own ceiling.
 */
export const httpApi = async (): Promise<BenchReport> => {
  mkdirSync(tmp, { recursive: true });
  const db = join(tmp, 'http.db');
  for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
  // No rate limit: this measures throughput, and the limiter would cap one key at 1,000 req/s.
  const env = { DATABASE_URL: `sqlite:${db}`, PORT: '0', LOG_LEVEL: 'warn', HOOKLEDGER_RATE_LIMIT: '0' };
  // The built server, as `npm start` runs it.
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, ['dist/src/main/cli.js', ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  cli('orgs', 'create', 'bench');
  const key = cli('keys', 'create', '--org', 'bench')
    .split('\n')
    .find((l) => l.startsWith('sk_'))!
    .trim();

  // The access log on (info), drained by the parent: its cost is part of every request.
  const api = await spawnService('dist', ['start'], { ...process.env, ...env, LOG_LEVEL: 'info' });
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  let firstId = '';
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${api.url}/v1/organizations/webhooks/`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        webhook_name: `Bench ${i}`,
        event_types: ['object.*'],
        channels: [{ channel: 'webhook', configs: { url: `https://example.com/${i}` } }],
      }),
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
  const bare = await startBaseline('bench/bare-server.ts', bodiesFile);
  const koa = await startBaseline('bench/koa-server.ts', bodiesFile);
  const authOnly = { authorization: `Bearer ${key}` };

  try {
    // The service's code is compiled by V8 as it runs; the baselines have almost none. Warm it first.
    generate(`${api.url}${getPath}`, 'GET', authOnly, 2);
    generate(`${api.url}${listPath}`, 'POST', authOnly, 2);
    // Interleaved rounds and medians: this VM's speed drifts between runs, and drift must not pick a winner.
    const runs = { apiGet: [] as Run[], bareGet: [] as Run[], koaGet: [] as Run[], apiList: [] as Run[], bareList: [] as Run[], koaList: [] as Run[] };
    for (let round = 1; round <= ROUNDS; round++) {
      process.stderr.write(`  ${hasWrk ? 'wrk' : 'autocannon'} round ${round}/${ROUNDS}: ${CONNECTIONS} connections, ${DURATION_S} s per run\n`);
      runs.apiGet.push(load(api.child, `${api.url}${getPath}`, 'GET', authOnly));
      runs.bareGet.push(load(bare.child, `${bare.url}${getPath}`, 'GET', {}));
      runs.koaGet.push(load(koa.child, `${koa.url}${getPath}`, 'GET', {}));
      runs.apiList.push(load(api.child, `${api.url}${listPath}`, 'POST', authOnly));
      runs.bareList.push(load(bare.child, `${bare.url}${listPath}`, 'POST', {}));
      runs.koaList.push(load(koa.child, `${koa.url}${listPath}`, 'POST', {}));
    }
    const [apiGet, bareGet, koaGet, apiList, bareList, koaList] = [runs.apiGet, runs.bareGet, runs.koaGet, runs.apiList, runs.bareList, runs.koaList].map(
      median,
    ) as [Run, Run, Run, Run, Run, Run];
    const row = (name: string, unit: string, ours: number, baseline: number, baselineName: string, higherIsBetter: boolean, aim?: number): Comparison => ({
      name,
      unit,
      ours,
      baseline,
      baselineName,
      higherIsBetter,
      ...(aim === undefined ? {} : { aim }),
    });
    const BARE = 'bare node:http, same bytes';
    const KOA = 'Koa + router, constant';
    return {
      rows: [
        row('GET one webhook (SQLite, auth, access log)', 'req/s', apiGet.rps, bareGet.rps, BARE, true, 0.5),
        row('GET one webhook', 'req/s', apiGet.rps, koaGet.rps, KOA, true),
        row('GET one webhook p50', 'ms', apiGet.p50, bareGet.p50, BARE, false),
        row('GET one webhook p99', 'ms', apiGet.p99, bareGet.p99, BARE, false),
        row('list 100 webhooks', 'req/s', apiList.rps, bareList.rps, BARE, true, 0.3),
        row('list 100 webhooks', 'req/s', apiList.rps, koaList.rps, KOA, true),
        row('list 100 webhooks p50', 'ms', apiList.p50, bareList.p50, BARE, false),
        row('list 100 webhooks p99', 'ms', apiList.p99, bareList.p99, BARE, false),
        // Server CPU per request: the same comparison, far less disturbed by other work on the machine.
        row('GET one webhook, server CPU', 'µs/req', apiGet.cpuUs, bareGet.cpuUs, BARE, false),
        row('GET one webhook, server CPU', 'µs/req', apiGet.cpuUs, koaGet.cpuUs, KOA, false),
        row('list 100 webhooks, server CPU', 'µs/req', apiList.cpuUs, bareList.cpuUs, BARE, false),
        row('list 100 webhooks, server CPU', 'µs/req', apiList.cpuUs, koaList.cpuUs, KOA, false),
        // Two parts of every request, in this process: what they cost beside what they replaced (ADR 0022).
        ...perRequestParts(),
      ].filter((r) => Number.isFinite(r.ours)),
      details: [
        `Load: ${hasWrk ? 'wrk' : 'autocannon (child process)'}, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${DURATION_S} s, medians.`,
        `Koa + router returning a constant reached ${(koaGet.rps / bareGet.rps).toFixed(2)} (GET) and ${(koaList.rps / bareList.rps).toFixed(2)} (list) of bare node:http: the framework's own ceiling.`,
        `Response sizes: GET ${Buffer.byteLength(getBody)} bytes, list ${Buffer.byteLength(listBody)} bytes. The server, the baselines and the load generator share this machine.`,
      ].join('\n'),
    };
  } finally {
    await stop(api.child);
    await stop(bare.child);
    await stop(koa.child);
  }
};
