import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import pg from 'pg';
import { sleep } from './clock.js';

const root = resolve(import.meta.dirname, '../..');
export const tmp = join(root, 'bench', '.tmp');

/** The service's entry: HOOKLEDGER_BENCH_CLI (e.g. a copy of an older build) or this tree's build. */
export const cliPath = (): string => {
  const given = process.env.HOOKLEDGER_BENCH_CLI;
  return given ? (isAbsolute(given) ? given : resolve(root, given)) : join(root, 'dist/src/main/cli.js');
};

export const PG_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type StoreKind = 'sqlite' | 'postgres';

export interface StackShape {
  /** Label in the results, and prefix of the log files in bench/.tmp/logs. */
  readonly name: string;
  readonly store: StoreKind;
  /** `hookledger start` processes; with workers > 0 they run with HOOKLEDGER_WORKER=false. */
  readonly apis: number;
  /** Separate `hookledger worker` processes. */
  readonly workers: number;
}

export interface Stack {
  readonly shape: StackShape;
  readonly apiUrls: readonly string[];
  /** Runs `hookledger <args>` against this stack's store; its stdout. */
  readonly admin: (...args: string[]) => string;
  /** Stops every process (SIGTERM, then SIGKILL after `graceMs`) and drops the store. */
  readonly stop: (graceMs?: number) => Promise<void>;
  /** CPU time (user + system) the service's processes used so far, ms (Linux /proc; NaN elsewhere). */
  readonly cpuMs: () => number;
  /** The same per process, APIs first, then workers. */
  readonly cpuMsEach: () => number[];
}

/** A process's user + system CPU time, ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
export const cpuMsOf = (pid: number | undefined): number => {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return Number.NaN;
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

/** Where the service can read its settings; PORT=0 and LOG_LEVEL info (the default, access log included). */
const serviceEnv = (databaseUrl: string): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'info',
    HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS: 'true',
    // One API key sends everything: the per-key limiter (1,000 req/s) would measure itself.
    HOOKLEDGER_RATE_LIMIT: '0',
  };
  delete env.READ_MODEL_URL;
  delete env.HOOKLEDGER_WORKER;
  // As the earlier delivery bench ran; BENCH_POLL_MS= (empty) leaves the service's default (200 ms).
  const poll = process.env.BENCH_POLL_MS ?? '5';
  if (poll === '') delete env.HOOKLEDGER_WORKER_POLL_MS;
  else env.HOOKLEDGER_WORKER_POLL_MS = poll;
  return env;
};

/** Waits until the log file has a line containing `marker`; that line. */
const waitForLine = async (child: ChildProcess, log: string, marker: string, label: string): Promise<string> => {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    const line = text.split('\n').find((l) => l.includes(marker));
    if (line) return line;
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${label} exited (${child.exitCode ?? child.signalCode}) before ready:\n${text.slice(-2000)}`);
    await sleep(50);
  }
  throw new Error(`${label} not ready within 30 s; see ${log}`);
};

const exited = (child: ChildProcess, ms: number) =>
  new Promise<boolean>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done(true);
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });

/** A fresh store (SQLite file or PostgreSQL schema), migrated by the CLI, and the stack's processes on it. */
export const startStack = async (shape: StackShape): Promise<Stack> => {
  const logs = join(tmp, 'logs');
  mkdirSync(logs, { recursive: true });
  let databaseUrl: string;
  let dropStore: () => Promise<void>;
  if (shape.store === 'sqlite') {
    const file = join(tmp, `${shape.name}.db`);
    const clear = () => {
      for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
    };
    clear();
    databaseUrl = `sqlite:${file}`;
    dropStore = async () => clear();
  } else {
    const schema = `hl_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    databaseUrl = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    dropStore = async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    };
  }
  const env = serviceEnv(databaseUrl);
  const cli = cliPath();
  const admin = (...args: string[]) => execFileSync(process.execPath, [cli, ...args], { env: { ...env, LOG_LEVEL: 'warn' }, encoding: 'utf8' });
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const children: ChildProcess[] = [];
  const launch = (role: 'api' | 'worker', n: number) => {
    const log = join(logs, `${shape.name}-${role}${n}.log`);
    const fd = openSync(log, 'w');
    const child = spawn(process.execPath, [...profile, cli, role === 'api' ? 'start' : 'worker'], {
      env: {
        ...env,
        ...(role === 'api' && shape.workers > 0 ? { HOOKLEDGER_WORKER: 'false' } : {}),
        ...(role === 'worker' ? { LOG_LEVEL: 'info', HOOKLEDGER_WORKER_METRICS_PORT: '0' } : {}),
      },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    children.push(child);
    return { child, log, label: `${shape.name} ${role} ${n}` };
  };
  const stop = async (graceMs = 5000) => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(
      children.map(async (c) => {
        if (!(await exited(c, graceMs))) {
          c.kill('SIGKILL');
          await exited(c, 5000);
        }
      }),
    );
    await dropStore();
  };
  try {
    admin('migrate'); // once, before several processes start on the same store
    const apis = Array.from({ length: shape.apis }, (_, n) => launch('api', n + 1));
    const workers = Array.from({ length: shape.workers }, (_, n) => launch('worker', n + 1));
    const apiUrls = await Promise.all(
      apis.map(async ({ child, log, label }) => (JSON.parse(await waitForLine(child, log, '"listening on', label)) as { url: string }).url),
    );
    await Promise.all(workers.map(({ child, log, label }) => waitForLine(child, log, 'delivery worker started', label)));
    return {
      shape,
      apiUrls,
      admin,
      stop,
      cpuMs: () => children.reduce((sum, c) => sum + cpuMsOf(c.pid), 0),
      cpuMsEach: () => children.map((c) => cpuMsOf(c.pid)),
    };
  } catch (error) {
    await stop(1000).catch(() => undefined);
    throw error;
  }
};

/** Creates an organization and an API key with the CLI; the key. */
export const createTenant = (stack: Stack, name: string): string => {
  stack.admin('orgs', 'create', name);
  const key = stack
    .admin('keys', 'create', '--org', name)
    .split('\n')
    .find((l) => l.startsWith('sk_'));
  if (!key) throw new Error(`keys create --org ${name} printed no key`);
  return key.trim();
};

/** Creates a webhook through the API; fails loudly on anything but 201. */
export const createWebhook = async (apiUrl: string, key: string, settings: unknown): Promise<void> => {
  const res = await fetch(`${apiUrl}/v1/organizations/webhooks/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  if (res.status !== 201) throw new Error(`creating a webhook: ${res.status} ${await res.text()}`);
};

/** Whether PostgreSQL answers at PG_TEST_URL; the reason when not. */
export const postgresMissing = async (): Promise<string | undefined> => {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
};
