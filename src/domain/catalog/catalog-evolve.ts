import type { CatalogEvent } from './catalog-events.js';
import type { CatalogEntry, CatalogState } from './catalog-state.js';

const replace = (types: readonly CatalogEntry[], name: string, change: (t: CatalogEntry) => CatalogEntry): CatalogEntry[] =>
  types.map((t) => (t.name === name ? change(t) : t));

/** Applies one recorded event; never mutates `state`. An event that does not fit the state leaves it as it was. */
export const evolveCatalog = (state: CatalogState, event: CatalogEvent): CatalogState => {
  switch (event.type) {
    case 'CatalogSeeded':
      return {
        status: 'seeded',
        preset: event.data.preset,
        separator: event.data.separator,
        eventTypes: event.data.event_types.map((t) => ({ ...t, archived: false })),
      };
    case 'EventTypeAdded':
      if (state.status !== 'seeded') return state;
      return { ...state, eventTypes: [...state.eventTypes, { ...event.data.event_type, archived: false }] };
    case 'EventTypeChanged':
      if (state.status !== 'seeded') return state;
      return { ...state, eventTypes: replace(state.eventTypes, event.data.event_type.name, (t) => ({ ...event.data.event_type, archived: t.archived })) };
    case 'EventTypeArchived':
    case 'EventTypeRestored': {
      if (state.status !== 'seeded') return state;
      const archived = event.type === 'EventTypeArchived';
      return { ...state, eventTypes: replace(state.eventTypes, event.data.name, (t) => ({ ...t, archived })) };
    }
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
};
