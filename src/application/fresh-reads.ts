import type { DeliveryQueue, LastDeliveryError } from '../ports/delivery-queue.js';
import type { EventStore, LoggedEvent, ReadAllOptions, ReadStreamOptions, StoredEvent } from '../ports/event-store.js';
import type { StoreChangeStamp } from '../ports/store-change-stamp.js';
import type { WebhookListPage, WebhookListQuery, WebhookReadModel } from '../ports/webhook-read-model.js';

/**
 * The store's change stamp as read after the call: one reading, at the end of the
 * event-loop turn, serves every call made before it (ADR 0022). A request handled in
 * this turn was received before the reading, so any write its client saw acknowledged
 * (by this process or another) is covered by it: read-your-writes holds.
 */
export type FreshStamp = () => Promise<number>;

export const freshStamp = (stamp: StoreChangeStamp): FreshStamp => {
  let next: Promise<number> | undefined;
  // The reading, until the turn that made it ends (its callbacks, microtasks and ticks): request
  // bytes are only read from sockets in the poll phase, so every request handled until then was
  // received before the reading too. A GET's second read (its last error) needs no new one.
  let current: Promise<number> | undefined;
  let localAtReading = 0;
  const turnEnded = () => {
    current = undefined;
  };
  return () => {
    // A write through this process's connection since the reading (a command in the same turn) needs a new one.
    if (current !== undefined && stamp.local() === localAtReading) return current;
    current = undefined;
    const pending = (next ??= new Promise<number>((resolve, reject) => {
      setImmediate(() => {
        next = undefined;
        try {
          resolve(stamp.read());
          localAtReading = stamp.local();
        } catch (error) {
          reject(error);
          return;
        }
        current = pending;
        // Queued behind the continuations of this reading; the tick runs once all microtasks are done.
        queueMicrotask(() => process.nextTick(turnEnded));
      });
    }));
    return pending;
  };
};

/** The answer for webhooks without a last error, shared (callers only read it). */
const NONE: ReadonlyMap<string, LastDeliveryError> = new Map();

/** Known answers are kept for this many keys at most; past it they start again. */
const MAX_KEPT = 20_000;

/**
 * The event store, answering "what came after revision R of this stream" from memory
 * while the store has not changed since a read showed the stream ends at R: the usual
 * check of a cached state (ADR 0016) costs no store read. Every other read and every
 * write goes to the store; a write changes the stamp, so nothing known survives it.
 */
export const freshEventStore = (inner: EventStore, stamp: FreshStamp): EventStore => {
  const streamEnds = new Map<string, { readonly stamp: number; readonly revision: number }>();
  const logEnds = new Map<string, { readonly stamp: number; readonly position: number }>();
  const keep = <V>(map: Map<string, V>, key: string, value: V) => {
    if (map.size >= MAX_KEPT) map.clear();
    map.set(key, value);
  };
  const store: EventStore = {
    append: (streamId, expectedRevision, events) => inner.append(streamId, expectedRevision, events),
    readAll: (options) => inner.readAll(options),
    close: () => inner.close(),
    readStream: async (streamId: string, options?: ReadStreamOptions): Promise<readonly StoredEvent[]> => {
      // Only the open-ended read after a revision: bounds (as_of, pages) always go to the store.
      if (options === undefined || options.toRevision !== undefined || options.until !== undefined || options.limit !== undefined) {
        return inner.readStream(streamId, options);
      }
      const at = await stamp();
      const after = options.afterRevision ?? 0;
      const known = streamEnds.get(streamId);
      if (known !== undefined && known.stamp === at && after >= known.revision) return [];
      const events = await inner.readStream(streamId, options);
      keep(streamEnds, streamId, { stamp: at, revision: events.at(-1)?.revision ?? after });
      return events;
    },
  };
  const readAllData = inner.readAllData?.bind(inner);
  if (readAllData !== undefined) {
    // A projection catching up: "nothing after position P" is known until the store changes.
    store.readAllData = async (options: ReadAllOptions = {}): Promise<readonly LoggedEvent[]> => {
      const at = await stamp();
      const key = options.streamPrefix ?? '';
      const after = options.after ?? 0;
      const known = logEnds.get(key);
      if (known !== undefined && known.stamp === at && after >= known.position) return [];
      const events = await readAllData(options);
      if (events.length === 0) keep(logEnds, key, { stamp: at, position: after });
      return events;
    };
  }
  return store;
};

/**
 * The read model, with its checkpoint and list pages answered from memory while the
 * store has not changed since they were read. Pages hand out the same row objects, so
 * what is built from a row (its JSON) is built once per state.
 */
export const freshReadModel = (inner: WebhookReadModel, stamp: FreshStamp): WebhookReadModel => {
  let checkpoint: { readonly stamp: number; readonly position: number } | undefined;
  let pagesAt = Number.NaN;
  let pages = new Map<string, WebhookListPage>();
  return {
    checkpoint: async () => {
      const at = await stamp();
      if (checkpoint?.stamp === at) return checkpoint.position;
      const position = await inner.checkpoint();
      checkpoint = { stamp: at, position };
      return position;
    },
    get: (webhookId) => inner.get(webhookId),
    getMany: (webhookIds) => inner.getMany(webhookIds),
    apply: (rows, position) => inner.apply(rows, position),
    reset: () => inner.reset(),
    list: async (query: WebhookListQuery) => {
      const at = await stamp();
      if (at !== pagesAt || pages.size >= 256) {
        pagesAt = at;
        pages = new Map();
      }
      const key = `${query.organizationId}\n${query.eventType ?? ''}\n${query.isActive ?? ''}\n${query.limit}\n${query.offset ?? ''}\n${query.afterSequence ?? ''}`;
      const kept = pages.get(key);
      if (kept !== undefined) return kept;
      const into = pages;
      const page = await inner.list(query);
      into.set(key, page);
      return page;
    },
  };
};

/**
 * `lastErrors` answered from memory while the store has not changed since each webhook's
 * was read (a recorded attempt is a write, so it is never missed). The same object is
 * handed out each time, so what is built from it is built once.
 */
export const freshLastErrors = (
  inner: Pick<DeliveryQueue, 'lastErrors'>,
  stamp: FreshStamp,
): ((webhookIds: readonly string[]) => Promise<ReadonlyMap<string, LastDeliveryError>>) => {
  let keptAt = Number.NaN;
  let kept = new Map<string, LastDeliveryError | null>();
  return async (webhookIds) => {
    const at = await stamp();
    if (at !== keptAt || kept.size >= MAX_KEPT) {
      keptAt = at;
      kept = new Map();
    }
    const into = kept;
    if (webhookIds.length === 1) {
      // One webhook (GET, commands): no arrays to build when it is known.
      const id = webhookIds[0]!;
      let error = into.get(id);
      if (error === undefined) {
        error = (await inner.lastErrors(webhookIds)).get(id) ?? null;
        into.set(id, error);
      }
      return error === null ? NONE : new Map([[id, error]]);
    }
    const missing = webhookIds.filter((id) => !into.has(id));
    if (missing.length > 0) {
      const read = await inner.lastErrors(missing);
      for (const id of missing) into.set(id, read.get(id) ?? null);
    }
    const out = new Map<string, LastDeliveryError>();
    for (const id of webhookIds) {
      const error = into.get(id);
      if (error) out.set(id, error);
    }
    return out;
  };
};
