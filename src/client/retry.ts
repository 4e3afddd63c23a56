/** How the client waits out 429 and 503 answers. */
export interface RetryOptions {
  /** Retries after the first attempt (default 3); 0 turns retrying off. */
  readonly retries?: number;
  /** The first wait when the answer has no Retry-After, doubled on each retry (default 500 ms). */
  readonly baseDelayMs?: number;
  /** The longest wait; a Retry-After beyond it is not waited out, the answer is returned (default 30 s). */
  readonly maxDelayMs?: number;
  /** How to wait: injectable so tests do not sleep (default setTimeout). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The current time, for a Retry-After given as a date (default Date.now). */
  readonly now?: () => number;
}

/**
 * Both are safe to repeat, whatever the method: Hookledger answers 429 before it runs the request,
 * and 503 only when nothing was changed (every write is one transaction).
 */
const RETRYABLE = new Set([429, 503]);

/** Milliseconds a Retry-After asks for (seconds or an HTTP date), or undefined when there is none. */
export const retryAfterMs = (header: string | null, now: () => number = Date.now): number | undefined => {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now());
};

/** A fetch that repeats a 429 or 503 answer's request, after Retry-After or an exponential backoff. */
export const retryingFetch = (
  fetchImpl: (request: Request, init?: RequestInit) => Promise<Response>,
  options: RetryOptions = {},
): ((request: Request, init?: RequestInit) => Promise<Response>) => {
  const retries = options.retries ?? 3;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async (request, init) => {
    for (let attempt = 0; ; attempt++) {
      // A request's body can be read once: each attempt but the last sends a copy.
      const response = await fetchImpl(attempt < retries ? request.clone() : request, init);
      if (!RETRYABLE.has(response.status) || attempt >= retries) return response;
      const delay = retryAfterMs(response.headers.get('retry-after'), options.now) ?? base * 2 ** attempt;
      if (delay > max) return response;
      await response.body?.cancel();
      await sleep(delay);
    }
  };
};
