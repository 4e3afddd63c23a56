import type { components } from './api-types.js';

/** The envelope every Hookledger error answer carries. */
export type ErrorEnvelope = components['schemas']['Error'];

/** An answer outside 2xx: the status, and the API's error envelope (`type`, `message`, `details` with paths). */
export class HookledgerApiError extends Error {
  override readonly name = 'HookledgerApiError';
  readonly status: number;
  /** `ValidationError`, `NotFound`, `RateLimited`, … (the envelope's `error.type`). */
  readonly type: string;
  /** Where a 422 found each problem: `[{ path: ['channels', 0, 'configs', 'url'], message }]`. */
  readonly details: NonNullable<ErrorEnvelope['error']['details']>;
  readonly envelope: ErrorEnvelope;
  /** Quote it when reporting a problem: the server logs every request under it. */
  readonly requestId: string | undefined;

  constructor(status: number, envelope: ErrorEnvelope, requestId: string | undefined) {
    super(`${status} ${envelope.error.type}: ${envelope.error.message}`);
    this.status = status;
    this.type = envelope.error.type;
    this.details = envelope.error.details ?? [];
    this.envelope = envelope;
    this.requestId = requestId;
  }

  /** The error for an answer; a body that is not the envelope (a proxy's page) still gives one. */
  static from(response: Response, body: unknown): HookledgerApiError {
    const envelope = isEnvelope(body)
      ? body
      : {
          success: false as const,
          status: response.status,
          error: { type: 'HttpError', message: typeof body === 'string' && body ? body.slice(0, 500) : response.statusText },
        };
    return new HookledgerApiError(response.status, envelope, response.headers.get('x-request-id') ?? undefined);
  }
}

const isEnvelope = (body: unknown): body is ErrorEnvelope => {
  const error = (body as { error?: { type?: unknown; message?: unknown } } | null)?.error;
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as { success?: unknown }).success === false &&
    typeof error?.type === 'string' &&
    typeof error.message === 'string'
  );
};
