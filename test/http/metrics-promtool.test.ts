import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService } from '../support/spawn-service.js';

const root = resolve(import.meta.dirname, '../..');
const PROMTOOL = '/usr/bin/promtool';
const hasPromtool = existsSync(PROMTOOL);

/** `hookledger worker` as its own process; resolves with the URL of its ops server (from its log). */
const spawnWorkerOps = (env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> =>
  new Promise((ready, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'worker'], {
      cwd: root,
      env: { ...env, HOOKLEDGER_WORKER_METRICS_PORT: '0', LOG_LEVEL: 'info' },
    });
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('worker metrics and health on'));
      if (!line) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      child.removeAllListeners('exit');
      ready({ child, url: (JSON.parse(line) as { url: string }).url });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => fail(new Error(`worker exited ${code}: ${out}`)));
  });

const promtool = (text: string) => {
  try {
    return { ok: true, output: execFileSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' }) };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
};

describe('/metrics of the API server and of the worker’s ops server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookledger-metrics-'));
  const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'h.db')}`, PORT: '0', LOG_LEVEL: 'info', HOOKLEDGER_WORKER: 'false' };
  const children: ChildProcess[] = [];
  let api = '';
  let worker = '';

  beforeAll(async () => {
    const [server, ops] = await Promise.all([spawnService('src', ['start'], env), spawnWorkerOps(env)]);
    children.push(server.child, ops.child);
    api = server.url;
    worker = ops.url;
    // A few requests, so the HTTP histogram has series: a route with a parameter, a 401, a 404 and a probe.
    await fetch(`${api}/v1/organizations/webhooks/wh_0123456789abcdefghijklmn`);
    await fetch(`${api}/no-such-path`);
    await fetch(`${api}/healthz`);
    await fetch(`${worker}/healthz`);
  }, 60_000);
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('has the HTTP request duration histogram by method, route template (never the raw path) and status', async () => {
    const text = await (await fetch(`${api}/metrics`)).text();
    expect(text).toContain('# TYPE hookledger_http_request_duration_seconds histogram');
    expect(text).toMatch(
      /hookledger_http_request_duration_seconds_count\{method="GET",route="\/v1\/organizations\/webhooks\/\{webhook_id\}",status="401"\} 1\n/,
    );
    expect(text).toMatch(/hookledger_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1\n/);
    expect(text).toMatch(/hookledger_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",status="200",le="\+Inf"\} 1\n/);
    expect(text).not.toContain('wh_0123456789abcdefghijklmn');
    const workerText = await (await fetch(`${worker}/metrics`)).text();
    expect(workerText).toMatch(/hookledger_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1\n/);
  });

  it.skipIf(!hasPromtool)('passes `promtool check metrics` on both (skipped where /usr/bin/promtool is not installed)', async () => {
    for (const url of [api, worker]) {
      const result = promtool(await (await fetch(`${url}/metrics`)).text());
      expect(result, `${url}/metrics: ${result.output}`).toEqual({ ok: true, output: '' });
    }
  });
});
