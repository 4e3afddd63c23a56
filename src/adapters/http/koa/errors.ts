import type { Either } from 'fp-ts/lib/Either.js';
import type { ApplicationError } from '../../../application/index.js';
import type { ErrorDetail } from '../../../domain/index.js';

export type ErrorType =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
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

/** The status and envelope type of every failure a use case returns: exhaustive, so a new member cannot become a 500 unnoticed. */
export const fromApplicationError = (error: ApplicationError): HttpError => {
  switch (error.type) {
    case 'ValidationFailed':
      return new HttpError(422, 'ValidationError', error.message, 'details' in error ? error.details : []);
    case 'WebhookNotFound':
    case 'MessageNotFound':
    case 'OrganizationNotFound':
    case 'ApiKeyNotFound':
    case 'EventTypeNotFound':
      return new HttpError(404, 'NotFound', error.message);
    case 'WebhookAlreadyExists':
    case 'OrganizationNameTaken':
    case 'ConcurrencyConflict':
      return new HttpError(409, 'Conflict', error.message);
    case 'PreconditionFailed':
      return new HttpError(412, 'PreconditionFailed', error.message);
    case 'RateLimited':
      return new HttpError(429, 'RateLimited', error.message, [], { 'Retry-After': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) });
    default: {
      const unhandled: never = error;
      throw new Error(`unmapped application error ${JSON.stringify(unhandled)}`);
    }
  }
};

/** A use case's result for a route: the Right, or the Left thrown as its HTTP error. */
export const orFail = <A>(result: Either<ApplicationError, A>): A => {
  if (result._tag === 'Left') throw fromApplicationError(result.left);
  return result.right;
};
