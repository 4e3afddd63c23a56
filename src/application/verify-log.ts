import { GENESIS, chainInput, eventHashInput } from '../domain/index.js';
import { columnCopyProblems } from '../domain/audit/column-copies.js';
import { type CheckpointFinding, type UnsignedCheckpoint, compareWithCheckpoint } from '../domain/audit/checkpoint.js';
import type { Digest } from '../ports/digest.js';
import type { ColumnCopies, EventLogColumns } from '../ports/event-log-columns.js';
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
  /** The position of the last event (0 for an empty log). */
  readonly lastPosition: number;
  readonly problems: readonly Tampering[];
  /** Set when a checkpoint was given: how the log compares with it. */
  readonly checkpoint?: CheckpointFinding | undefined;
}

/** What `verifyEventLog` reads: the log, a SHA-256 and, where the store keeps them, the column copies of hashed metadata. */
export interface VerifyDeps {
  readonly eventStore: EventStore;
  readonly digest: Digest;
  /** The store's copies of hashed metadata in columns of their own, where it keeps any (SQLite, PostgreSQL). */
  readonly columns?: EventLogColumns | undefined;
}

const PAGE = 1000;

/**
 * Recomputes every event's hash and the global chain from the log itself and
 * names each event that no longer fits: edited (its hash), removed or
 * reordered (a gap in its stream's revisions, a broken link), inserted (a
 * hash or link that was never issued), or a column that queries read (time,
 * organization) no longer saying what the hashed metadata says. With a
 * checkpoint (its signature already checked), also a cut tail or a rewritten
 * past before it. See ADR 0008 and ADR 0019.
 */
export const verifyEventLog = async (deps: VerifyDeps, onProgress?: (checked: number) => void, checkpoint?: UnsignedCheckpoint): Promise<VerifyReport> => {
  const problems: Tampering[] = [];
  const lastOfStream = new Map<string, { hash: string; revision: number }>();
  let chain = GENESIS;
  let checked = 0;
  let lastPosition = 0;
  let chainAtCheckpoint: string | undefined;
  let eventsUpToCheckpoint = 0;
  for (let after = 0; ;) {
    const page = await deps.eventStore.readAll({ after, limit: PAGE });
    if (page.length === 0) break;
    const copies = new Map<number, ColumnCopies>();
    if (deps.columns) {
      // The same positions as the page: read up to its last one, whatever the store's page cap.
      for (let from = after; from < page.at(-1)!.position;) {
        const rows = await deps.columns.read(from, PAGE);
        if (rows.length === 0) break;
        for (const r of rows) copies.set(r.position, r);
        from = rows.at(-1)!.position;
      }
    }
    for (const e of page) {
      const at = { position: e.position, streamId: e.streamId, revision: e.revision, eventId: e.eventId };
      const previous = lastOfStream.get(e.streamId);
      const expectedRevision = (previous?.revision ?? 0) + 1;
      if (e.revision !== expectedRevision) {
        problems.push({
          ...at,
          problem:
            e.revision > expectedRevision
              ? `revision ${expectedRevision}${e.revision - 1 > expectedRevision ? `-${e.revision - 1}` : ''} of ${e.streamId} is missing (removed)`
              : `revision ${e.revision} of ${e.streamId} appears out of order or twice (reordered or inserted)`,
        });
      }
      const hash = deps.digest.sha256(eventHashInput(e, previous?.hash ?? GENESIS));
      if (hash !== e.hash) {
        problems.push({ ...at, problem: 'its content or its place in the stream was changed (hash does not match)' });
      }
      const expectedChain = deps.digest.sha256(chainInput(chain, e.hash));
      if (expectedChain !== e.chain) {
        problems.push({ ...at, problem: 'the global chain breaks here (an event before it was removed, inserted or moved)' });
      }
      const columns = copies.get(e.position);
      if (columns) for (const problem of columnCopyProblems(e.metadata, columns)) problems.push({ ...at, problem });
      else if (deps.columns) problems.push({ ...at, problem: 'its row could not be read back by position' });
      if (checkpoint && e.position <= checkpoint.position) {
        eventsUpToCheckpoint += 1;
        if (e.position === checkpoint.position) chainAtCheckpoint = e.chain;
      }
      lastOfStream.set(e.streamId, { hash: e.hash, revision: e.revision });
      chain = e.chain;
      lastPosition = e.position;
      checked += 1;
    }
    after = page.at(-1)!.position;
    onProgress?.(checked);
  }
  const finding =
    checkpoint && compareWithCheckpoint(checkpoint, { chainAtPosition: chainAtCheckpoint, eventsUpToPosition: eventsUpToCheckpoint, lastPosition });
  return { checked, head: chain, lastPosition, problems, ...(finding ? { checkpoint: finding } : {}) };
};
