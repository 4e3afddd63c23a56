import { type Command, Option } from 'commander';
import type { Digest } from '../../ports/digest.js';
import type { EventStore } from '../../ports/event-store.js';
import type { OrganizationStore } from '../../ports/organizations.js';
import type { WebhookReadModel } from '../../ports/webhook-read-model.js';
import { runExport, type ExportOptions } from './audit-export.js';
import { type HistoryOptions, type StateOptions, runHistory, runState } from './audit-history.js';
import { type IntegrityDeps, type IntegrityOptions, type VerifyOptions, runCheckpoint, runVerify } from './audit-integrity.js';
import { type ReplayOptions, runReplay } from './audit-replay.js';
import { type Cli, JSON_FLAG, type Out, type Using, given, isoTime, rootCommand, runCli } from './cli-kit.js';

/** What the audit commands read: the log, the read model they compare and rebuild, the organizations, and the integrity checks' needs. */
export interface AuditDeps extends IntegrityDeps {
  readonly eventStore: EventStore;
  readonly digest: Digest;
  readonly readModel: WebhookReadModel;
  readonly organizations: OrganizationStore;
  /** Opens one webhook event's sealed values for `export --open` ("[forgotten]" once its key is destroyed); absent where nothing is sealed. */
  readonly openData?: ((webhookId: string, data: unknown) => Promise<unknown>) | undefined;
}

/** Declares history, state, export, replay, verify and checkpoint on `parent`; each action takes its dependencies from `using`. */
export const addAuditCommands = (parent: Command, cli: Cli, using: Using<AuditDeps>): void => {
  const run = async (action: (deps: AuditDeps) => Promise<number>) => void (cli.code = await using(action));
  const json = () => new Option(...JSON_FLAG);
  parent
    .command('history')
    .description('the audit trail: time, revision, event, actor, what changed (old -> new)')
    .argument('<webhook_id>')
    .addOption(json())
    .action((id: string, options: HistoryOptions) => run((d) => runHistory(d, id, options, cli.io)));
  parent
    .command('state')
    .description('the webhook as it was at that moment (JSON)')
    .argument('<webhook_id>')
    .requiredOption('--as-of <time>', 'an ISO-8601 time', isoTime)
    .addOption(json())
    .action((id: string, options: StateOptions) => run((d) => runState(d, id, options, cli.io)));
  parent
    .command('export')
    .description('every event as NDJSON, in log order, with what recomputes each hash and link (for a SIEM)')
    .option('--since <time>', 'from this ISO-8601 time', isoTime)
    .option('--until <time>', 'up to this ISO-8601 time', isoTime)
    .option('--org <name or id>', "only this organization's events")
    .option('--open', 'show sealed settings in clear ("[forgotten]" where forgotten); such lines no longer match their hash')
    .action((options: ExportOptions) => run((d) => runExport(d, options, cli.io)));
  parent
    .command('replay')
    .description('rebuild the read model from the event log (progress on a terminal); reports differences')
    .addOption(json())
    .action((options: ReplayOptions) => run((d) => runReplay(d, options, cli.io)));
  parent
    .command('verify')
    .description('check the hash chains and column copies; names every edited, removed, reordered or inserted event')
    .option('--checkpoint <file or JSON>', 'also find a cut tail or a rewritten past since this checkpoint')
    .addOption(json())
    .action((options: VerifyOptions) => run((d) => runVerify(d, options, cli.io)));
  parent
    .command('checkpoint')
    .description('verify, then print a signed checkpoint (position, events, chain head) to keep elsewhere')
    .addOption(json().default(false, 'the checkpoint is JSON either way'))
    .action((options: IntegrityOptions) => run((d) => runCheckpoint(d, options, cli.io)));
};

/** The audit commands given as arguments, on these dependencies (tests): returns the exit code (1 a finding, 2 usage or cannot check). */
export const runAuditCommand = (argv: readonly string[], deps: AuditDeps, out: Out, err: Out): Promise<number> => {
  const cli: Cli = { io: { out, err }, code: 0 };
  const root = rootCommand('hookledger', cli.io);
  addAuditCommands(root, cli, given(deps));
  return runCli(root, cli, argv);
};
