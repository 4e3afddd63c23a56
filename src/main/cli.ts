#!/usr/bin/env node
// The composition root, the server and the sealing adapters are imported when an action runs:
// `--help`, `--version` and usage errors load only the command declarations (and answer sooner).
import type { Command } from 'commander';
import type { Container } from 'inversify';
import { addAdminCommands } from './commands/admin.js';
import { addAuditCommands } from './commands/audit.js';
import { type Cli, JSON_FLAG, type Using, rootCommand, runCli } from './commands/cli-kit.js';
import { addForgetCommand, addMasterKeyCommand } from './commands/key-commands.js';
import type { MigrateOptions } from './commands/migrate.js';
import { type Config, maskUrl, parseDatabaseUrl, readConfig } from './config.js';
import { packageVersion } from './package-info.js';

// Shown after the program's own help: what configures every command, and what its exit code means.
const EPILOG = `
Results go to stdout; errors, warnings and progress (drawn only on a terminal) to stderr.
Commands that list or show take --json: stdout then holds exactly one JSON document (export is NDJSON).

Exit codes:
  0  success (also --help and --version)
  1  the command ran and refused or found a problem: tampering, a cut tail or rewritten past, a rejected
     checkpoint, not found, a name taken, a rotation refused; or it failed (bad configuration, a store that
     cannot be reached: stderr says which)
  2  a usage error (an unknown command or option, a missing or malformed argument), or it cannot check:
     no HOOKLEDGER_CHECKPOINT_KEY, an unreadable checkpoint file, no HOOKLEDGER_NEW_MASTER_KEY

Environment:
  DATABASE_URL   sqlite:<path> (default sqlite:./data/hookledger.db), sqlite::memory:, memory:,
                 postgres://user:pass@host:5432/db, or esdb://host:2113?tls=false (event log only)
  READ_MODEL_URL with an esdb:// event log: where read models, keys and the queue live (sqlite:<path> or postgres://…)
  HOOKLEDGER_PG_POOL_SIZE                 connections per process on PostgreSQL (default 10)
  HOOKLEDGER_MASTER_KEY                   base64 of 32 bytes sealing secrets and sensitive settings (default: a key file,
                                          HOOKLEDGER_MASTER_KEY_FILE or <sqlite file>.key, made on first start: back it up)
  PORT, HOST     where to listen (default 127.0.0.1:8080; PORT=0 picks a free port)
  LOG_LEVEL      pino level (default info)
  HOOKLEDGER_RETRY_SCHEDULE               delays before each attempt (default 0,5s,5m,30m,2h,5h,10h,10h)
  HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS   allow loopback/private targets (dev and tests only)
  HOOKLEDGER_WORKER=false                 start the API without the in-process worker
  HOOKLEDGER_RETENTION_DAYS               days message payloads and attempts are kept (default 30; the event log is kept)
  HOOKLEDGER_CHECKPOINT_KEY               HMAC key (32+ bytes) that signs and checks checkpoints
  HOOKLEDGER_WORKER_METRICS_PORT          where \`hookledger worker\` serves /metrics, /healthz, /readyz (default 9464 on HOST; 0 picks a free port, logged)
  SMTP_URL, SMTP_FROM                     email channel
  TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, TWILIO_BASE_URL   SMS channel

The admin commands work on the store DATABASE_URL names, also while the server runs.
`;

/** The exit code of a command that keeps running (a server, a worker): the process ends on a signal. */
const KEEPS_RUNNING = -1;

const describeStore = (config: Config): string => {
  const location = parseDatabaseUrl(config.databaseUrl);
  if (location.kind === 'memory') return 'an in-memory store';
  if (location.kind === 'sqlite') return `SQLite file ${location.path}`;
  return maskUrl(location.url);
};

/**
 * Composes on the store DATABASE_URL names for one command and closes it afterwards. Only an
 * action calls it, so `--help` and usage errors never read the configuration, open a store or
 * make a key file. Warnings go to stderr, keeping stdout for the result.
 */
const usingContainer: Using<Container> = async (use) => {
  const { closeContainer, compose, createLogger } = await import('./container.js');
  const container = await compose(readConfig(), { logger: createLogger('warn', process.stderr) });
  try {
    return await use(container);
  } finally {
    await closeContainer(container);
  }
};

/** Every command, its arguments and options; actions set `cli.code`. */
const buildProgram = (cli: Cli): Command => {
  const program = rootCommand('hookledger', cli.io)
    .usage('<command> [options]')
    .description('Hookledger: event-sourced webhooks (API server, delivery worker and operator commands)')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .addHelpText('after', EPILOG);
  const run = async (action: () => Promise<number>) => void (cli.code = await action());

  program
    .command('start')
    .alias('serve')
    .description('run the HTTP API (default 127.0.0.1:8080) and, unless HOOKLEDGER_WORKER=false, the delivery worker')
    .action(() => run(async () => (await (await import('./serve.js')).serve(readConfig()), KEEPS_RUNNING)));
  program
    .command('worker')
    .description('run only the delivery worker, with /metrics and /healthz on HOOKLEDGER_WORKER_METRICS_PORT')
    .action(() => run(async () => (await (await import('./serve.js')).work(readConfig()), KEEPS_RUNNING)));
  program
    .command('migrate')
    .description('apply pending schema migrations (start does this too) and print the schema version')
    .option(...JSON_FLAG)
    .action((options: MigrateOptions) => run(async () => (await import('./commands/migrate.js')).runMigrateCommand(readConfig(), options, cli.io)));
  program
    .command('demo')
    .description('create, change and replay a webhook in the configured store, printing each step')
    .action(() =>
      run(async () => {
        const [{ runDemo }, { TOKENS }] = await Promise.all([import('./demo.js'), import('./tokens.js')]);
        return usingContainer(async (c) => (await runDemo(c.get(TOKENS.Webhooks), describeStore(c.get(TOKENS.Config))), 0));
      }),
    );
  addAdminCommands(program, cli, async (use) => {
    const { catalogWiring } = await import('./catalog-wiring.js');
    return usingContainer((c) => use(catalogWiring(c).operator));
  });
  addAuditCommands(program, cli, async (use) => {
    const { auditDeps } = await import('./audit-wiring.js');
    return usingContainer((c) => use(auditDeps(c)));
  });
  addForgetCommand(program, cli, async (id) => {
    const { forgetWebhook } = await import('./commands/forget.js');
    return usingContainer((c) => forgetWebhook(c, id, cli.io));
  });
  addMasterKeyCommand(program, cli, async () => (await import('./commands/master-key.js')).rotateMasterKeyCommand(readConfig(), cli.io));
  return program;
};

const main = async (argv: readonly string[]): Promise<number> => {
  const cli: Cli = { io: { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) }, code: 0 };
  const program = buildProgram(cli);
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  return runCli(program, cli, argv);
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
