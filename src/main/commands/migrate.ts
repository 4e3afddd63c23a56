import { type Config, maskUrl, parseReadModelUrl } from '../config.js';
import { closeContainer, compose, createLogger } from '../container.js';
import { TOKENS } from '../tokens.js';
import { type Io, printJson } from './cli-kit.js';

export interface MigrateOptions {
  /** `{ store, location, applied, version }` on stdout; each migration applied is then said on stderr. */
  readonly json?: boolean | undefined;
}

/**
 * `hookledger migrate`: composes on the configured store, which migrates it (PostgreSQL in
 * `compose`, printing each migration applied; SQLite when the file is opened, one transaction
 * per version), and prints the schema version.
 */
export const runMigrateCommand = async (config: Config, options: MigrateOptions, io: Io): Promise<number> => {
  const print = options.json ? io.err : io.out;
  const location = parseReadModelUrl(config);
  if (location.kind === 'memory') {
    if (options.json) printJson(io, { store: 'memory', applied: [], version: null });
    else print('memory: has no schema to migrate');
    return 0;
  }
  const applied: number[] = [];
  const onMigration = (m: { version: number; name: string }) => {
    applied.push(m.version);
    print(`applying ${m.version}: ${m.name}`);
  };
  // Warnings (such as a new master key file) go to stderr: stdout holds the result.
  const c = await compose(config, { logger: createLogger('warn', process.stderr), onMigration });
  try {
    if (location.kind === 'sqlite') {
      const version = c.get(TOKENS.Sqlite).prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number;
      if (options.json) printJson(io, { store: 'sqlite', location: location.path, applied, version });
      else print(`SQLite ${location.path}: schema at version ${version}`);
      return 0;
    }
    const version = (await c.get(TOKENS.Postgres).query<{ v: number }>('SELECT max(version) AS v FROM schema_migrations')).rows[0]?.v;
    if (options.json) printJson(io, { store: 'postgres', location: maskUrl(location.url), applied, version: version ?? null });
    else print(`PostgreSQL ${maskUrl(location.url)}: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}; schema at version ${version}`);
    return 0;
  } finally {
    await closeContainer(c);
  }
};
