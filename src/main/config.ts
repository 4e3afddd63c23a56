import { DEFAULT_ENDPOINT_CONCURRENCY, DEFAULT_RETRY_SCHEDULE, parseRetrySchedule } from '../domain/index.js';
import { parseMasterKey } from '../adapters/crypto/aes-gcm/master-key.js';

/** Reads the environment once; the rest of the program receives plain values. */
export interface Config {
  readonly databaseUrl: string;
  /** PostgreSQL connections per process (HOOKLEDGER_PG_POOL_SIZE). */
  readonly pgPoolSize: number;
  /** Only with an EventStoreDB event log: where everything else lives. */
  readonly readModelUrl?: string | undefined;
  readonly host: string;
  readonly port: number;
  /** Where `hookledger worker` serves /metrics and /healthz (HOOKLEDGER_WORKER_METRICS_PORT, default 9464; 0 picks a free port). */
  readonly workerMetricsPort: number;
  /** The built web console (HOOKLEDGER_CONSOLE_DIR, default dist/console of this package). */
  readonly consoleDir?: string | undefined;
  /** Per API key and process; undefined = off. */
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number } | undefined;
  /**
   * Ms of this process's time each organization may spend checking event data against its schemas: `perSecond` a second,
   * up to `burst` at once (HOOKLEDGER_SCHEMA_CHECK_MS_PER_SECOND, default 100; HOOKLEDGER_SCHEMA_CHECK_BURST_MS, default 500; ADR 0020).
   */
  readonly schemaCheckTime: { readonly perSecond: number; readonly burst: number };
  /** Log bytes kept for a reader that is slow or stalled (HOOKLEDGER_LOG_BUFFER_BYTES, default 8 MiB); lines beyond are dropped and counted. */
  readonly logBufferBytes: number;
  /** After SIGTERM, the process exits by this time whatever is still running (HOOKLEDGER_SHUTDOWN_DEADLINE_MS, default 30 s). */
  readonly shutdownDeadlineMs: number;
  /** Days message payloads, their jobs and attempts are kept (HOOKLEDGER_RETENTION_DAYS, default 30; ADR 0019). */
  readonly retentionDays: number;
  /** Base64 of the 32-byte master key (HOOKLEDGER_MASTER_KEY; ADR 0018); checked at start, never logged. */
  readonly masterKey?: string | undefined;
  /** Where the master key file is, when HOOKLEDGER_MASTER_KEY is not set (HOOKLEDGER_MASTER_KEY_FILE; default beside the SQLite file). */
  readonly masterKeyFile?: string | undefined;
  readonly delivery: DeliveryConfig;
}

export interface DeliveryConfig {
  /** Delays in ms before each attempt. */
  readonly retrySchedule: readonly number[];
  readonly allowPrivateDestinations: boolean;
  readonly smtpUrl?: string | undefined;
  readonly smtpFrom: string;
  readonly twilio?: { accountSid: string; authToken: string; from: string; baseUrl: string } | undefined;
  readonly autoPauseAfterFailures: number;
  readonly autoPauseAfterMs: number;
  /** Run the delivery worker inside `hookledger start`. */
  readonly workerInProcess: boolean;
  readonly pollMs: number;
  /** How long a claimed delivery stays with its worker; longer than any channel timeout (30 s) in production. */
  readonly leaseMs: number;
  /** Deliveries one endpoint (one channel of one webhook) may have in flight across all workers (HOOKLEDGER_ENDPOINT_CONCURRENCY; ADR 0014). */
  readonly endpointConcurrency: number;
}

const DAY_MS = 24 * 3600 * 1000;

const bool = (value: string | undefined, fallback: boolean) =>
  value === undefined || value === '' ? fallback : ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());

const positive = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not ${value}`);
  return n;
};

const portNumber = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be 0-65535, not ${value}`);
  return n;
};

const wholePositive = (name: string, value: string | undefined, fallback: number): number => {
  const n = positive(name, value, fallback);
  if (!Number.isInteger(n)) throw new Error(`${name} must be a whole number, not ${value}`);
  return n;
};

export const readConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0-65535, not ${env.PORT}`);
  const schedule = parseRetrySchedule(env.HOOKLEDGER_RETRY_SCHEDULE || DEFAULT_RETRY_SCHEDULE);
  if (schedule._tag === 'Left') throw new Error(`HOOKLEDGER_RETRY_SCHEDULE: ${schedule.left}`);
  const perSecond = env.HOOKLEDGER_RATE_LIMIT === '0' ? 0 : positive('HOOKLEDGER_RATE_LIMIT', env.HOOKLEDGER_RATE_LIMIT, 1000);
  const twilioReady = env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM;
  return {
    databaseUrl: env.DATABASE_URL || 'sqlite:./data/hookledger.db',
    readModelUrl: env.READ_MODEL_URL || undefined,
    pgPoolSize: positive('HOOKLEDGER_PG_POOL_SIZE', env.HOOKLEDGER_PG_POOL_SIZE, 10),
    host: env.HOST ?? '127.0.0.1',
    port,
    workerMetricsPort: portNumber('HOOKLEDGER_WORKER_METRICS_PORT', env.HOOKLEDGER_WORKER_METRICS_PORT, 9464),
    consoleDir: env.HOOKLEDGER_CONSOLE_DIR || undefined,
    rateLimit: perSecond === 0 ? undefined : { perSecond, burst: positive('HOOKLEDGER_RATE_LIMIT_BURST', env.HOOKLEDGER_RATE_LIMIT_BURST, 2 * perSecond) },
    schemaCheckTime: {
      perSecond: positive('HOOKLEDGER_SCHEMA_CHECK_MS_PER_SECOND', env.HOOKLEDGER_SCHEMA_CHECK_MS_PER_SECOND, 100),
      burst: positive('HOOKLEDGER_SCHEMA_CHECK_BURST_MS', env.HOOKLEDGER_SCHEMA_CHECK_BURST_MS, 500),
    },
    logBufferBytes: positive('HOOKLEDGER_LOG_BUFFER_BYTES', env.HOOKLEDGER_LOG_BUFFER_BYTES, 8 * 1024 * 1024),
    shutdownDeadlineMs: positive('HOOKLEDGER_SHUTDOWN_DEADLINE_MS', env.HOOKLEDGER_SHUTDOWN_DEADLINE_MS, 30_000),
    retentionDays: positive('HOOKLEDGER_RETENTION_DAYS', env.HOOKLEDGER_RETENTION_DAYS, 30),
    // A malformed key stops the process here, with the reason: never a silent new key.
    masterKey: env.HOOKLEDGER_MASTER_KEY ? (parseMasterKey(env.HOOKLEDGER_MASTER_KEY, 'HOOKLEDGER_MASTER_KEY'), env.HOOKLEDGER_MASTER_KEY.trim()) : undefined,
    masterKeyFile: env.HOOKLEDGER_MASTER_KEY_FILE || undefined,
    delivery: {
      retrySchedule: schedule.right,
      allowPrivateDestinations: bool(env.HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS, false),
      smtpUrl: env.SMTP_URL || undefined,
      smtpFrom: env.SMTP_FROM || 'hookledger@localhost',
      twilio: twilioReady
        ? {
            accountSid: env.TWILIO_ACCOUNT_SID!,
            authToken: env.TWILIO_AUTH_TOKEN!,
            from: env.TWILIO_FROM!,
            baseUrl: env.TWILIO_BASE_URL || 'https://api.twilio.com',
          }
        : undefined,
      autoPauseAfterFailures: positive('HOOKLEDGER_AUTO_PAUSE_FAILURES', env.HOOKLEDGER_AUTO_PAUSE_FAILURES, 100),
      autoPauseAfterMs: positive('HOOKLEDGER_AUTO_PAUSE_DAYS', env.HOOKLEDGER_AUTO_PAUSE_DAYS, 5) * DAY_MS,
      workerInProcess: bool(env.HOOKLEDGER_WORKER, true),
      pollMs: positive('HOOKLEDGER_WORKER_POLL_MS', env.HOOKLEDGER_WORKER_POLL_MS, 200),
      leaseMs: positive('HOOKLEDGER_LEASE_MS', env.HOOKLEDGER_LEASE_MS, 60_000),
      endpointConcurrency: wholePositive('HOOKLEDGER_ENDPOINT_CONCURRENCY', env.HOOKLEDGER_ENDPOINT_CONCURRENCY, DEFAULT_ENDPOINT_CONCURRENCY),
    },
  };
};

/**
 * Where data lives. `sqlite:<path>` and `sqlite::memory:` run on SQLite, `postgres://…` on PostgreSQL,
 * `memory:` on in-memory adapters (the queue then uses an in-memory SQLite), and `esdb://…` /
 * `esdb+discover://…` keep the event log in EventStoreDB with everything else at READ_MODEL_URL (ADR 0010).
 */
export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string } | { kind: 'memory' } | { kind: 'esdb'; url: string };

export const parseDatabaseUrl = (url: string): StoreLocation => {
  if (url === 'memory:') return { kind: 'memory' };
  if (url === 'sqlite::memory:') return { kind: 'sqlite', path: ':memory:' };
  if (url.startsWith('sqlite:') && url.length > 'sqlite:'.length) return { kind: 'sqlite', path: url.slice('sqlite:'.length) };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  if (/^esdb(\+discover)?:\/\//.test(url)) return { kind: 'esdb', url };
  throw new Error(`DATABASE_URL ${url.split(':')[0]}:… is not supported (use sqlite:<path>, sqlite::memory:, postgres://…, esdb://… or memory:)`);
};

/** Where read models, keys, secrets and the queue live: with an EventStoreDB event log, READ_MODEL_URL (SQLite or PostgreSQL). */
export const parseReadModelUrl = (config: Pick<Config, 'databaseUrl' | 'readModelUrl'>): Exclude<StoreLocation, { kind: 'esdb' }> => {
  const events = parseDatabaseUrl(config.databaseUrl);
  if (events.kind !== 'esdb') return events;
  const rest = parseDatabaseUrl(config.readModelUrl ?? 'sqlite:./data/hookledger.db');
  if (rest.kind === 'esdb') throw new Error('READ_MODEL_URL must be sqlite:<path> or postgres://…, not EventStoreDB');
  return rest;
};

/** The URL with its password masked, for logs. */
export const maskUrl = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:…@');
