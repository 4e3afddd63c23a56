import { DeadlineExceededError, NotLeaderError, UnavailableError } from '@eventstore/db-client';

/** EventStoreDB failures that mean "try again shortly" (no leader, unreachable, too slow). */
export const isEsdbUnavailable = (error: unknown): boolean =>
  error instanceof UnavailableError || error instanceof DeadlineExceededError || error instanceof NotLeaderError;
