import type { Container, ServiceIdentifier } from 'inversify';
import { AesGcmFieldSealer } from '../adapters/crypto/aes-gcm/aes-gcm-field-sealer.js';
import { loadOrCreateKeyFile, newMasterKey, parseMasterKey } from '../adapters/crypto/aes-gcm/master-key.js';
import { PostgresDataKeys } from '../adapters/store/postgres/postgres-data-keys.js';
import { SqliteDataKeys } from '../adapters/store/sqlite/sqlite-data-keys.js';
import { SealedEventStore, SealedReadModel, SealedWebhookSecrets } from '../application/index.js';
import type { DataKeyStore } from '../ports/data-key-store.js';
import type { EventStore, WebhookReadModel } from '../ports/index.js';
import { type Config, parseReadModelUrl } from './config.js';
import { TOKENS } from './tokens.js';

/** Tokens of the sealing parts (ADR 0018). */
export const SEALING = {
  Sealer: Symbol.for('hookledger.FieldSealer') as ServiceIdentifier<AesGcmFieldSealer>,
  DataKeys: Symbol.for('hookledger.DataKeys') as ServiceIdentifier<DataKeyStore>,
} as const;

/** Where the master key comes from; `file` when it is (or was just made) a key file. */
export interface MasterKeySource {
  readonly key: Buffer;
  readonly file?: string | undefined;
  readonly created?: boolean;
  readonly ephemeral?: boolean;
}

/** The default key file of a store: beside a SQLite file; in ./data for PostgreSQL (ADR 0018). */
export const defaultKeyFile = (config: Config): string | undefined => {
  const rest = parseReadModelUrl(config);
  if (rest.kind === 'sqlite' && rest.path !== ':memory:') return `${rest.path}.key`;
  if (rest.kind === 'postgres') return './data/hookledger-master.key';
  return undefined;
};

/**
 * HOOKLEDGER_MASTER_KEY, else the key file (HOOKLEDGER_MASTER_KEY_FILE or the default), made on
 * the first start; an in-memory store without either gets a key that lives as long as it does.
 */
export const resolveMasterKey = (config: Config): MasterKeySource => {
  if (config.masterKey) return { key: parseMasterKey(config.masterKey, 'HOOKLEDGER_MASTER_KEY') };
  const file = config.masterKeyFile ?? defaultKeyFile(config);
  if (file === undefined) return { key: newMasterKey(), ephemeral: true };
  return { ...loadOrCreateKeyFile(file), file };
};

const dataKeyStore = (c: Container, config: Config): DataKeyStore => {
  const rest = parseReadModelUrl(config);
  if (rest.kind === 'postgres') return new PostgresDataKeys(c.get(TOKENS.Postgres));
  return new SqliteDataKeys(c.get(TOKENS.Sqlite));
};

/**
 * Binds the sealer, after the stores: the keys live where READ_MODEL_URL (or DATABASE_URL) points.
 * Signing secrets are sealed from here on. A wrong master key is said in the log and the
 * process goes on serving what needs no key (503 for the rest).
 */
export const bindSealer = async (c: Container, config: Config): Promise<void> => {
  // `memory:` keeps nothing at rest, and embedders read their in-memory stores directly: nothing is sealed there.
  if (parseReadModelUrl(config).kind === 'memory') return;
  const source = resolveMasterKey(config);
  const keys = dataKeyStore(c, config);
  const sealer = await AesGcmFieldSealer.start(source.key, keys);
  c.bind(SEALING.DataKeys).toConstantValue(keys);
  c.bind(SEALING.Sealer).toConstantValue(sealer);
  const logger = c.get(TOKENS.Logger);
  if (source.created)
    logger.warn({ file: source.file }, 'created a new master key file: back it up, a database without its key cannot sign or show sealed settings');
  if (!sealer.keyMatches) {
    logger.error(
      { file: source.file },
      'the master key does not match this database (its key check does not open): sealed settings and secrets are not served; start with the right HOOKLEDGER_MASTER_KEY or key file',
    );
  }
  const secrets = c.get(TOKENS.Secrets);
  c.rebind(TOKENS.Secrets).toConstantValue(new SealedWebhookSecrets(secrets, sealer));
};

/** The event log as the use cases read and write it: webhook streams sealed on append, opened when read. */
export const sealedEventStore = (c: Container, inner: EventStore = c.get(TOKENS.EventStore)): EventStore =>
  c.isBound(SEALING.Sealer) ? new SealedEventStore(inner, c.get(SEALING.Sealer)) : inner;

/** The list projection as its readers see it: sealed rows opened. */
export const sealedReadModel = (c: Container, inner: WebhookReadModel = c.get(TOKENS.ReadModel)): WebhookReadModel =>
  c.isBound(SEALING.Sealer) ? new SealedReadModel(inner, c.get(SEALING.Sealer)) : inner;

/** The sealer, where there is one (not with `memory:`). */
export const fieldSealer = (c: Container): AesGcmFieldSealer | undefined => (c.isBound(SEALING.Sealer) ? c.get(SEALING.Sealer) : undefined);
