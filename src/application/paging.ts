import type { Either } from 'fp-ts/lib/Either.js';
import type { DomainError } from '../domain/index.js';

/**
 * How an adapter writes a page position for its clients (HTTP: opaque, tagged text). The use
 * case decides when to decode (after the ownership check) and what the next position is.
 */
export interface PageCursor<S> {
  encode(scope: S, position: number): string;
  /** The position a cursor issued for `scope` continues after; a ValidationFailed at `cursor` for any other. */
  decode(scope: S, cursor: string): Either<DomainError, number>;
}
