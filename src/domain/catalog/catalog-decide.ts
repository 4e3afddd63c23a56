import { type Either, left, right } from 'fp-ts/lib/Either.js';
import * as z from 'zod';
import { canonicalJson } from '../shared/canonical-json.js';
import { type DomainError, type ErrorDetail, detailsFromIssues, validationFailed } from '../shared/errors.js';
import { type CatalogEvent, type EventTypeDefinition, catalogEvent } from './catalog-events.js';
import { type CatalogCommand, CatalogCommandData } from './catalog-commands.js';
import { evolveCatalog } from './catalog-evolve.js';
import { type CatalogEntry, type CatalogState, presetEntries } from './catalog-state.js';
import { findCatalog } from './catalogs.js';
import { eventTypeNameProblem } from './event-type-names.js';
import { eventTypeSchemaProblems } from './event-type-schema.js';

/** Failures of catalog commands a caller can act on. */
export type CatalogError = Extract<DomainError, { type: 'ValidationFailed' }> | { readonly type: 'EventTypeNotFound'; readonly message: string };

/** Types a catalog may hold, archived ones included: every list and publish stays bounded. */
export const CATALOG_MAX_TYPES = 1000;

const Now = z.iso.datetime();
const invalid = (details: ErrorDetail[]) => left(validationFailed(details) as Extract<DomainError, { type: 'ValidationFailed' }>);
const notFound = (name: string): CatalogError => ({ type: 'EventTypeNotFound', message: `no event type '${name}' in this catalog` });

type Seeded = Extract<CatalogState, { status: 'seeded' }>;
const definition = (d: EventTypeDefinition): EventTypeDefinition => ({
  name: d.name,
  description: d.description,
  category: d.category,
  cache_scope: d.cache_scope,
  schema: d.schema,
});

/** Rules on a definition being written: the naming rule (for new names) and the schema's bounds. */
const definitionProblems = (state: Seeded, d: EventTypeDefinition, isNew: boolean): ErrorDetail[] => {
  const problems: ErrorDetail[] = [];
  const naming = isNew ? eventTypeNameProblem(state.separator, d.name) : undefined;
  if (naming) problems.push({ path: ['name'], message: naming });
  if (isNew && state.eventTypes.some((t) => t.name === d.name))
    problems.push({ path: ['name'], message: `'${d.name}' exists already (archived types included)` });
  if (isNew && state.eventTypes.length >= CATALOG_MAX_TYPES) problems.push({ path: ['name'], message: `a catalog holds at most ${CATALOG_MAX_TYPES} types` });
  if (d.schema !== null) problems.push(...eventTypeSchemaProblems(d.schema));
  return problems;
};

/**
 * Decides a catalog command (ADR 0020). A catalog with no events yet is its organization's
 * preset: its first change records the seed before the change, so every catalog's history
 * starts with the types it began with. Untrusted input becomes a ValidationFailed, never a throw.
 */
export const decideCatalog = (command: CatalogCommand, state: CatalogState): Either<CatalogError, CatalogEvent[]> => {
  const meta = command?.metadata;
  if (!meta || !Now.safeParse(meta.now).success) return invalid([{ path: ['metadata', 'now'], message: 'must be an ISO-8601 UTC time' }]);
  const parsed = CatalogCommandData.safeParse({ type: command.type, data: command.data ?? {} });
  if (!parsed.success) return invalid(detailsFromIssues(parsed.error.issues).map((d) => (d.path[0] === 'data' ? { ...d, path: d.path.slice(1) } : d)));
  const at = meta.now;
  const seed: CatalogEvent[] = [];
  let current = state;
  if (current.status === 'unseeded') {
    const preset = findCatalog(meta.preset);
    if (!preset) return invalid([{ path: ['catalog'], message: `unknown catalog preset '${meta.preset}' (use dotted or upper-snake)` }]);
    const separator = preset.separator === '_' ? '_' : '.';
    seed.push(catalogEvent('CatalogSeeded', { preset: preset.id, separator, event_types: presetEntries(preset).map(definition), at }));
    current = evolveCatalog(current, seed[0]!);
  }
  const seeded = current as Seeded;
  const find = (name: string): CatalogEntry | undefined => seeded.eventTypes.find((t) => t.name === name);
  const valid = parsed.data;
  switch (valid.type) {
    case 'SeedCatalog':
      return right(seed);
    case 'AddEventType': {
      const d = definition(valid.data);
      const problems = definitionProblems(seeded, d, true);
      return problems.length > 0 ? invalid(problems) : right([...seed, catalogEvent('EventTypeAdded', { event_type: d, at })]);
    }
    case 'ReplaceEventType': {
      const existing = find(valid.data.name);
      if (!existing) return left(notFound(valid.data.name));
      const d = definition(valid.data);
      const problems = definitionProblems(seeded, d, false);
      if (problems.length > 0) return invalid(problems);
      const events: CatalogEvent[] = [...seed];
      if (canonicalJson(definition(existing)) !== canonicalJson(d)) events.push(catalogEvent('EventTypeChanged', { event_type: d, at }));
      if (valid.data.archived !== existing.archived) {
        events.push(valid.data.archived ? catalogEvent('EventTypeArchived', { name: d.name, at }) : catalogEvent('EventTypeRestored', { name: d.name, at }));
      }
      return right(events);
    }
    case 'ArchiveEventType': {
      const existing = find(valid.data.name);
      if (!existing) return left(notFound(valid.data.name));
      return right(existing.archived ? seed : [...seed, catalogEvent('EventTypeArchived', { name: existing.name, at })]);
    }
    default: {
      const unhandled: never = valid;
      return unhandled;
    }
  }
};
