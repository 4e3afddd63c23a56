import type { EventCatalog } from './catalog.js';
import type { EventTypeDefinition } from './catalog-events.js';
import { findCatalog } from './catalogs.js';

/** One type in a catalog's state. */
export interface CatalogEntry extends EventTypeDefinition {
  readonly archived: boolean;
}

/** Before the seed (no events yet), or seeded with its types in the order they were added. */
export type CatalogState =
  | { readonly status: 'unseeded' }
  | { readonly status: 'seeded'; readonly preset: string; readonly separator: '.' | '_'; readonly eventTypes: readonly CatalogEntry[] };

/** A catalog before its first event. */
export const initialCatalogState = (): CatalogState => ({ status: 'unseeded' });

/** A preset's types as catalog entries: what the seed records. */
export const presetEntries = (preset: EventCatalog): CatalogEntry[] =>
  preset.eventTypes.map((t) => ({
    name: t.name,
    description: t.description,
    category: t.category,
    cache_scope: t.cacheScope ?? null,
    schema: null,
    archived: false,
  }));

/**
 * The state as the `EventCatalog` the webhook rules and publishing read: an unseeded catalog
 * is its preset (`dotted` when the preset is unknown). `revision` keys caches of compiled schemas.
 */
export const catalogView = (state: CatalogState, presetId: string, revision: number): EventCatalog => {
  if (state.status === 'unseeded') {
    const preset = findCatalog(presetId) ?? findCatalog('dotted')!;
    return { ...preset, revision };
  }
  const preset = findCatalog(state.preset);
  return {
    id: state.preset,
    title: preset?.title ?? state.preset,
    separator: state.separator,
    revision,
    eventTypes: state.eventTypes.map((t) => ({
      name: t.name,
      description: t.description,
      category: t.category,
      ...(t.cache_scope ? { cacheScope: t.cache_scope } : {}),
      ...(t.schema ? { schema: t.schema } : {}),
      ...(t.archived ? { archived: true } : {}),
    })),
  };
};
