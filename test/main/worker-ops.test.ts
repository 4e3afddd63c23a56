import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS } from '../../src/main/tokens.js';
import { type Harness, startHarness, webhookBody } from '../support/http-harness.js';
import { startReceiver } from '../support/receivers.js';
import { waitFor } from '../support/wait-for.js';

const root = resolve(import.meta.dirname, '../..');

/** Runs `hookledger worker`; resolves with its exit code and everything it wrote. */
const runWorker = (env: NodeJS.ProcessEnv) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'worker'], { cwd: root, env: { ...process.env, LOG_LEVEL: 'info', ...env } });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => out, exited };
};

describe('hookledger worker serves /metrics and /healthz on a port of its own', () => {
  let h: Harness;
  let worker: ChildProcess;
  let opsUrl: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // The API runs here, without a worker; the worker runs as its own process on the same SQLite file.
    h = await startHarness('sqlite-file', undefined, { realClock: true });
    receiver = await startReceiver();
    env = {
      DATABASE_URL: h.container.get(TOKENS.Config).databaseUrl,
      HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS: 'true',
      HOOKLEDGER_WORKER_POLL_MS: '50',
      HOOKLEDGER_WORKER_METRICS_PORT: '0',
    };
    const run = runWorker(env);
    worker = run.child;
    const line = await waitFor(
      () =>
        run
          .output()
          .split('\n')
          .find((l) => l.includes('worker metrics and health on')),
      20_000,
      'the worker’s metrics URL',
    );
    opsUrl = (JSON.parse(line) as { url: string }).url;
    await waitFor(() => run.output().includes('delivery worker started'), 10_000, 'the worker');
  }, 30_000);
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await receiver?.close();
    await h?.close();
  });

  it('answers /healthz and /readyz, serves Prometheus text at /metrics, and nothing of the API', async () => {
    expect(opsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(opsUrl).not.toBe(h.url);
    const health = await fetch(`${opsUrl}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${opsUrl}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
    const metrics = await fetch(`${opsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toContain('# TYPE hookledger_delivery_attempts_total counter');
    expect(text).toContain('# TYPE hookledger_delivery_publish_to_success_seconds histogram');
    expect((await fetch(`${opsUrl}/v1/event-types`)).status).toBe(404);
    expect((await fetch(`${opsUrl}/openapi.json`)).status).toBe(404);
  });

  it('counts the attempts this worker makes, and the time from acceptance to success', async () => {
    const { key } = await h.newOrg();
    const hook = await h.request('POST', '/v1/organizations/webhooks/', {
      key,
      body: webhookBody({ event_types: ['object.*'], channels: [{ channel: 'webhook', configs: { url: receiver.url } }] }),
    });
    expect(hook.status, hook.text).toBe(201);
    for (let n = 0; n < 3; n++) expect((await h.request('POST', '/v1/events', { key, body: { event_type: 'object.created', data: { n } } })).status).toBe(202);
    await waitFor(() => receiver.received.length === 3, 15_000, 'three deliveries by the worker process');
    const text = await waitFor(
      async () => {
        const t = await (await fetch(`${opsUrl}/metrics`)).text();
        return t.includes('hookledger_delivery_attempts_total{channel="webhook",outcome="succeeded"} 3') && t;
      },
      10_000,
      'three counted attempts',
    );
    expect(text).toMatch(/^hookledger_delivery_publish_to_success_seconds_count\{channel="webhook"\} 3$/m);
    // Accepting events is the API's work: this process accepted none.
    expect(text).toMatch(/^hookledger_events_accepted_total 0$/m);
  });

  it('refuses to start when its port is taken, and says which variable to change', async () => {
    const taken = new URL(h.url).port;
    const run = runWorker({ ...env, HOOKLEDGER_WORKER_METRICS_PORT: taken });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(`cannot serve /metrics on 127.0.0.1:${taken}`);
    expect(run.output()).toContain('HOOKLEDGER_WORKER_METRICS_PORT');
    expect(run.output()).not.toContain('delivery worker started');
  }, 20_000);
});
