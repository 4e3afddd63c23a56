import type { Command } from 'commander';
import type { Cli } from './cli-kit.js';

// Declarations only: the actions come from the caller, so `--help` loads neither the sealing
// adapters nor the composition root (the CLI imports those when an action runs).

/** Declares `forget <webhook_id>` on `parent`; `forget` runs it and returns the exit code. */
export const addForgetCommand = (parent: Command, cli: Cli, forget: (webhookId: string) => Promise<number>): void => {
  parent
    .command('forget')
    .description('delete a webhook and destroy its data key: its sealed settings read as "[forgotten]"')
    .argument('<webhook_id>')
    .action(async (id: string) => void (cli.code = await forget(id)));
};

/** Declares `master-key rotate` on `parent`; `rotate` runs it and returns the exit code. */
export const addMasterKeyCommand = (parent: Command, cli: Cli, rotate: () => Promise<number>): void => {
  parent
    .command('master-key')
    .description('manage the master key that wraps the data keys')
    .command('rotate')
    .description('rewrap every data key with a new master key (HOOKLEDGER_NEW_MASTER_KEY, or with a key file a new random one)')
    .action(async () => void (cli.code = await rotate()));
};
