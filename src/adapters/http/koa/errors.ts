import type { ErrorDetail } from '../../../domain/index.js';

export type ErrorType =
  | 'BadRequest'
  | 'Unauthorized'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'Conflict'
  | 'PreconditionFailed'
  | 'PayloadTooLarge'
  | 'UnsupportedMediaType'
  | 'ValidationError'
  | 'RateLimited'
  | 'ServiceUnavailable'
  | 'InternalError';

/** An error with its HTTP status; the error middleware renders every one in the contract's envelope. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const errorBody = (status: number, type: string, message: string, details: readonly ErrorDetail[] = []) => ({
  success: false as const,
  status,
  error: { message, type, ...(details.length > 0 ? { details } : {}) },
});

/** Domain and handler failures (values) become HTTP errors in this one place. */
export const fromApplicationError = (error: { type: string; message: string; details?: readonly ErrorDetail[] }): HttpError => {
  switch (error.type) {
    case 'ValidationFailed':
      return new HttpError(422, 'ValidationError', error.message, error.details ?? []);
    case 'WebhookNotFound':
      return new HttpError(404, 'NotFound', error.message);
    case 'WebhookAlreadyExists':
    case 'ConcurrencyConflict':
      return new HttpError(409, 'Conflict', error.message);
    case 'PreconditionFailed':
      return new HttpError(412, 'PreconditionFailed', error.message);
    default:
      return new HttpError(500, 'InternalError', 'internal error');
  }
};
