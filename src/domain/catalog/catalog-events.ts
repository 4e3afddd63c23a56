import * as z from 'zod';
import { eventEmitter } from '../shared/versioned-events.js';

/** One event type as the catalog stream records it (ADR 0020). */
export const EventTypeDefinition = z.strictObject({
  name: z.string().min(1).max(128),
  description: z.string().max(1000),
  category: z.string().max(100),
  cache_scope: z.enum(['KEY', 'COLLECTION', 'NAMESPACE']).nullable(),
  /** A JSON Schema (draft 2020-12) for the event's `data`, checked on publish; null for none. */
  schema: z.record(z.string(), z.unknown()).nullable(),
});
export type EventTypeDefinition = z.infer<typeof EventTypeDefinition>;

const At = z.iso.datetime();
const event = <T extends string, D extends z.ZodRawShape>(type: T, data: D) =>
  z.strictObject({ type: z.literal(type), version: z.literal(1), data: z.strictObject(data) });

/** Event: the catalog began as a copy of a preset (`dotted`, `upper-snake`), whose types it lists. */
export const CatalogSeeded = event('CatalogSeeded', {
  preset: z.string().min(1).max(50),
  /** What a prefix wildcard ends with before `*`, and which naming rule new types follow. */
  separator: z.enum(['.', '_']),
  event_types: z.array(EventTypeDefinition).max(1000),
  at: At,
});
/** Event: the organization added a type of its own. */
export const EventTypeAdded = event('EventTypeAdded', { event_type: EventTypeDefinition, at: At });
/** Event: a type's description, category, cache scope or schema changed (the whole new definition). */
export const EventTypeChanged = event('EventTypeChanged', { event_type: EventTypeDefinition, at: At });
/** Event: a type can no longer be newly subscribed to; subscriptions to it keep receiving it. */
export const EventTypeArchived = event('EventTypeArchived', { name: z.string().min(1).max(128), at: At });
/** Event: an archived type can be subscribed to again. */
export const EventTypeRestored = event('EventTypeRestored', { name: z.string().min(1).max(128), at: At });

/** Every event of a catalog stream (`catalog-<organization id>`). */
export const CatalogEvent = z.discriminatedUnion('type', [CatalogSeeded, EventTypeAdded, EventTypeChanged, EventTypeArchived, EventTypeRestored]);
export type CatalogEvent = z.infer<typeof CatalogEvent>;

/** A catalog event at its type's current schema version: `catalogEvent('EventTypeArchived', { name, at })`. */
export const catalogEvent = eventEmitter<CatalogEvent>(CatalogEvent.options);

/** One stream per organization: `catalog-int_…`. */
export const CATALOG_STREAM_PREFIX = 'catalog-';
/** The catalog stream of an organization. */
export const catalogStreamOf = (organizationId: string): string => `${CATALOG_STREAM_PREFIX}${organizationId}`;
