/**
 * What retention may delete, given the time and the settings (ADR 0019). Pure: the stores'
 * pruning SQL implements exactly this rule, and the contract suite holds them to it.
 * The event log is never pruned: only the delivery side (message payloads, their jobs and
 * attempts) and expired idempotency keys.
 */

export interface RetentionSettings {
  /** Messages (payload, jobs, attempts) are kept this many days after they were accepted. */
  readonly retentionDays: number;
  /** How long an idempotency key answers with its first message. */
  readonly idempotencyWindowMs: number;
}

/** The instants before which each kind of row is prunable, as ISO-8601 times (the stores' text columns compare as such). */
export interface PruneCutoffs {
  /** A message addressed to at least one webhook, accepted before this, with no job left to send. */
  readonly messagesAcceptedBefore: string;
  /** A message addressed to no webhook (kept only for its idempotency key), accepted before this. */
  readonly unaddressedAcceptedBefore: string;
  /** An idempotency key whose window ended at or before this. */
  readonly keysExpiredBy: string;
}

/** Jobs still to be sent (or being sent): their message is kept whatever its age, since an attempt reads it. */
export const UNFINISHED_JOB_STATUSES = ['scheduled', 'leased'] as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/** A retention setting that cannot be right: a message kept less than its idempotency window, or not a number. */
export const retentionSettingsProblem = (s: RetentionSettings): string | undefined => {
  if (!Number.isFinite(s.retentionDays) || s.retentionDays <= 0) return `retention must be a positive number of days, not ${s.retentionDays}`;
  if (s.retentionDays * DAY_MS < s.idempotencyWindowMs) return `retention must be at least the idempotency window (${s.idempotencyWindowMs / DAY_MS} day(s))`;
  return undefined;
};

export const pruneCutoffs = (now: Date, s: RetentionSettings): PruneCutoffs => ({
  messagesAcceptedBefore: new Date(now.getTime() - s.retentionDays * DAY_MS).toISOString(),
  // Unaddressed messages serve only their key: once no key can point at them, they go.
  unaddressedAcceptedBefore: new Date(now.getTime() - Math.min(s.idempotencyWindowMs, s.retentionDays * DAY_MS)).toISOString(),
  keysExpiredBy: now.toISOString(),
});

/** A message as retention sees it: when it was accepted and the status of each of its jobs. */
export interface RetainedMessage {
  readonly acceptedAt: string;
  readonly jobStatuses: readonly string[];
}

export const isPrunableMessage = (m: RetainedMessage, cutoffs: PruneCutoffs): boolean => {
  if (m.jobStatuses.length === 0) return m.acceptedAt < cutoffs.unaddressedAcceptedBefore;
  if (m.jobStatuses.some((s) => (UNFINISHED_JOB_STATUSES as readonly string[]).includes(s))) return false;
  return m.acceptedAt < cutoffs.messagesAcceptedBefore;
};

export const isPrunableKey = (key: { readonly expiresAt: string }, cutoffs: PruneCutoffs): boolean => key.expiresAt <= cutoffs.keysExpiredBy;
