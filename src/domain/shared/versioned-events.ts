import type { DomainEvent } from './decider.js';

/** What an event schema says about itself: its `type` and its current `version` (zod literals). */
export interface VersionedEventSchema {
  readonly shape: { readonly type: { readonly value: string }; readonly version: { readonly value: number } };
}

/** The current schema version of each event type, read from the schemas (`z.literal` values). */
export const currentVersions = (schemas: readonly VersionedEventSchema[]): ReadonlyMap<string, number> =>
  new Map(schemas.map((schema) => [schema.shape.type.value, schema.shape.version.value]));

/**
 * How a decider writes its events: `emit('WebhookPaused', data)` fills in the type's current
 * version from its schema, so a new version is declared once, on the schema, and an old one
 * is never written by mistake. `schemas` are the options of the event union.
 */
export const eventEmitter = <Event extends DomainEvent>(schemas: readonly VersionedEventSchema[]) => {
  const versions = currentVersions(schemas);
  return <T extends Event['type']>(type: T, data: Extract<Event, { readonly type: T }>['data']): Extract<Event, { readonly type: T }> => {
    const version = versions.get(type);
    // Only possible when `schemas` are not the options of `Event`'s own union.
    if (version === undefined) throw new Error(`${type} has no event schema`);
    return { type, version, data } as DomainEvent as Extract<Event, { readonly type: T }>;
  };
};
