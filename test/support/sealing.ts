import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { pino } from 'pino';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { listen } from '../../src/adapters/http/koa/server.js';
import { createApiKey, createOrganization } from '../../src/application/organizations.js';
import { readConfig } from '../../src/main/config.js';
import { buildApi, closeContainer, compose } from '../../src/main/container.js';
import { TOKENS } from '../../src/main/tokens.js';

/** Values that must never be found in clear in a stolen database (ADR 0018). */
export const NEEDLES = {
  query: 'qs-token-7f3a9c',
  header: 'hdr-cred-2b8e41',
  slack: 'B0SECRET/xoxsecret91',
  to: 'alice.private@example.org',
  cc: 'carol.cc@example.org',
  bcc: 'bob.hidden@example.org',
  added: 'dave.new@example.org',
  phone: '5550001234',
} as const;

/** A webhook with every kind of sensitive setting; its name is not sensitive (the control that the raw read works). */
export const sensitiveWebhook = (name = 'Visible Sealing Control') => ({
  webhook_name: name,
  event_types: ['cluster.execution.completed'],
  channels: [
    { channel: 'webhook', configs: { url: `https://receiver.example/hook?token=${NEEDLES.query}`, headers: { Authorization: `Bearer ${NEEDLES.header}` } } },
    { channel: 'slack', configs: { webhook_url: `https://hooks.slack.example/services/T0SLACK/${NEEDLES.slack}`, channel: '#alerts' } },
    { channel: 'email', configs: { to_addresses: [NEEDLES.to], cc: [NEEDLES.cc], bcc: [NEEDLES.bcc] } },
    { channel: 'sms', configs: { phone_numbers: [`+1${NEEDLES.phone}`] } },
  ],
});

/** Every needle (and each secret given) found in `text`. */
export const foundIn = (text: string, secrets: readonly string[] = []): string[] =>
  [...Object.values(NEEDLES), ...secrets.map((s) => s.replace(/^whsec_/, ''))].filter((needle) => text.includes(needle));

/** The bytes of every file of a SQLite database (main file, WAL, shared memory) as text: what a thief copies. */
export const rawSqliteText = (path: string): string => {
  const dir = join(path, '..');
  const base = path.slice(dir.length + 1);
  return readdirSync(dir)
    .filter((f) => f.startsWith(base) && !f.endsWith('.key'))
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('\n');
};

/** Every row of every table of the pool's current schema, all columns as JSON text: what a dump holds. */
export const rawPostgresText = async (pool: pg.Pool): Promise<string> => {
  const tables = (await pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)).rows;
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const rows = await pool.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`);
    parts.push(table_name, ...rows.rows.map((r) => r.row));
  }
  return parts.join('\n');
};

export type Service = Awaited<ReturnType<typeof startService>>;

/** The real API on a real port over `databaseUrl`, with `env` (e.g. HOOKLEDGER_MASTER_KEY); `logs` collects its log lines. */
export const startService = async (databaseUrl: string, env: Record<string, string> = {}) => {
  const logs: string[] = [];
  const clock = new ManualClock('2026-11-22T10:00:00.000Z');
  const config = { ...readConfig({ HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS: 'true', HOOKLEDGER_RATE_LIMIT: '0', ...env }), databaseUrl, port: 0 };
  const container = await compose(config, { clock, logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(line) }) });
  const running = await listen(buildApi(container, 'test').app, '127.0.0.1', 0);
  const deps = { organizations: container.get(TOKENS.Organizations), keys: container.get(TOKENS.KeyMaterial), clock };
  return {
    config,
    container,
    clock,
    logs,
    newKey: async (): Promise<string> => {
      const org = await createOrganization(deps, { name: `sealing-${Math.random().toString(36).slice(2)}` });
      if (org._tag === 'Left') throw new Error(org.left.message);
      const key = await createApiKey(deps, org.right.id);
      if (key._tag === 'Left') throw new Error(key.left.message);
      return key.right.key;
    },
    request: async (method: string, path: string, key: string, body?: unknown) => {
      const response = await fetch(`${running.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      // `any`: answers are checked field by field in each test
      return { status: response.status, text, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
    },
    close: async () => {
      await running.close(1000);
      await closeContainer(container);
    },
  };
};

export const W = '/v1/organizations/webhooks';
