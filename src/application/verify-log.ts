import { GENESIS, chainInput, eventHashInput } from '../domain/index.js';
import type { Digest } from '../ports/digest.js';
import type { EventStore } from '../ports/event-store.js';

/** One event `verify` found out of place, and what is wrong with it. */
export interface Tampering {
  readonly position: number;
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly problem: string;
}

/** What `verifyEventLog` found: events checked, the chain head and every problem. */
export interface VerifyReport {
  readonly checked: number;
  /** The chain of the last event: record it elsewhere to detect a rewrite of the whole log later. */
  readonly head: string;
  readonly problems: readonly Tampering[];
}

/**
 * Recomputes every event's hash and the global chain from the log itself and
 * names each event that no longer fits: edited (its hash), removed or
 * reordered (a gap in its stream's revisions, a broken link), inserted (a
 * hash or link that was never issued). See ADR 0008.
 */
export const verifyEventLog = async (
  deps: { eventStore: EventStore; digest: Digest },
  onProgress?: (checked: number) => void,
): Promise<VerifyReport> => {
  const problems: Tampering[] = [];
  const lastOfStream = new Map<string, { hash: string; revision: number }>();
  let chain = GENESIS;
  let checked = 0;
  for (let after = 0; ; ) {
    const page = await deps.eventStore.readAll({ after, limit: 1000 });
    if (page.length === 0) break;
    for (const e of page) {
      const at = { position: e.position, streamId: e.streamId, revision: e.revision, eventId: e.eventId };
      const previous = lastOfStream.get(e.streamId);
      const expectedRevision = (previous?.revision ?? 0) + 1;
      if (e.revision !== expectedRevision) {
        problems.push({ ...at, problem: e.revision > expectedRevision
          ? `revision ${expectedRevision}${e.revision - 1 > expectedRevision ? `-${e.revision - 1}` : ''} of ${e.streamId} is missing (removed)`
          : `revision ${e.revision} of ${e.streamId} appears out of order or twice (reordered or inserted)` });
      }
      const hash = deps.digest.sha256(eventHashInput(e, previous?.hash ?? GENESIS));
      if (hash !== e.hash) {
        problems.push({ ...at, problem: 'its content or its place in the stream was changed (hash does not match)' });
      }
      const expectedChain = deps.digest.sha256(chainInput(chain, e.hash));
      if (expectedChain !== e.chain) {
        problems.push({ ...at, problem: 'the global chain breaks here (an event before it was removed, inserted or moved)' });
      }
      lastOfStream.set(e.streamId, { hash: e.hash, revision: e.revision });
      chain = e.chain;
      checked += 1;
    }
    after = page.at(-1)!.position;
    onProgress?.(checked);
  }
  return { checked, head: chain, problems };
};
