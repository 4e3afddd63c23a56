import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';

const root = resolve(import.meta.dirname, '../..');

/**
 * A log consumer that stops reading must never hurt the service: with stdout a pipe nobody
 * reads, the server keeps answering with its log buffer bounded (lines that do not fit are
 * dropped and counted), and after SIGTERM it exits within its shutdown deadline.
 */
describe('hookledger start with stdout piped to a reader that never reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookledger-stall-'));
  let server: ChildProcess | undefined;
  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps serving, drops and counts what does not fit, and exits within the deadline after SIGTERM', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const env = {
      ...process.env,
      DATABASE_URL: `sqlite:${join(dir, 'h.db')}`,
      PORT: String(port),
      HOOKLEDGER_RATE_LIMIT: '0',
      HOOKLEDGER_LOG_BUFFER_BYTES: String(256 * 1024),
      HOOKLEDGER_SHUTDOWN_DEADLINE_MS: '3000',
    };
    const cli = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], { cwd: root, env, encoding: 'utf8' });
    cli('orgs', 'create', 'stall');
    const key = cli('keys', 'create', '--org', 'stall').split('\n')[0]!;
    // stdout is a pipe this test never reads: once the OS pipe buffer (64 KiB) fills, every log write would block.
    server = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'ignore'] });
    server.stdout!.pause();
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok, 30_000, 'the server to answer');
    const auth = { authorization: `Bearer ${key}`, 'x-request-id': 'x'.repeat(64) };
    // Enough access-log lines (~250 bytes each) to fill the pipe and the bounded buffer several times over.
    let answered = 0;
    for (let round = 0; round < 40; round++) {
      const statuses = await Promise.all(
        Array.from({ length: 100 }, () => fetch(`${url}/v1/organizations/webhooks/list`, { method: 'POST', headers: auth }).then((r) => r.status)),
      );
      answered += statuses.filter((s) => s === 200).length;
    }
    expect(answered).toBe(4000);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const dropped = Number(/^hookledger_log_lines_dropped_total (\d+)/m.exec(metrics)?.[1]);
    expect(dropped).toBeGreaterThan(1000);

    const exited = new Promise<number>((done) => server!.once('exit', () => done(Date.now())));
    const stoppedAt = Date.now();
    server.kill('SIGTERM');
    const exitAt = await Promise.race([exited, new Promise<number>((done) => setTimeout(() => done(Number.POSITIVE_INFINITY), 10_000))]);
    expect(exitAt - stoppedAt).toBeLessThan(3000 + 1500);
    server = undefined;
  });
});
