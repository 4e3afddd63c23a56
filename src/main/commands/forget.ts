import type { Container } from 'inversify';
import { forgetWebhookAsOperator } from '../../application/index.js';
import { fieldSealer } from '../sealing-wiring.js';
import { TOKENS } from '../tokens.js';
import { type Cli, type Io, type Out, rootCommand, runCli } from './cli-kit.js';
import { addForgetCommand } from './key-commands.js';

/**
 * `hookledger forget <id>`: deletes the webhook and destroys its data key (ADR 0018), recorded as
 * `WebhookForgotten` by `cli`. Idempotent: forgetting again destroys nothing new and records nothing.
 */
export const forgetWebhook = async (c: Container, webhookId: string, { out, err }: Io): Promise<number> => {
  const result = await forgetWebhookAsOperator({ ...c.get(TOKENS.Webhooks), sealer: fieldSealer(c) }, webhookId);
  if (result._tag === 'Left') {
    err(`error: ${result.left.message}`);
    return 1;
  }
  const { webhook, version } = result.right;
  const at = webhook.status === 'deleted' ? webhook.forgotten_at : undefined;
  out(`forgot ${webhookId}${at ? ` at ${at}` : ''} (version ${version}): its data key is destroyed; sealed settings and secrets read as "[forgotten]"`);
  return 0;
};

/** `forget <webhook_id>` given as arguments, on this container (tests): returns the exit code (1 not found, 2 usage). */
export const runForgetCommand = (argv: readonly string[], c: Container, out: Out, err: Out): Promise<number> => {
  const cli: Cli = { io: { out, err }, code: 0 };
  const root = rootCommand('hookledger', cli.io);
  addForgetCommand(root, cli, (id) => forgetWebhook(c, id, cli.io));
  return runCli(root, cli, ['forget', ...argv]);
};
