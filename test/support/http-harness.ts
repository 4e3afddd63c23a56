import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { listen } from '../../src/adapters/http/koa/server.js';
import { createApiKey, createOrganization } from '../../src/application/organizations.js';
import { readConfig } from '../../src/main/config.js';
import { buildApi, buildDeliveryDeps, closeContainer, compose } from '../../src/main/container.js';
import { TOKENS } from '../../src/main/tokens.js';
import { type RunningWorker, startWorker } from '../../src/main/worker.js';
import { type OpenApiResponseChecker, openApiResponseChecker } from './openapi-responses.js';
import { PG_URL, postgresAnswers, probePostgres, tempSchema } from './postgres.js';

export type StoreKind = 'sqlite-file' | 'memory' | 'postgres';

/** The given kinds, with `postgres` dropped (and the reason printed) where no server answers. */
export const availableKinds = async (...kinds: StoreKind[]): Promise<StoreKind[]> => {
  if (!kinds.includes('postgres') || postgresAnswers) return kinds;
  const probe = await probePostgres();
  console.log(`SKIPPED the PostgreSQL run of this suite: ${probe.ok ? 'server appeared late' : probe.reason}`);
  return kinds.filter((k) => k !== 'postgres');
};

export interface Harness {
  readonly url: string;
  readonly clock: ManualClock;
  readonly container: Awaited<ReturnType<typeof compose>>;
  /** Creates an organization and returns a key for it. */
  newOrg(name?: string, catalogId?: string): Promise<{ key: string; organizationId: string }>;
  request(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<{
    status: number;
    headers: Headers;
    body: any;
    text: string;
  }>;
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

let orgs = 0;

export interface HarnessOptions {
  /** Run the delivery worker with this environment (a short HOOKLEDGER_RETRY_SCHEDULE, private destinations allowed). */
  readonly worker?: boolean;
  readonly env?: Record<string, string>;
  /** Use the system clock (delivery tests) instead of a manual one. */
  readonly realClock?: boolean;
}

/** The real API on a real port, over a real SQLite file, a PostgreSQL schema of its own, or the in-memory adapters. */
export const startHarness = async (kind: StoreKind = 'sqlite-file', logLines?: string[], options: HarnessOptions = {}): Promise<Harness> => {
  const dir = mkdtempSync(join(tmpdir(), 'hookledger-http-'));
  const schema = kind === 'postgres' ? await tempSchema() : undefined;
  const databaseUrl =
    kind === 'memory'
      ? 'memory:'
      : schema
        ? `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema.schema}`)}`
        : `sqlite:${join(dir, 'hookledger.db')}`;
  const clock = new ManualClock('2026-11-22T10:00:00.000Z');
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines?.push(line) });
  const config = {
    ...readConfig({ HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS: 'true', HOOKLEDGER_RETRY_SCHEDULE: '0,50ms,100ms', HOOKLEDGER_RATE_LIMIT: '0', ...options.env }),
    databaseUrl,
    port: 0,
  };
  const container = await compose(config, { clock: options.realClock ? undefined : clock, logger });
  const { app } = buildApi(container, 'test');
  const running = await listen(app, '127.0.0.1', 0);
  const worker: RunningWorker | undefined = options.worker ? startWorker(buildDeliveryDeps(container), logger, { pollMs: 20 }) : undefined;
  const deps = () => ({ organizations: container.get(TOKENS.Organizations), keys: container.get(TOKENS.KeyMaterial), clock });
  let checker: Promise<OpenApiResponseChecker> | undefined;
  const spec = () => (checker ??= fetch(`${running.url}/openapi.json`).then(async (r) => openApiResponseChecker(await r.json())));

  return {
    url: running.url,
    clock,
    container,
    newOrg: async (name = `org-${++orgs}-${Date.now()}`, catalogId?: string) => {
      const org = await createOrganization(deps(), { name, catalogId });
      if (org._tag === 'Left') throw new Error(org.left.message);
      const key = await createApiKey(deps(), org.right.id);
      if (key._tag === 'Left') throw new Error(key.left.message);
      return { key: key.right.key, organizationId: org.right.id };
    },
    request: async (method, path, options = {}) => {
      const headers: Record<string, string> = { ...options.headers };
      if (options.key) headers.authorization = `Bearer ${options.key}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      // fetch cannot send a body with GET or HEAD.
      const response = await fetch(`${running.url}${path}`, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      // Every answer a test receives must be one /openapi.json documents (status, headers, body).
      (await spec()).assert({ method, path, status: response.status, headers: response.headers, text });
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
    eventCount: async () => {
      let n = 0;
      let after = 0;
      for (;;) {
        const page = await container.get(TOKENS.EventStore).readAll({ after, limit: 10_000 });
        if (page.length === 0) return n;
        n += page.length;
        after = page.at(-1)!.position;
      }
    },
    close: async () => {
      await running.close(1000);
      await worker?.stop();
      await closeContainer(container);
      await schema?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const webhookBody = (overrides: Record<string, unknown> = {}) => ({
  webhook_name: 'Slack Engineering Alerts',
  event_types: ['cluster.execution.completed', 'cluster.execution.failed'],
  channels: [
    { channel: 'webhook', configs: { url: 'https://example.com/hook', headers: { 'X-Team': 'eng' }, timeout: 10 } },
    { channel: 'slack', configs: { webhook_url: 'https://hooks.slack.com/services/T/B/X', channel: '#alerts' } },
  ],
  ...overrides,
});
