import type { Container } from 'inversify';
import { CryptoDigest } from '../adapters/ids/crypto/crypto-digest.js';
import { HmacCheckpointSigner } from '../adapters/ids/crypto/hmac-checkpoint-signer.js';
import { PostgresEventColumns } from '../adapters/store/postgres/postgres-event-columns.js';
import { SqliteEventColumns } from '../adapters/store/sqlite/sqlite-event-columns.js';
import type { EventLogColumns } from '../ports/event-log-columns.js';
import type { AuditDeps } from './commands/audit.js';
import { parseDatabaseUrl } from './config.js';
import { openSealedData } from '../application/index.js';
import { fieldSealer, sealedEventStore, sealedReadModel } from './sealing-wiring.js';
import { TOKENS } from './tokens.js';

/** The event log's column copies, where DATABASE_URL keeps the log in SQLite or PostgreSQL. */
const eventLogColumns = (c: Container): EventLogColumns | undefined => {
  const kind = parseDatabaseUrl(c.get(TOKENS.Config).databaseUrl).kind;
  if (kind === 'postgres' && c.isBound(TOKENS.Postgres)) return new PostgresEventColumns(c.get(TOKENS.Postgres));
  if (kind === 'sqlite' && c.isBound(TOKENS.Sqlite)) return new SqliteEventColumns(c.get(TOKENS.Sqlite));
  return undefined;
};

/** What the audit commands (history, state, export, replay, verify, checkpoint) need from the container. */
export const auditDeps = (c: Container, env: NodeJS.ProcessEnv = process.env): AuditDeps => {
  const key = env.HOOKLEDGER_CHECKPOINT_KEY;
  const sealer = fieldSealer(c);
  return {
    // History and state open sealed settings; verify, export and replay read the log as stored (ADR 0018).
    eventStore: sealedEventStore(c),
    readModel: sealedReadModel(c),
    organizations: c.get(TOKENS.Organizations),
    digest: new CryptoDigest(),
    columns: eventLogColumns(c),
    checkpointSigner: key ? () => new HmacCheckpointSigner(key) : undefined,
    now: () => c.get(TOKENS.Clock).now(),
    openData: sealer ? (webhookId, data) => openSealedData(sealer, webhookId, data) : undefined,
  };
};
