/** How far a consumer's cache should be invalidated when the event arrives. */
export type CacheScope = 'KEY' | 'COLLECTION' | 'NAMESPACE';

/** One entry of an event catalog: name, category, cache scope and description. */
export interface EventTypeInfo {
  readonly name: string;
  readonly description: string;
  readonly category: string;
  /** Only the dotted catalog annotates scopes. */
  readonly cacheScope?: CacheScope;
  /** A JSON Schema for the event's `data`, checked on publish (ADR 0020). */
  readonly schema?: Readonly<Record<string, unknown>>;
  /** Archived: cannot be newly subscribed to; subscriptions to it keep receiving it. */
  readonly archived?: boolean;
}

/**
 * A set of event type names an organization's webhooks subscribe to.
 * `separator` is what a prefix wildcard ends with before its `*`
 * (`cluster.*` in the dotted catalog, `FACT_SHEET_*` in the upper-snake one).
 */
export interface EventCatalog {
  readonly id: string;
  readonly title: string;
  readonly separator: string;
  readonly eventTypes: readonly EventTypeInfo[];
  /** The organization's catalog stream revision it was read at (0: never changed); absent for presets. */
  readonly revision?: number;
}

/** Whether the catalog lists this exact event-type name (archived or not: archived types are still published). */
export const hasEventType = (catalog: EventCatalog, name: string): boolean => catalog.eventTypes.some((t) => t.name === name);
