import * as z from 'zod';
import { canonicalJson } from '../shared/canonical-json.js';

/**
 * A signed note of where the log stood: its last position, how many events led there and the
 * global chain's head. Kept outside the database, it shows a later cut tail or a rewritten
 * past that the chains alone cannot (an attacker who rewrites the file recomputes them). ADR 0019.
 */
export const CHECKPOINT_FORMAT = 'hookledger-checkpoint/1';

export const checkpointSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  position: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
  head: z.string().regex(/^[0-9a-f]{64}$/),
  taken_at: z.string(),
  /** HMAC-SHA256 (hex) of `checkpointSigningInput` under HOOKLEDGER_CHECKPOINT_KEY. */
  signature: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;
export type UnsignedCheckpoint = Omit<Checkpoint, 'signature'>;

/** The exact text the signature covers. */
export const checkpointSigningInput = (c: UnsignedCheckpoint): string => canonicalJson([c.format, c.position, c.events, c.head, c.taken_at]);

/** Where the log, as read now, stands at the checkpoint's position. */
export interface LogAtCheckpoint {
  /** The chain of the event at the checkpoint's position, if that event is still there. */
  readonly chainAtPosition: string | undefined;
  /** Events read now at or before the checkpoint's position. */
  readonly eventsUpToPosition: number;
  /** The last position of the log now (0 when empty). */
  readonly lastPosition: number;
}

export type CheckpointFinding =
  { readonly kind: 'consistent' } | { readonly kind: 'cut-tail'; readonly detail: string } | { readonly kind: 'rewritten-past'; readonly detail: string };

/** Compares the log now with a checkpoint taken earlier (whose signature was already checked). */
export const compareWithCheckpoint = (c: UnsignedCheckpoint, now: LogAtCheckpoint): CheckpointFinding => {
  if (c.position === 0) return { kind: 'consistent' }; // taken of an empty log: it vouches for nothing
  if (now.lastPosition < c.position) {
    return {
      kind: 'cut-tail',
      detail: `the log ends at position ${now.lastPosition} with ${now.eventsUpToPosition} event(s), but it reached position ${c.position} with ${c.events} event(s) when the checkpoint was taken (${c.taken_at}): its newest events were removed`,
    };
  }
  if (now.chainAtPosition === undefined) {
    return { kind: 'rewritten-past', detail: `the event at position ${c.position}, the checkpoint's head, is gone (removed or moved)` };
  }
  if (now.eventsUpToPosition !== c.events) {
    return {
      kind: 'rewritten-past',
      detail: `${now.eventsUpToPosition} event(s) lead to position ${c.position} now, ${c.events} did when the checkpoint was taken: events before it were removed or inserted`,
    };
  }
  if (now.chainAtPosition !== c.head) {
    return {
      kind: 'rewritten-past',
      detail: `the chain at position ${c.position} is ${now.chainAtPosition}, the checkpoint signed ${c.head}: the log before it was rewritten`,
    };
  }
  return { kind: 'consistent' };
};
