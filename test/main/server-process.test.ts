import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIAL_TTL_MS } from '../../src/application/credential-cache.js';
import { waitFor } from '../support/wait-for.js';

const root = resolve(import.meta.dirname, '../..');

describe('hookledger start and the admin CLI on one SQLite file', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let server: ChildProcess;
  let url: string;
  let output = '';
  const cli = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], { cwd: root, env, encoding: 'utf8' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookledger-proc-'));
    env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'h.db')}`, PORT: '0' };
    server = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'start'], { cwd: root, env });
    url = await new Promise<string>((resolveUrl, reject) => {
      server.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((l) => l.includes('"listening'));
        if (line) resolveUrl((JSON.parse(line) as { url: string }).url);
      });
      server.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
    });
  });
  afterAll(() => {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs one JSON line with "listening" and the URL, and tells a newcomer how to get a key', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output).toContain('npx hookledger orgs create');
  });

  it('creates an organization and a key while the server runs; the key works, and stops working once revoked', async () => {
    const orgId = cli('orgs', 'create', 'acme').trim();
    expect(orgId).toMatch(/^int_[A-Za-z0-9]{24}$/);
    expect(cli('orgs', 'list')).toContain('acme');
    const key = cli('keys', 'create', '--org', 'acme').split('\n')[0]!;
    expect(key).toMatch(/^sk_[A-Za-z0-9]{12}_[A-Za-z0-9]{32}$/);
    const list = () => fetch(`${url}/v1/organizations/webhooks/list`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    expect((await list()).status).toBe(200);
    expect(readFileSync(join(dir, 'h.db')).includes(key)).toBe(false);
    expect(cli('keys', 'revoke', key).trim()).toBe('revoked');
    // The server caches credentials for at most CREDENTIAL_TTL_MS (1 s): another process's revocation is seen within it.
    const revokedAt = Date.now();
    await waitFor(async () => (await list()).status === 401, CREDENTIAL_TTL_MS, 'the revoked key to be refused');
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(CREDENTIAL_TTL_MS + 100);
    expect(() => cli('keys', 'create', '--org', 'nobody')).toThrow(/no organization 'nobody'/);
    expect(() => cli('orgs', 'create')).toThrow();
  });

  it('drains and stops cleanly on SIGTERM', async () => {
    const exit = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
    server.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(output).toContain('"msg":"stopped"');
    expect(output).not.toMatch(/sk_[A-Za-z0-9]{12}_/);
  });
});
