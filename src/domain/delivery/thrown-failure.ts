/**
 * What becomes of an attempt that threw instead of producing an answer
 * (a notifier, the secrets store, building the message): `final` when trying
 * again must fail the same way, `retry` (on the schedule) otherwise.
 */
export interface ThrownFailure {
  readonly disposition: 'final' | 'retry';
  /** For the attempt log and `last_error`, which the tenant reads. */
  readonly error: string;
}

/** Error names whose cause travels with the job (its settings or data), so every try fails alike. */
export const DETERMINISTIC_ERROR_NAMES: readonly string[] = ['DestinationRefused', 'TemplateError', 'TemplateRenderError', 'RangeError', 'SyntaxError'];

/** Node's invalid-argument codes (a header value with a control character, a malformed URL): the same input fails the same way. */
const DETERMINISTIC_CODE = /^ERR_(INVALID|HTTP_INVALID)_/;

/** Longest error text kept in an attempt. */
export const THROWN_ERROR_LIMIT = 500;

// A thrown value may be anything, getters included: reading it must not throw in turn.
const read = (value: unknown, key: string): unknown => {
  try {
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
};
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
const clip = (s: string): string => (s.length > THROWN_ERROR_LIMIT ? `${s.slice(0, THROWN_ERROR_LIMIT - 1)}…` : s);

/**
 * Final when the thrown value says so (`deterministic: true` or `final: true`),
 * is a refused destination or a template failure, a RangeError or SyntaxError
 * (stack overflow, bad JSON: the same input overflows again), or carries a
 * Node invalid-argument code. Anything else is treated as infrastructure and
 * retried. A final failure keeps its message (it is about the tenant's own
 * settings); an infrastructure one is reported by name or code only, so no
 * internal detail (hosts, paths, queries) reaches the tenant.
 */
export const classifyThrownFailure = (thrown: unknown): ThrownFailure => {
  const name = text(read(thrown, 'name'));
  const code = text(read(thrown, 'code'));
  const deterministic =
    read(thrown, 'deterministic') === true ||
    read(thrown, 'final') === true ||
    (name !== undefined && DETERMINISTIC_ERROR_NAMES.includes(name)) ||
    (code !== undefined && DETERMINISTIC_CODE.test(code));
  if (deterministic) {
    const message = text(read(thrown, 'message')) ?? name ?? code ?? 'failed';
    return { disposition: 'final', error: clip(message) };
  }
  return { disposition: 'retry', error: clip(`internal error: ${code ?? name ?? 'unknown'}`) };
};
