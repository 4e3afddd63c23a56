import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService } from '../support/spawn-service.js';

const root = resolve(import.meta.dirname, '../..');

// Two API processes on one SQLite file: each answers reads from its caches while the file is
// unchanged (ADR 0022), so a write through one must show at once in the other.
describe('read-your-writes across two API processes on one SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookledger-ryw-'));
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite:${join(dir, 'h.db')}`,
    PORT: '0',
    LOG_LEVEL: 'warn',
    HOOKLEDGER_RATE_LIMIT: '0',
    HOOKLEDGER_WORKER: 'false',
  };
  const children: ChildProcess[] = [];
  let a = '';
  let b = '';
  let headers: Record<string, string> = {};
  let otherOrg: Record<string, string> = {};

  beforeAll(async () => {
    const cli = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], { cwd: root, env, encoding: 'utf8' });
    const keyOf = (org: string) => {
      cli('orgs', 'create', org);
      return cli('keys', 'create', '--org', org)
        .split('\n')
        .find((l) => l.startsWith('sk_'))!
        .trim();
    };
    headers = { authorization: `Bearer ${keyOf('ryw')}`, 'content-type': 'application/json' };
    otherOrg = { authorization: `Bearer ${keyOf('ryw-other')}` };
    const started = await Promise.all([0, 1].map(() => spawnService('src', ['start'], { ...env, LOG_LEVEL: 'info' })));
    children.push(...started.map((s) => s.child));
    [a, b] = started.map((s) => s.url) as [string, string];
  }, 60_000);
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (base: string, id: string, h = headers) => {
    const res = await fetch(`${base}/v1/organizations/webhooks/${id}`, { headers: h });
    return { status: res.status, etag: res.headers.get('etag'), body: (await res.json()) as { webhook_name?: string; version?: number } };
  };

  it('a GET and a list in B right after a change in A show the change, with the exact ETag', async () => {
    const created = await fetch(`${a}/v1/organizations/webhooks/`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ webhook_name: 'first', event_types: ['*'], channels: [{ channel: 'webhook', configs: { url: 'https://example.com/h' } }] }),
    });
    const id = ((await created.json()) as { webhook_id: string }).webhook_id;

    // B reads it (and keeps what it read), twice.
    for (let i = 0; i < 2; i++) expect(await get(b, id)).toMatchObject({ status: 200, etag: '"1"', body: { webhook_name: 'first', version: 1 } });

    for (let version = 2; version <= 4; version++) {
      const patched = await fetch(`${a}/v1/organizations/webhooks/${id}`, {
        method: 'PATCH',
        headers: { ...headers, 'if-match': `"${version - 1}"` },
        body: JSON.stringify({ webhook_name: `v${version}` }),
      });
      expect(patched.status).toBe(200);
      expect(patched.headers.get('etag')).toBe(`"${version}"`);
      expect(await get(b, id)).toMatchObject({ status: 200, etag: `"${version}"`, body: { webhook_name: `v${version}`, version } });
      const list = (await (await fetch(`${b}/v1/organizations/webhooks/list?limit=100`, { method: 'POST', headers })).json()) as {
        results: { webhook_id: string; version: number }[];
      };
      expect(list.results.find((w) => w.webhook_id === id)?.version).toBe(version);
    }

    // B's If-Match is checked against the log, not against what B read before.
    const stale = await fetch(`${b}/v1/organizations/webhooks/${id}`, {
      method: 'PATCH',
      headers: { ...headers, 'if-match': '"3"' },
      body: JSON.stringify({ webhook_name: 'stale' }),
    });
    expect(stale.status).toBe(412);
    // Another organization's key: a 404, also from a process that holds the webhook in memory.
    expect((await get(b, id, otherOrg)).status).toBe(404);
    // Deleted in B, gone in A at once.
    expect((await fetch(`${b}/v1/organizations/webhooks/${id}`, { method: 'DELETE', headers })).status).toBe(204);
    expect((await get(a, id)).status).toBe(404);
  }, 60_000);
});
