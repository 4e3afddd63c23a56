/** The event-type catalog as an event-sourced aggregate (ADR 0020): what `domain/index.ts` exports of it. */
export * from './catalog-events.js';
export * from './catalog-commands.js';
export { type CatalogEntry, type CatalogState, catalogView, initialCatalogState, presetEntries } from './catalog-state.js';
export { CATALOG_MAX_TYPES, type CatalogError, decideCatalog } from './catalog-decide.js';
export { evolveCatalog } from './catalog-evolve.js';
export { catalogDecider } from './catalog-decider.js';
export { EVENT_TYPE_NAME_MAX, eventTypeNameProblem } from './event-type-names.js';
export { EVENT_TYPE_SCHEMA_LIMITS, countValues, eventTypeSchemaCost, eventTypeSchemaProblems } from './event-type-schema.js';
