import type { Container } from 'inversify';
import { SqliteChangeStamp } from '../adapters/store/sqlite/sqlite-change-stamp.js';
import { SqliteDeliveryQueue } from '../adapters/store/sqlite/sqlite-delivery-queue.js';
import { SqliteEventStore } from '../adapters/store/sqlite/sqlite-event-store.js';
import { SqliteWebhookReadModel } from '../adapters/store/sqlite/sqlite-webhook-read-model.js';
import { freshEventStore, freshLastErrors, freshReadModel, freshStamp } from '../application/fresh-reads.js';
import type { DeliveryQueue, EventStore, WebhookReadModel } from '../ports/index.js';
import { TOKENS } from './tokens.js';

/**
 * The stores the API reads through (ADR 0022). When the event log, the read model and the
 * queue are one SQLite file on one connection, reads that only confirm nothing changed are
 * answered from memory while the file's change stamp stays the same; otherwise (PostgreSQL,
 * EventStoreDB, memory) the stores themselves.
 */
export const freshApiStores = (
  c: Container,
): { eventStore: EventStore; readModel: WebhookReadModel; queue: DeliveryQueue; freshen: (readModel: WebhookReadModel) => WebhookReadModel } => {
  const eventStore = c.get(TOKENS.EventStore);
  const readModel = c.get(TOKENS.ReadModel);
  const queue = c.get(TOKENS.Queue);
  const oneFile =
    c.isBound(TOKENS.Sqlite) && eventStore instanceof SqliteEventStore && readModel instanceof SqliteWebhookReadModel && queue instanceof SqliteDeliveryQueue;
  if (!oneFile) return { eventStore, readModel, queue, freshen: (same) => same };
  const stamp = freshStamp(new SqliteChangeStamp(c.get(TOKENS.Sqlite)));
  const lastErrors = freshLastErrors(queue, stamp);
  // Every other queue method is the queue's own, called on the queue itself.
  const freshQueue = new Proxy(queue, {
    get: (target, name) => {
      if (name === 'lastErrors') return lastErrors;
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    eventStore: freshEventStore(eventStore, stamp),
    readModel: freshReadModel(readModel, stamp),
    queue: freshQueue,
    // For a read model wrapped over this file's (sealed rows opened): its pages are kept opened.
    freshen: (wrapped) => freshReadModel(wrapped, stamp),
  };
};
