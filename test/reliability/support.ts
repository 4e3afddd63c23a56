import type { ChildProcess } from 'node:child_process';
import { createApiKey, createOrganization } from '../../src/application/organizations.js';
import { readConfig } from '../../src/main/config.js';
import { closeContainer, compose, createLogger } from '../../src/main/container.js';
import { TOKENS } from '../../src/main/tokens.js';
import { spawnService } from '../support/spawn-service.js';

/** Environment for a service under test: shortened schedules and leases (time is a port), loopback receivers allowed. */
export const serviceEnv = (databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  DATABASE_URL: databaseUrl,
  PORT: '0',
  LOG_LEVEL: 'info',
  HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS: 'true',
  HOOKLEDGER_RETRY_SCHEDULE: '0,100ms,200ms,400ms,800ms,1s,1s,1s,1s,1s',
  HOOKLEDGER_WORKER_POLL_MS: '20',
  HOOKLEDGER_LEASE_MS: '1500',
  ...extra,
});

/** Services started by a test, all killed at the end. */
export const processes = () => {
  const children = new Set<ChildProcess>();
  return {
    start: async (args: string[], env: NodeJS.ProcessEnv) => {
      const started = await spawnService('src', args, env);
      children.add(started.child);
      return started;
    },
    track: (child: ChildProcess) => children.add(child),
    killAll: () => {
      for (const c of children) c.kill('SIGKILL');
    },
  };
};

/** An organization and an API key in the store at `databaseUrl`, made through the application as the CLI would. */
export const orgAndKey = async (databaseUrl: string, name = `org-${Date.now()}`) => {
  const container = await compose({ ...readConfig({}), databaseUrl }, { logger: createLogger('warn') });
  try {
    const deps = { organizations: container.get(TOKENS.Organizations), keys: container.get(TOKENS.KeyMaterial), clock: container.get(TOKENS.Clock) };
    const org = await createOrganization(deps, { name });
    if (org._tag === 'Left') throw new Error(org.left.message);
    const key = await createApiKey(deps, org.right.id);
    if (key._tag === 'Left') throw new Error(key.left.message);
    return { key: key.right.key, organizationId: org.right.id };
  } finally {
    await closeContainer(container);
  }
};

/** A small JSON client for one service and key. */
export const client = (baseUrl: string, key: string) => async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as any) : undefined };
};

export const hookBody = (url: string, eventTypes = ['object.*']) => ({
  webhook_name: 'reliability',
  event_types: eventTypes,
  channels: [{ channel: 'webhook', configs: { url } }],
});
