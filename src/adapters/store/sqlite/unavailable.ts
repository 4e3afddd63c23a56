/**
 * SQLite failures that say the file cannot be used right now (locked by another
 * process past the busy timeout, disk full, I/O error, read-only), as opposed to a
 * bug: the API answers them 503 and the worker retries.
 */
const UNAVAILABLE = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PROTOCOL'];

export const isSqliteUnavailable = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNAVAILABLE.some((prefix) => code === prefix || code.startsWith(`${prefix}_`));
};
