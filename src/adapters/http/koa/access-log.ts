import { type Logger, symbols } from 'pino';

/** Writes one access line; `ms` is the time the request took. */
export type AccessLog = (requestId: string, method: string, path: string, status: number, ms: number) => void;

// The only fields that may need escaping: the path (from the request line). Request ids are
// checked against [\w.-] or generated, methods are tokens and status a number.
const SAFE_PATH = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * The access log (ADR 0022): the same line pino writes for
 * `logger.info({ requestId, method, path, status, ms }, 'request')` (level, time, the logger's
 * bindings, the fields, msg), built as one string and handed to the logger's destination: no
 * object per request, no serialiser walk, no redaction pass (the fields hold no header, body
 * or key). Written only while the logger's level lets info through.
 */
export const accessLog = (logger: Logger): AccessLog => {
  const stream = (logger as unknown as Record<symbol, { write(line: string): unknown }>)[symbols.streamSym]!;
  const time = (logger as unknown as Record<symbol, () => string>)[symbols.timeSym]!;
  const bindings = (logger as unknown as Record<symbol, string>)[symbols.chindingsSym] ?? '';
  const messageKey = JSON.stringify((logger as unknown as Record<symbol, string>)[symbols.messageKeySym] ?? 'msg');
  const info = logger.levels.values.info!;
  return (requestId, method, path, status, ms) => {
    if (logger.levelVal > info) return;
    const shownPath = SAFE_PATH.test(path) ? `"${path}"` : JSON.stringify(path);
    stream.write(
      `{"level":${info}${time()}${bindings},"requestId":"${requestId}","method":"${method}","path":${shownPath},"status":${status},"ms":${Math.round(ms * 1000) / 1000},${messageKey}:"request"}\n`,
    );
  };
};
