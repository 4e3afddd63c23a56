import type { AttemptResult, Disposition } from '../ports/notifier.js';

const DISPOSITIONS: ReadonlySet<string> = new Set<Disposition>(['succeeded', 'retry', 'final', 'gone']);

/** A notifier's answer as the queue can store it; anything else counts as a throw. */
export const wellFormed = (answer: unknown): AttemptResult => {
  const a = answer as Partial<AttemptResult> | null | undefined;
  if (typeof a !== 'object' || a === null || typeof a.disposition !== 'string' || !DISPOSITIONS.has(a.disposition)) {
    throw new Error('the notifier returned no attempt result');
  }
  const { disposition, statusCode, latencyMs, responseBody, error, retryAfterMs } = a;
  return {
    disposition,
    statusCode: typeof statusCode === 'number' && Number.isInteger(statusCode) ? statusCode : null,
    latencyMs: typeof latencyMs === 'number' && Number.isFinite(latencyMs) && latencyMs >= 0 ? latencyMs : 0,
    responseBody: typeof responseBody === 'string' ? responseBody : undefined,
    error: typeof error === 'string' ? error : disposition === 'succeeded' ? undefined : 'failed',
    retryAfterMs: typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0 ? retryAfterMs : undefined,
  };
};
