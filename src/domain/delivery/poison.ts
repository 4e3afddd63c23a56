/** Claims without an outcome after which a job is set aside: a job that kills its worker stops doing so at the third time. */
export const POISON_LIMIT = 3;

/**
 * Whether a job was started `claimsWithoutOutcome` times before and never got
 * an outcome (no attempt recorded, not held): the worker stopped each time,
 * most likely because of the job itself, so it is set aside as failed rather
 * than tried again.
 */
export const isPoisoned = (claimsWithoutOutcome: number, limit: number = POISON_LIMIT): boolean =>
  Number.isFinite(claimsWithoutOutcome) && claimsWithoutOutcome >= Math.max(1, limit);

/** Whether an earlier claim of the job ended without an outcome: it may be what stopped the worker, so it runs alone. */
export const isSuspect = (claimsWithoutOutcome: number): boolean => claimsWithoutOutcome > 0;

/** The error recorded for a job set aside as poisoned. */
export const abandonedReason = (claimsWithoutOutcome: number): string =>
  `abandoned: started ${claimsWithoutOutcome} times without an outcome (the worker stopped each time)`;
