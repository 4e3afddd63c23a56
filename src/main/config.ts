/** Reads the environment once; the rest of the program receives plain values. */
export interface Config {
  readonly databaseUrl: string;
  readonly host: string;
  readonly port: number;
}

export const readConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0-65535, not ${env.PORT}`);
  return {
    databaseUrl: env.DATABASE_URL ?? 'sqlite:./data/hookledger.db',
    host: env.HOST ?? '127.0.0.1',
    port,
  };
};

/** `sqlite:<path>` and `sqlite::memory:` run on SQLite; `memory:` on plain in-memory adapters (tests). */
export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'memory' };

export const parseDatabaseUrl = (url: string): StoreLocation => {
  if (url === 'memory:') return { kind: 'memory' };
  if (url === 'sqlite::memory:') return { kind: 'sqlite', path: ':memory:' };
  if (url.startsWith('sqlite:') && url.length > 'sqlite:'.length) return { kind: 'sqlite', path: url.slice('sqlite:'.length) };
  throw new Error(`DATABASE_URL ${url.split(':')[0]}:… is not supported yet (use sqlite:<path>, sqlite::memory: or memory:)`);
};
