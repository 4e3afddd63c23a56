import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../support/receivers.js';
import { spawnWorker } from '../support/spawn-service.js';
import { waitFor } from '../support/wait-for.js';
import { client, hookBody, orgAndKey, processes, serviceEnv } from './support.js';

describe('crashes and stuck work', () => {
  const procs = processes();
  const dirs: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    procs.killAll();
    await Promise.all(closers.map((c) => c()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const tempFile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookledger-crash-'));
    dirs.push(dir);
    return join(dir, 'h.db');
  };

  it('kill -9 at 10 random moments under a steady stream: every accepted event arrives, duplicates only with the same webhook-id, nothing left behind', async () => {
    const file = tempFile();
    const env = serviceEnv(`sqlite:${file}`);
    // A receiver that is slow now and then and fails one request in seven: retries and leases are in flight at each kill.
    let n = 0;
    const receiver = await startReceiver((_req, res) => setTimeout(() => res.writeHead(++n % 7 === 0 ? 503 : 204).end(), n % 5 === 0 ? 30 : 2));
    closers.push(receiver.close);
    let service = await procs.start(['start'], env);
    const { key } = await orgAndKey(`sqlite:${file}`);
    expect((await client(service.url, key)('POST', '/v1/organizations/webhooks/', hookBody(receiver.url))).status).toBe(201);

    const accepted = new Set<string>();
    let refused = 0;
    let stop = false;
    // About 50 events a second, whatever state the service is in; failures while it is down are expected and not counted.
    const sender = (async () => {
      for (let i = 0; !stop; i++) {
        const url = service.url;
        void fetch(`${url}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ event_type: 'object.created', data: { i } }),
        })
          .then(async (res) => {
            if (res.status === 202) accepted.add(((await res.json()) as { message_id: string }).message_id);
            else refused++;
          })
          .catch(() => refused++);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    for (let kill = 0; kill < 10; kill++) {
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 900));
      service.child.kill('SIGKILL');
      service = await procs.start(['start'], env);
    }
    stop = true;
    await sender;
    await new Promise((r) => setTimeout(r, 200));

    expect(accepted.size).toBeGreaterThan(200);
    const counts = () => {
      const c = new Map<string, number>();
      for (const r of receiver.received) c.set(String(r.headers['webhook-id']), (c.get(String(r.headers['webhook-id'])) ?? 0) + 1);
      return c;
    };
    await waitFor(
      () => {
        const c = counts();
        return [...accepted].every((id) => c.has(id));
      },
      60_000,
      `all ${accepted.size} accepted messages at the receiver`,
    );
    const c = counts();
    // Every request that arrived carries the id of a stored message; repeats are the same message again (its webhook-id).
    const db = new Database(file, { readonly: true });
    const stored = new Set(db.prepare('SELECT message_id FROM messages').pluck().all() as string[]);
    expect([...c.keys()].every((id) => stored.has(id))).toBe(true);
    const repeats = [...c.values()].reduce((sum, k) => sum + k - 1, 0);
    const retried = db.prepare('SELECT count(*) FROM delivery_attempts WHERE succeeded = 0').pluck().get() as number;
    console.log(
      `crash: ${accepted.size} accepted, ${refused} refused while down, 10 kills, ${receiver.received.length} requests received, ${repeats} repeats (${retried} recorded failed attempts)`,
    );
    // A repeat is a retry after a failed attempt, or a delivery whose worker died before recording it (at most 20 in flight per kill).
    expect(repeats).toBeLessThanOrEqual(retried + 10 * 20);
    // Once everything is delivered nothing is left scheduled in the past or leased.
    await waitFor(
      () => (db.prepare("SELECT count(*) FROM deliveries WHERE status IN ('scheduled', 'leased')").pluck().get() as number) === 0,
      30_000,
      'an empty queue',
    );
    db.close();
  });

  it('a worker killed in the middle of a request leaves a lease that another worker picks up; the receiver sees the same webhook-id twice', async () => {
    const file = tempFile();
    const env = serviceEnv(`sqlite:${file}`, { HOOKLEDGER_WORKER: 'false' });
    // The first request is held open until the test says so; later ones are answered at once.
    let holding: (() => void) | undefined;
    const receiver = await startReceiver((_req, res) => {
      if (receiver.received.length === 1) holding = () => res.writeHead(200).end();
      else res.writeHead(200).end();
    });
    closers.push(receiver.close);
    const api = await procs.start(['start'], env);
    const { key } = await orgAndKey(`sqlite:${file}`);
    const call = client(api.url, key);
    const hook = await call('POST', '/v1/organizations/webhooks/', hookBody(receiver.url));
    const worker = async () => {
      const child = await spawnWorker(env);
      procs.track(child);
      return child;
    };
    const first = await worker();
    const published = await call('POST', '/v1/events', { event_type: 'object.created', data: { n: 1 } });
    await waitFor(() => receiver.received.length === 1, 10_000, 'the held request');
    first.kill('SIGKILL'); // mid-request: no result recorded, the lease stays
    holding?.();
    await worker();
    await waitFor(() => receiver.received.length === 2, 15_000, 'the second worker taking the expired lease');
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([published.body.message_id, published.body.message_id]);
    const attempts = await waitFor(
      async () => {
        const list = (await call('GET', `/v1/organizations/webhooks/${hook.body.webhook_id}/deliveries`)).body.results as { delivery_status: string }[];
        return list.length === 1 && list;
      },
      10_000,
      'the recorded attempt',
    );
    expect(attempts[0]!.delivery_status).toBe('succeeded'); // only the worker that held the lease recorded
  });
});
