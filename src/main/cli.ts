#!/usr/bin/env node
import pg from 'pg';
import { migratePostgres } from '../adapters/store/postgres/migrations.js';
import { openSqliteDatabase } from '../adapters/store/sqlite/open-database.js';
import { CryptoDigest } from '../adapters/ids/crypto/crypto-digest.js';
import { runAdminCommand } from './commands/admin.js';
import { runAuditCommand } from './commands/audit.js';
import type { Container } from 'inversify';
import { type Config, maskUrl, parseDatabaseUrl, parseReadModelUrl, readConfig } from './config.js';
import { buildContainer, closeContainer, createLogger } from './container.js';
import { runDemo } from './demo.js';
import { serve, work } from './serve.js';
import { TOKENS } from './tokens.js';

const HELP = `Usage: hookledger <command> [options]

Commands:
  start                                   Run the HTTP API (default port 8080) and the delivery worker
  worker                                  Run only the delivery worker (with /metrics and /healthz on HOOKLEDGER_WORKER_METRICS_PORT)
  orgs create <name> [--catalog <id>]     Create an organization; prints its id
  orgs list                               List organizations
  keys create --org <name or id>          Create an API key; prints it once (sk_…)
  keys revoke <key id or key>             Revoke an API key
  history <webhook_id>                    The audit trail: time, actor, what changed (old -> new)
  state <webhook_id> --as-of <time>       The webhook as it was at that moment
  export [--since t] [--until t] [--org o]  Every event as NDJSON (for a SIEM)
  replay                                  Rebuild the read model from the event log, with progress; reports differences
  verify                                  Check the hash chains; names every edited, removed, reordered or inserted event
  migrate                                 Apply pending schema migrations (start does this too) and print the version
  demo                                    Create, change and replay a webhook, printing each step
  help                                    Show this help

Environment:
  DATABASE_URL   sqlite:<path> (default sqlite:./data/hookledger.db), sqlite::memory:, memory:,
                 postgres://user:pass@host:5432/db, or esdb://host:2113?tls=false (event log only)
  READ_MODEL_URL with an esdb:// event log: where read models, keys and the queue live (sqlite:<path> or postgres://…)
  HOOKLEDGER_PG_POOL_SIZE                 connections per process on PostgreSQL (default 10)
  PORT, HOST     where to listen (default 127.0.0.1:8080; PORT=0 picks a free port)
  LOG_LEVEL      pino level (default info)
  HOOKLEDGER_RETRY_SCHEDULE               delays before each attempt (default 0,5s,5m,30m,2h,5h,10h,10h)
  HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS   allow loopback/private targets (dev and tests only)
  HOOKLEDGER_WORKER=false                 start the API without the in-process worker
  HOOKLEDGER_WORKER_METRICS_PORT          where \`hookledger worker\` serves /metrics, /healthz, /readyz (default 9464 on HOST; 0 picks a free port, logged)
  SMTP_URL, SMTP_FROM                     email channel
  TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, TWILIO_BASE_URL   SMS channel

The admin commands work on the store DATABASE_URL names, also while the server runs.
`;

const stdout = (line: string) => process.stdout.write(`${line}\n`);
const stderr = (line: string) => process.stderr.write(`${line}\n`);

const describeStore = (config: Config): string => {
  const location = parseDatabaseUrl(config.databaseUrl);
  if (location.kind === 'memory') return 'an in-memory store';
  if (location.kind === 'sqlite') return `SQLite file ${location.path}`;
  return maskUrl(location.url);
};

/** Applies pending schema migrations (the service also does this on start) and prints the schema version. */
const migrateCommand = async (config: Config): Promise<number> => {
  const location = parseReadModelUrl(config);
  if (location.kind === 'memory') {
    stdout('memory: has no schema to migrate');
    return 0;
  }
  if (location.kind === 'sqlite') {
    const db = openSqliteDatabase(location.path); // migrates on open, in one transaction per version
    try {
      stdout(`SQLite ${location.path}: schema at version ${db.prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number}`);
    } finally {
      db.close();
    }
    return 0;
  }
  const pool = new pg.Pool({ connectionString: location.url, max: 1 });
  try {
    const applied = await migratePostgres(pool, undefined, (m) => stdout(`applying ${m.version}: ${m.name}`));
    const version = (await pool.query<{ v: number }>('SELECT max(version) AS v FROM schema_migrations')).rows[0]?.v;
    stdout(`PostgreSQL ${maskUrl(location.url)}: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}; schema at version ${version}`);
  } finally {
    await pool.end();
  }
  return 0;
};

/** Runs a one-off command against the store DATABASE_URL names, closing it afterwards. */
const withContainer = async (config: Config, run: (c: Container) => Promise<number>): Promise<number> => {
  const container = await buildContainer(config, { logger: createLogger('warn') });
  try {
    return await run(container);
  } finally {
    await closeContainer(container);
  }
};

const main = async (argv: readonly string[]): Promise<number> => {
  const [command = 'help', ...rest] = argv;
  const config = readConfig();
  switch (command) {
    case 'start':
    case 'serve':
      await serve(config);
      return -1; // keeps running
    case 'worker':
      await work(config);
      return -1;
    case 'orgs':
    case 'keys':
      return withContainer(config, (c) =>
        runAdminCommand([command, ...rest], { organizations: c.get(TOKENS.Organizations), keys: c.get(TOKENS.KeyMaterial), clock: c.get(TOKENS.Clock) }, stdout, stderr),
      );
    case 'history':
    case 'state':
    case 'export':
    case 'replay':
    case 'verify':
      return withContainer(config, (c) =>
        runAuditCommand(
          [command, ...rest],
          { eventStore: c.get(TOKENS.EventStore), readModel: c.get(TOKENS.ReadModel), organizations: c.get(TOKENS.Organizations), digest: new CryptoDigest() },
          stdout,
          stderr,
        ),
      );
    case 'demo':
      return withContainer(config, async (c) => {
        await runDemo(c.get(TOKENS.EventStore), describeStore(config));
        return 0;
      });
    case 'migrate':
      return migrateCommand(config);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return 0;
    default:
      process.stderr.write(`hookledger: unknown command '${command}'\n\n${HELP}`);
      return 2;
  }
};

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`hookledger: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
