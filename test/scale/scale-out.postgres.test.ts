import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createOrganization } from '../../src/application/organizations.js';
import { readConfig } from '../../src/main/config.js';
import { closeContainer, compose, createLogger } from '../../src/main/container.js';
import { TOKENS } from '../../src/main/tokens.js';
import { PG_URL, onPostgres, tempSchema } from '../support/postgres.js';
import { startReceiver } from '../support/receivers.js';
import { spawnService, spawnWorker } from '../support/spawn-service.js';
import { waitFor } from '../support/wait-for.js';

const W = '/v1/organizations/webhooks';
const EVENTS = 2400;
const KILLS = 6;

onPostgres('Scale-out (2 APIs, 3 workers)', () =>
  describe('two API processes and three workers on one PostgreSQL database', () => {
    let schema: Awaited<ReturnType<typeof tempSchema>>;
    let env: NodeJS.ProcessEnv;
    const children = new Set<ChildProcess>();
    const closers: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      schema = await tempSchema();
      env = {
        ...process.env,
        DATABASE_URL: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema.schema}`)}`,
        PORT: '0',
        LOG_LEVEL: 'warn',
        HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS: 'true',
        HOOKLEDGER_RETRY_SCHEDULE: '0,100ms,200ms,400ms,800ms,1s,1s,1s',
        HOOKLEDGER_WORKER_POLL_MS: '20',
        // Shortened so the test need not wait out the production lease of a killed worker.
        HOOKLEDGER_LEASE_MS: '1500',
        HOOKLEDGER_PG_POOL_SIZE: '4',
      };
    });
    afterAll(async () => {
      for (const c of children) c.kill('SIGKILL');
      await Promise.all(closers.map((c) => c()));
      await schema?.drop();
    });

    const startApi = async () => {
      const started = await spawnService('src', ['start'], { ...env, LOG_LEVEL: 'info', HOOKLEDGER_WORKER: 'false' });
      children.add(started.child);
      return started;
    };
    const startWorker = async () => {
      const child = await spawnWorker(env);
      children.add(child);
      return child;
    };

    it('delivers every (message, channel) at least once while workers are killed, and loses no concurrent change', async () => {
      // Five processes migrate one empty schema at the same moment: the advisory lock must serialise them.
      const [api1, api2, ...workers] = await Promise.all([startApi(), startApi(), startWorker(), startWorker(), startWorker()]);
      const apis = [api1!.url, api2!.url];

      const container = await compose({ ...readConfig(env), databaseUrl: env.DATABASE_URL! }, { logger: createLogger('warn') });
      closers.push(() => closeContainer(container));
      const deps = { organizations: container.get(TOKENS.Organizations), keys: container.get(TOKENS.KeyMaterial), clock: container.get(TOKENS.Clock) };
      const org = await createOrganization(deps, { name: 'scale' });
      if (org._tag === 'Left') throw new Error(org.left.message);
      const created = await createApiKey(deps, org.right.id);
      if (created._tag === 'Left') throw new Error(created.left.message);
      const headers = { authorization: `Bearer ${created.right.key}`, 'content-type': 'application/json' };

      const receiver = await startReceiver();
      closers.push(receiver.close);
      // Two webhooks, one with two channels: three (message, channel) deliveries per event.
      for (const [name, channels] of [
        [
          'both',
          [
            { channel: 'webhook', configs: { url: `${receiver.url}/a` } },
            { channel: 'slack', configs: { webhook_url: `${receiver.url}/s`, message_template: '{{message_id}}' } },
          ],
        ],
        ['one', [{ channel: 'webhook', configs: { url: `${receiver.url}/b` } }]],
      ] as const) {
        const res = await fetch(`${apis[0]}${W}/`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ webhook_name: name, event_types: ['object.*'], channels }),
        });
        expect(res.status).toBe(201);
      }
      const target = (await (
        await fetch(`${apis[1]}${W}/`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            webhook_name: 'edited',
            event_types: ['taxonomy.created'],
            channels: [{ channel: 'webhook', configs: { url: `${receiver.url}/x` } }],
          }),
        })
      ).json()) as { webhook_id: string };

      // Events through both APIs, 16 at a time, while a worker is killed (-9) and replaced every so often.
      const accepted = new Set<string>();
      let next = 0;
      const sender = async () => {
        while (next < EVENTS) {
          const i = next++;
          const res = await fetch(`${apis[i % 2]}/v1/events`, { method: 'POST', headers, body: JSON.stringify({ event_type: 'object.created', data: { i } }) });
          expect(res.status).toBe(202);
          accepted.add(((await res.json()) as { message_id: string }).message_id);
        }
      };
      const live = [...workers];
      const killer = async () => {
        for (let k = 0; k < KILLS; k++) {
          await new Promise((r) => setTimeout(r, 700));
          const victim = live.splice(Math.floor(Math.random() * live.length), 1)[0]!;
          victim.kill('SIGKILL');
          children.delete(victim);
          live.push(await startWorker());
        }
      };
      // Eight clients each add their own event type to one webhook through alternating APIs, read-modify-write with If-Match.
      const wanted = [
        'trigger.created',
        'trigger.updated',
        'trigger.deleted',
        'trigger.paused',
        'trigger.resumed',
        'trigger.fired',
        'cluster.created',
        'cluster.deleted',
      ];
      const editor = async (eventType: string, n: number) => {
        for (let tries = 0; ; tries++) {
          const api = apis[(n + tries) % 2];
          const current = await fetch(`${api}${W}/${target.webhook_id}`, { headers });
          const body = (await current.json()) as { event_types: string[] };
          const res = await fetch(`${api}${W}/${target.webhook_id}`, {
            method: 'PATCH',
            headers: { ...headers, 'if-match': current.headers.get('etag')! },
            body: JSON.stringify({ event_types: [...body.event_types, eventType] }),
          });
          if (res.status === 200) return tries;
          expect([409, 412]).toContain(res.status);
        }
      };
      const began = performance.now();
      const [, , retries] = await Promise.all([Promise.all(Array.from({ length: 16 }, sender)), killer(), Promise.all(wanted.map((t, n) => editor(t, n)))]);
      expect(accepted.size).toBe(EVENTS);
      console.log(`scale-out: all ${EVENTS} events accepted after ${Math.round(performance.now() - began)} ms`);

      const final = (await (await fetch(`${apis[0]}${W}/${target.webhook_id}`, { headers })).json()) as { event_types: string[]; version: number };
      expect(new Set(final.event_types)).toEqual(new Set(['taxonomy.created', ...wanted]));
      expect(final.version).toBe(1 + wanted.length);
      expect(retries.reduce((a, b) => a + b, 0)).toBeGreaterThan(0); // the edits did collide

      const seen = (path: string) => {
        // webhook-id -> how often it arrived at this path
        const counts = new Map<string, number>();
        for (const r of receiver.received) {
          if (r.url !== path) continue;
          // Standard Webhooks carry the message id in webhook-id; the Slack template renders it as the text.
          const id = path === '/s' ? (JSON.parse(r.body) as { text: string }).text : String(r.headers['webhook-id']);
          counts.set(id, (counts.get(id) ?? 0) + 1);
        }
        return counts;
      };
      const missing = () =>
        ['/a', '/s', '/b'].reduce((n, p) => {
          const counts = seen(p);
          return n + [...accepted].filter((id) => !counts.has(id)).length;
        }, 0);
      let checked = 0;
      // The receiver shares this process: count only once enough arrived, and only when more did.
      await waitFor(
        async () => {
          if (receiver.received.length < 3 * EVENTS) return false;
          if (receiver.received.length === checked) return false;
          checked = receiver.received.length;
          return missing() === 0;
        },
        90_000,
        'every (message, channel) at a receiver',
      ).catch((error: Error) => {
        throw new Error(
          `${error.message}: ${missing()} of ${3 * EVENTS} never arrived (per path: ${['/a', '/s', '/b', '/x'].map((p) => `${p} ${seen(p).size}`).join(', ')})`,
        );
      });
      let duplicates = 0;
      for (const p of ['/a', '/s', '/b']) {
        const counts = seen(p);
        expect(counts.size, `${p}: only accepted messages arrive`).toBe(EVENTS);
        for (const n of counts.values()) duplicates += n - 1;
      }
      // Only a kill makes a second delivery: at most what the killed workers had in flight (20 each).
      console.log(
        `scale-out: ${EVENTS} events, ${3 * EVENTS} deliveries, ${KILLS} workers killed, ${duplicates} redelivered after a kill, ${retries.reduce((a, b) => a + b, 0)} edit retries`,
      );
      expect(duplicates).toBeLessThanOrEqual(KILLS * 20);
    }, 240_000);
  }),
);
