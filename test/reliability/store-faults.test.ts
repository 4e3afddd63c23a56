import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, type Socket, createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, onPostgres, tempSchema } from '../support/postgres.js';
import { startReceiver } from '../support/receivers.js';
import { waitFor } from '../support/wait-for.js';
import { client, hookBody, orgAndKey, processes, serviceEnv } from './support.js';

const root = resolve(import.meta.dirname, '../..');
const eventCount = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return {
      events: db.prepare('SELECT count(*) FROM events').pluck().get() as number,
      messages: db.prepare('SELECT count(*) FROM messages').pluck().get() as number,
      deliveries: db.prepare('SELECT count(*) FROM deliveries').pluck().get() as number,
    };
  } finally {
    db.close();
  }
};
const expectUnavailable = (res: { status: number; headers: Headers; body: any }) => {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('1');
  expect(res.body).toMatchObject({ success: false, status: 503, error: { type: 'ServiceUnavailable' } });
};

describe('store faults: the API answers 503 with the envelope, writes nothing half-way, and recovers by itself', () => {
  const procs = processes();
  const dirs: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    procs.killAll();
    await Promise.all(closers.map((c) => c()));
    for (const d of dirs) {
      spawnSync('umount', [d]);
      rmSync(d, { recursive: true, force: true });
    }
  });

  /** A service on the SQLite file, with an organization, a key and one webhook to a fresh receiver. */
  const serviceWithWebhook = async (file: string) => {
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const service = await procs.start(['start'], serviceEnv(`sqlite:${file}`));
    const { key } = await orgAndKey(`sqlite:${file}`);
    const api = client(service.url, key);
    const hook = await api('POST', '/v1/organizations/webhooks/', hookBody(receiver.url));
    expect(hook.status).toBe(201);
    return { receiver, api, hook };
  };

  it('SQLite file locked by another process: writes get 503 after the busy timeout, reads go on, then everything recovers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookledger-locked-'));
    dirs.push(dir);
    const file = join(dir, 'h.db');
    const { receiver, api, hook } = await serviceWithWebhook(file);
    expect((await api('POST', '/v1/events', { event_type: 'object.created', data: { n: 'before' } })).status).toBe(202);
    await waitFor(() => receiver.received.length === 1, 10_000, 'the first delivery');

    // Another process takes the write lock and holds it until told (the service waits 5 s per write, then gives up).
    const locker = spawn(
      process.execPath,
      [
        '-e',
        `
      const db = require('better-sqlite3')(${JSON.stringify(file)});
      db.exec('BEGIN IMMEDIATE'); console.log('locked');
      process.stdin.once('data', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });`,
      ],
      { cwd: root },
    );
    const released = new Promise((done) => locker.once('exit', done));
    await new Promise<void>((ready) => locker.stdout.once('data', () => ready()));
    const before = eventCount(file);
    expectUnavailable(await api('POST', '/v1/events', { event_type: 'object.created', data: { n: 'refused' } }));
    expect((await api('GET', `/v1/organizations/webhooks/${hook.body.webhook_id}`)).status).toBe(200);
    expect(eventCount(file)).toEqual(before);
    locker.stdin.write('release\n');
    await released;

    // No restart: the API accepts again and the worker, which met the same lock, delivers.
    expect((await api('POST', '/v1/events', { event_type: 'object.created', data: { n: 'after' } })).status).toBe(202);
    await waitFor(() => receiver.received.length === 2, 15_000, 'a delivery after the lock is gone');
    expect(receiver.received.map((r) => JSON.parse(r.body).data.n)).toEqual(['before', 'after']);
  });

  it('disk full (a 3 MiB tmpfs): 503 and nothing half-written; after space is freed it recovers with no restart', async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'hookledger-full-'));
    dirs.push(dir);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir]);
    if (mounted.status !== 0) {
      console.log(`SKIPPED disk-full test: cannot mount a tmpfs here (${mounted.stderr.toString().trim()})`);
      ctx.skip();
    }
    const file = join(dir, 'h.db');
    const { receiver, api, hook } = await serviceWithWebhook(file);

    // Fill what is left of the file system.
    mkdirSync(join(dir, 'filler'));
    for (let i = 0; ; i++) {
      try {
        writeFileSync(join(dir, 'filler', String(i)), Buffer.alloc(64 * 1024, 1));
      } catch {
        break;
      }
    }
    const before = eventCount(file);
    const big = { event_type: 'object.created', data: { blob: 'x'.repeat(200_000) } };
    let refused = 0;
    for (let i = 0; i < 5; i++) {
      const res = await api('POST', '/v1/events', big);
      if (res.status === 503) {
        expectUnavailable(res);
        refused++;
      } else expect(res.status).toBe(202); // a page or two may still fit
    }
    expect(refused).toBeGreaterThan(0);
    const renamed = await api('PATCH', `/v1/organizations/webhooks/${hook.body.webhook_id}`, { webhook_name: 'x'.repeat(200) });
    expect([200, 422, 503]).toContain(renamed.status);
    const during = eventCount(file);
    expect(during.deliveries).toBe(during.messages); // every stored message has its job: nothing half-done
    expect(during.messages - before.messages).toBe(5 - refused);

    rmSync(join(dir, 'filler'), { recursive: true, force: true });
    expect((await api('POST', '/v1/events', { event_type: 'object.created', data: { n: 'after' } })).status).toBe(202);
    await waitFor(() => receiver.received.some((r) => JSON.parse(r.body).data.n === 'after'), 15_000, 'a delivery after space was freed');
  });

  onPostgres('PostgreSQL outage', () =>
    it('PostgreSQL unreachable mid-run (its connections cut, then refused): 503 and /readyz 503, then it recovers with no restart', async () => {
      const t = await tempSchema();
      closers.push(t.drop);
      // A TCP proxy in front of the server stands in for a restart we may not do to a shared server.
      const upstream = new URL(PG_URL);
      const sockets = new Set<Socket>();
      let proxy: Server | undefined;
      const listen = (port: number) =>
        new Promise<number>((ready) => {
          proxy = createServer((socket) => {
            const server = connect(Number(upstream.port || 5432), upstream.hostname);
            for (const s of [socket, server]) {
              sockets.add(s);
              s.on('error', () => undefined);
              s.on('close', () => sockets.delete(s));
            }
            socket.pipe(server).pipe(socket);
          });
          proxy.listen(port, '127.0.0.1', () => ready((proxy!.address() as { port: number }).port));
        });
      const cut = () =>
        new Promise<void>((done) => {
          for (const s of sockets) s.destroy();
          proxy!.close(() => done());
        });
      const port = await listen(0);
      // Every connection through the proxy is cut at the end too: a backend left behind a half-open
      // proxy socket (a killed service's claim transaction) would hold its locks and block the schema drop.
      closers.push(async () => {
        for (const s of sockets) s.destroy();
        proxy?.close();
      });
      const viaProxy = `postgres://${upstream.username || 'postgres'}@127.0.0.1:${port}${upstream.pathname}?options=${encodeURIComponent(`-c search_path=${t.schema}`)}`;
      const direct = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${t.schema}`)}`;

      const receiver = await startReceiver();
      closers.push(receiver.close);
      const service = await procs.start(['start'], serviceEnv(viaProxy));
      const { key } = await orgAndKey(direct);
      const api = client(service.url, key);
      const hook = await api('POST', '/v1/organizations/webhooks/', hookBody(receiver.url));
      expect(hook.status).toBe(201);

      await cut();
      expectUnavailable(await api('POST', '/v1/events', { event_type: 'object.created', data: { n: 'refused' } }));
      expectUnavailable(await api('GET', `/v1/organizations/webhooks/${hook.body.webhook_id}`));
      expect((await fetch(`${service.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200); // the process itself is fine

      await listen(port);
      await waitFor(async () => (await fetch(`${service.url}/readyz`)).status === 200, 15_000, 'ready again');
      expect((await api('POST', '/v1/events', { event_type: 'object.created', data: { n: 'after' } })).status).toBe(202);
      await waitFor(() => receiver.received.length === 1, 15_000, 'a delivery after the outage');
      expect(JSON.parse(receiver.received[0]!.body).data.n).toBe('after');
      const messages = await t.pool().query('SELECT count(*)::int AS n FROM messages');
      expect(messages.rows[0].n).toBe(1); // the refused event left nothing behind
    }),
  );
});
