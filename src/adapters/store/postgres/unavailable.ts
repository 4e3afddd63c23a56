/**
 * PostgreSQL failures that say the server cannot serve us right now (down,
 * restarting, unreachable, out of connections or disk), as opposed to a bug:
 * the API answers them 503 and the worker retries. SQLSTATE classes 08
 * (connection), 53 (insufficient resources), 57P (operator intervention).
 */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const DRIVER_MESSAGES = [/^Connection terminated/, /timeout exceeded when trying to connect/, /is not queryable/, /Client was closed/];

export const isPostgresUnavailable = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK.has(code) || /^(08|53)/.test(code) || code.startsWith('57P'))) return true;
  return DRIVER_MESSAGES.some((m) => m.test(error.message));
};
