/** Reads the environment once; the rest of the program receives plain values. */
export interface Config {
  readonly databaseUrl: string;
}

export const readConfig = (env: NodeJS.ProcessEnv = process.env): Config => ({
  databaseUrl: env.DATABASE_URL ?? 'sqlite:./data/hookledger.db',
});

export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'memory' };

/** `sqlite:<path>`, `sqlite::memory:`; other schemes arrive with their adapters. */
export const parseDatabaseUrl = (url: string): StoreLocation => {
  if (url === 'sqlite::memory:' || url === 'memory:') return { kind: 'memory' };
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', path: url.slice('sqlite:'.length) };
  throw new Error(`DATABASE_URL ${url.split(':')[0]}:… is not supported yet (use sqlite:<path> or sqlite::memory:)`);
};
