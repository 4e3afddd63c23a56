import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../support/receivers.js';
import { client, hookBody, orgAndKey, processes, serviceEnv } from './support.js';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CLIENTS = 200;
const W = '/v1/organizations/webhooks';

describe(`load: ${CLIENTS} concurrent clients for ${SECONDS} s on SQLite`, () => {
  const procs = processes();
  const dir = mkdtempSync(join(tmpdir(), 'hookledger-load-'));
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    procs.killAll();
    await Promise.all(closers.map((c) => c()));
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'mixes reads, writes and event ingestion with no errors, and the heap at the end stays within 20% of the middle',
    async () => {
      const file = join(dir, 'h.db');
      const receiver = await startReceiver();
      closers.push(receiver.close);
      // With memory to spare V8 puts off full collections, so "heap used" climbs with garbage, not with
      // live data. A 64 MiB old space makes it collect as a busy production process would; a leak
      // would then show as a rising floor, and then as an out-of-memory crash (errors below).
      const service = await procs.start(['start'], serviceEnv(`sqlite:${file}`, { NODE_OPTIONS: '--max-old-space-size=64' }));
      // Ten keys of one organization, twenty clients on each.
      const first = await orgAndKey(`sqlite:${file}`, 'load');
      const keys = [first.key];
      for (let i = 1; i < 10; i++) keys.push((await orgAndKey(`sqlite:${file}`, `load-${i}`)).key);
      const hooks: { key: string; id: string }[] = [];
      for (let c = 0; c < CLIENTS; c++) {
        const key = keys[c % keys.length]!;
        // One webhook of its own per client (writes never contend); one in twenty subscribes to object.created.
        const res = await client(service.url, key)('POST', `${W}/`, hookBody(`${receiver.url}/${c}`, c % 20 === 0 ? ['object.*'] : ['cluster.*']));
        expect(res.status).toBe(201);
        hooks.push({ key, id: res.body.webhook_id });
      }

      console.log(`load: set up ${hooks.length} webhooks`);
      const heap = async () => {
        const text = await (await fetch(`${service.url}/metrics`)).text();
        return Number(/^hookledger_nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(text)?.[1]);
      };
      const samples: { at: number; bytes: number }[] = [];
      const counts = { ok: 0, errors: 0, byKind: { read: 0, list: 0, write: 0, ingest: 0 } };
      const failures: string[] = [];
      const started = Date.now();
      const until = started + SECONDS * 1000;
      const sampler = (async () => {
        while (Date.now() < until) {
          samples.push({ at: (Date.now() - started) / 1000, bytes: await heap() });
          await new Promise((r) => setTimeout(r, 1000));
        }
      })();
      const run = async (c: number) => {
        const { key, id } = hooks[c]!;
        const api = client(service.url, key);
        for (let i = 0; Date.now() < until; i++) {
          const kind = (['read', 'read', 'list', 'write', 'ingest', 'ingest'] as const)[(c + i) % 6]!;
          try {
            const res =
              kind === 'read'
                ? await api('GET', `${W}/${id}`)
                : kind === 'list'
                  ? await api('POST', `${W}/list?limit=20`, {})
                  : kind === 'write'
                    ? await api('PATCH', `${W}/${id}`, { webhook_name: `client ${c} edit ${i}` })
                    : await api('POST', '/v1/events', { event_type: i % 10 === 0 ? 'object.created' : 'collection.created', data: { c, i } });
            if (res.status >= 200 && res.status < 300) {
              counts.ok++;
              counts.byKind[kind]++;
            } else {
              counts.errors++;
              if (failures.length < 5) failures.push(`${kind}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
            }
          } catch (error) {
            counts.errors++;
            if (failures.length < 5) failures.push(`${kind}: ${(error as Error).message}`);
          }
        }
      };
      const ticker = setInterval(() => console.log(`load: ${Math.round((Date.now() - started) / 1000)} s, ${counts.ok} ok, ${counts.errors} errors`), 5000);
      await Promise.all([...Array.from({ length: CLIENTS }, (_, c) => run(c)), sampler]);
      clearInterval(ticker);

      const low = (from: number, to: number) => Math.min(...samples.filter((s) => s.at >= from && s.at < to).map((s) => s.bytes));
      const middle = low(SECONDS * 0.4, SECONDS * 0.6);
      const end = low(SECONDS * 0.8, SECONDS);
      console.log(
        `load: ${counts.ok} requests in ${SECONDS} s (${Math.round(counts.ok / SECONDS)}/s: ${JSON.stringify(counts.byKind)}), ${counts.errors} errors, ` +
          `${receiver.received.length} deliveries so far, heap low ${(middle / 2 ** 20).toFixed(1)} MiB mid vs ${(end / 2 ** 20).toFixed(1)} MiB end`,
      );
      console.log(`load: heap samples (MiB) ${samples.map((s) => (s.bytes / 2 ** 20).toFixed(0)).join(' ')}`);
      expect(failures).toEqual([]);
      expect(counts.errors).toBe(0);
      expect(counts.byKind.ingest).toBeGreaterThan(0);
      expect(end).toBeLessThanOrEqual(middle * 1.2);
    },
    (SECONDS + 120) * 1000,
  );
});
