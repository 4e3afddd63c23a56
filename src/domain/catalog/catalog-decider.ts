import type { Decider } from '../shared/decider.js';
import type { CatalogCommand } from './catalog-commands.js';
import { type CatalogError, decideCatalog } from './catalog-decide.js';
import type { CatalogEvent } from './catalog-events.js';
import { evolveCatalog } from './catalog-evolve.js';
import { type CatalogState, initialCatalogState } from './catalog-state.js';

/** An organization's event-type catalog as a decider (ADR 0020). */
export const catalogDecider: Decider<CatalogCommand, CatalogEvent, CatalogState, CatalogError> = {
  decide: decideCatalog,
  evolve: evolveCatalog,
  initialState: initialCatalogState,
};
