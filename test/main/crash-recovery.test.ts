import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../support/receivers.js';
import { spawnService } from '../support/spawn-service.js';
import { waitFor } from '../support/wait-for.js';

const root = resolve(import.meta.dirname, '../..');

describe('kill -9 in the middle of a backlog loses no accepted event', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookledger-crash-'));
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite:${join(dir, 'h.db')}`,
    PORT: '0',
    LOG_LEVEL: 'warn',
    HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS: 'true',
    HOOKLEDGER_RETRY_SCHEDULE: '0,100ms,200ms,400ms,800ms,1s,1s,1s',
    HOOKLEDGER_WORKER_POLL_MS: '20',
    // Shortened so the test need not wait out the production lease of a killed worker.
    HOOKLEDGER_LEASE_MS: '1500',
  };
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => {
    const started = await spawnService('src', ['start'], { ...env, LOG_LEVEL: 'info' });
    children.push(started.child);
    return started;
  };

  it('delivers every message that got a 202, at least once, with the same webhook-id', async () => {
    const cli = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], { cwd: root, env, encoding: 'utf8' });
    cli('orgs', 'create', 'crash');
    const key = cli('keys', 'create', '--org', 'crash').split('\n')[0]!;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    // A slow receiver that fails now and then, so a backlog and retries are in flight when the process dies.
    let n = 0;
    const receiver = await startReceiver((_req, res) => setTimeout(() => res.writeHead(++n % 7 === 0 ? 503 : 204).end(), 5));
    try {
      let server = await start();
      const created = await fetch(`${server.url}/v1/organizations/webhooks/`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ webhook_name: 'crash', event_types: ['*'], channels: [{ channel: 'webhook', configs: { url: receiver.url } }] }),
      });
      expect(created.status).toBe(201);

      const accepted = new Set<string>();
      const send = async (url: string, i: number) => {
        const res = await fetch(`${url}/v1/events`, { method: 'POST', headers, body: JSON.stringify({ event_type: 'object.created', data: { i } }) }).catch(
          () => undefined,
        );
        if (res?.status === 202) accepted.add(((await res.json()) as { message_id: string }).message_id);
      };
      for (let round = 0; round < 3; round++) {
        const before = accepted.size;
        const sending = Promise.all(Array.from({ length: 60 }, (_, i) => send(server.url, round * 100 + i)));
        // Kill once the first 202s of this round are back (not at a fixed time, which a slow machine may not reach):
        // the rest of the 60 are then in flight, some recorded, some deliveries leased.
        await waitFor(() => accepted.size > before, 10_000, `a first 202 in round ${round}`);
        await new Promise((r) => setTimeout(r, round * 5));
        server.child.kill('SIGKILL');
        await sending;
        server = await start();
      }
      await Promise.all(Array.from({ length: 30 }, (_, i) => send(server.url, 1000 + i)));

      expect(accepted.size).toBeGreaterThan(30);
      const seen = () => new Set(receiver.received.map((r) => String(r.headers['webhook-id'])));
      await waitFor(() => [...accepted].every((id) => seen().has(id)), 60_000, `all ${accepted.size} accepted messages at the receiver`);
      const counts = new Map<string, number>();
      for (const r of receiver.received) counts.set(String(r.headers['webhook-id']), (counts.get(String(r.headers['webhook-id'])) ?? 0) + 1);
      // Nothing arrives that was never accepted (a request cut off before its 202 may still have been recorded and delivered).
      expect([...counts.keys()].every((id) => id.startsWith('msg_'))).toBe(true);
      server.child.kill('SIGTERM');
    } finally {
      await receiver.close();
    }
  }, 120_000);
});
