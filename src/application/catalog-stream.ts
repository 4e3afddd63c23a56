import {
  type CatalogCommand,
  type CatalogError,
  type CatalogEvent,
  type CatalogState,
  CatalogEvent as CatalogEventSchema,
  catalogDecider,
} from '../domain/index.js';
import type { LoggedEvent, StoredEvent } from '../ports/event-store.js';
import type { Decider } from './handle-command.js';
import { UnreadableEventError } from './webhook-decider.js';

/** A stored catalog event, shape-checked (there is one version of each so far); throws `UnreadableEventError`. */
export const readCatalogEvent = (stored: LoggedEvent | StoredEvent): CatalogEvent => {
  const parsed = CatalogEventSchema.safeParse({ type: stored.type, version: stored.version, data: stored.data });
  if (!parsed.success) throw new UnreadableEventError(stored, parsed.error.issues[0]?.message ?? 'not a catalog event');
  return parsed.data;
};

/** The catalog aggregate for `handleCommand` (ADR 0020). */
export const catalogStreamDecider: Decider<CatalogCommand, CatalogEvent, CatalogState, CatalogError> = { ...catalogDecider, read: readCatalogEvent };
