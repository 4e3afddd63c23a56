import { existsSync, rmSync } from 'node:fs';
import { rotateMasterKey } from '../../adapters/crypto/aes-gcm/aes-gcm-field-sealer.js';
import { loadOrCreateKeyFile, newMasterKey, parseMasterKey, replaceKeyFile } from '../../adapters/crypto/aes-gcm/master-key.js';
import { type Config, parseReadModelUrl } from '../config.js';
import { closeContainer, compose, createLogger } from '../container.js';
import { SEALING, defaultKeyFile } from '../sealing-wiring.js';
import { type Cli, type Io, type Out, rootCommand, runCli } from './cli-kit.js';
import { addMasterKeyCommand } from './key-commands.js';

/** `master-key …` given as arguments, with this configuration (tests): returns the exit code (1 refused, 2 usage). */
export const runMasterKeyCommand = (argv: readonly string[], config: Config, out: Out, err: Out, env: NodeJS.ProcessEnv = process.env): Promise<number> => {
  const cli: Cli = { io: { out, err }, code: 0 };
  const root = rootCommand('hookledger', cli.io);
  addMasterKeyCommand(root, cli, () => rotateMasterKeyCommand(config, cli.io, env));
  return runCli(root, cli, ['master-key', ...argv]);
};

/**
 * `hookledger master-key rotate`: rewraps every webhook's data key with a new master key, all or
 * nothing (ADR 0018); sealed values themselves are not touched. With a key file, the new key
 * replaces it; with HOOKLEDGER_MASTER_KEY, HOOKLEDGER_NEW_MASTER_KEY names the new one. Every
 * process must then restart with the new key (one still running on the old key stores no new keys).
 */
export const rotateMasterKeyCommand = async (config: Config, { out, err }: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> => {
  const file = config.masterKey ? undefined : (config.masterKeyFile ?? defaultKeyFile(config));
  if (parseReadModelUrl(config).kind === 'memory' || (!config.masterKey && file === undefined)) {
    err('error: an in-memory store has no master key to rotate');
    return 1;
  }
  if (file !== undefined && !existsSync(file)) {
    err(`error: no master key file at ${file}: nothing to rotate (it is made on the first start)`);
    return 1;
  }
  const given = env.HOOKLEDGER_NEW_MASTER_KEY;
  if (file === undefined && !given) {
    err('error: set HOOKLEDGER_NEW_MASTER_KEY to the new key (openssl rand -base64 32); HOOKLEDGER_MASTER_KEY is the current one');
    return 2;
  }
  const oldKey = file === undefined ? parseMasterKey(config.masterKey!, 'HOOKLEDGER_MASTER_KEY') : loadOrCreateKeyFile(file).key;
  const newKey = given ? parseMasterKey(given, 'HOOKLEDGER_NEW_MASTER_KEY') : newMasterKey();
  if (newKey.equals(oldKey)) {
    err('error: the new master key is the current one');
    return 1;
  }
  const c = await compose(config, { logger: createLogger('silent') });
  try {
    // The new key is on disk before the database moves to it: a crash in between leaves it in `<file>.next`.
    const next = file && `${file}.next`;
    if (next) replaceKeyFile(next, newKey);
    const count = await rotateMasterKey(c.get(SEALING.DataKeys), oldKey, newKey);
    if (file && next) {
      replaceKeyFile(file, newKey);
      rmSync(next, { force: true });
      out(`rewrapped ${count} data key(s); ${file} holds the new master key: back it up, and restart every process`);
    } else {
      out(`rewrapped ${count} data key(s); set HOOKLEDGER_MASTER_KEY to the new key in every process and restart them`);
    }
    return 0;
  } catch (error) {
    err(`error: ${(error as Error).message}`);
    return 1;
  } finally {
    await closeContainer(c);
  }
};
