import { type Either, left, right } from 'fp-ts/lib/Either.js';
import {
  type CatalogCommand,
  type CatalogError,
  type ErrorDetail,
  type EventCatalog,
  type EventTypeInfo,
  catalogStreamOf,
  eventTypeSchemaProblems,
  validationFailed,
} from '../domain/index.js';
import type { StoredEvent } from '../ports/event-store.js';
import type { JsonSchemaCompiler } from '../ports/json-schema.js';
import type { Organization } from '../ports/organizations.js';
import { type HandlerDeps, type HandlerError, handleCommand } from './handle-command.js';
import { catalogStreamDecider } from './catalog-stream.js';
import type { OrganizationCatalogs } from './organization-catalogs.js';
import type { Caller } from './webhooks.js';

/** What the event-type use cases need (ADR 0020). */
export interface EventTypeDeps extends HandlerDeps {
  readonly schemas: JsonSchemaCompiler;
  readonly catalogs: OrganizationCatalogs;
}

/** Why an event-type command failed. */
export type EventTypeError = CatalogError | HandlerError;

/** One event type as the API shows it. */
export interface EventTypeView {
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly cache_scope: 'KEY' | 'COLLECTION' | 'NAMESPACE' | null;
  readonly schema: Readonly<Record<string, unknown>> | null;
  readonly archived: boolean;
}

/** A catalog command as a caller writes it; the handler adds the time and the preset. */
export type CatalogCommandInput = CatalogCommand extends infer C ? (C extends CatalogCommand ? Omit<C, 'metadata'> : never) : never;

/** A catalog entry as the API shows it. */
export const eventTypeView = (t: EventTypeInfo): EventTypeView => ({
  name: t.name,
  description: t.description,
  category: t.category,
  cache_scope: t.cacheScope ?? null,
  schema: t.schema ?? null,
  archived: t.archived === true,
});

const notFound = (name: string): CatalogError => ({ type: 'EventTypeNotFound', message: `no event type '${name}' in this catalog` });

/** The caller's catalog as it is now (read through to the log). */
export const currentCatalog = (deps: Pick<EventTypeDeps, 'catalogs'>, caller: Caller): Promise<EventCatalog> =>
  deps.catalogs.catalog(caller.organizationId, caller.catalog.id, true);

/** One page of the catalog, in the order types were added; `total` counts them all. */
export const listEventTypes = async (
  deps: Pick<EventTypeDeps, 'catalogs'>,
  caller: Caller,
  page: { readonly limit: number; readonly offset: number },
): Promise<{ preset: string; revision: number; eventTypes: EventTypeView[]; total: number }> => {
  const catalog = await currentCatalog(deps, caller);
  return {
    preset: catalog.id,
    revision: catalog.revision ?? 0,
    eventTypes: catalog.eventTypes.slice(page.offset, page.offset + page.limit).map(eventTypeView),
    total: catalog.eventTypes.length,
  };
};

/** One type, archived or not, and the catalog revision (the ETag). */
export const getEventType = async (
  deps: Pick<EventTypeDeps, 'catalogs'>,
  caller: Caller,
  name: string,
): Promise<Either<CatalogError, { eventType: EventTypeView; revision: number }>> => {
  const catalog = await currentCatalog(deps, caller);
  const found = catalog.eventTypes.find((t) => t.name === name);
  return found ? right({ eventType: eventTypeView(found), revision: catalog.revision ?? 0 }) : left(notFound(name));
};

/** The domain's bounds first, so the compiler never sees a hostile schema; then whether it is JSON Schema at all. */
const schemaProblems = (compiler: JsonSchemaCompiler, command: CatalogCommandInput): ErrorDetail[] => {
  const schema = (command.data as { schema?: unknown }).schema;
  if (schema === undefined || schema === null) return [];
  const bounds = eventTypeSchemaProblems(schema);
  if (bounds.length > 0) return bounds;
  return compiler.problems(schema as Record<string, unknown>).map((d) => ({ path: ['schema', ...d.path], message: d.message }));
};

/**
 * Runs a catalog command for the caller's organization on its stream (`catalog-<id>`), with
 * the catalog revision as the expected version when given (If-Match). The new state is kept
 * in this process at once, so the caller's next request sees it.
 */
export const changeCatalog = async (
  deps: EventTypeDeps,
  actor: Pick<Caller, 'organizationId' | 'actor' | 'correlationId'> & { readonly preset: string },
  command: CatalogCommandInput,
  options: { readonly expectedRevision?: number | undefined } = {},
): Promise<Either<EventTypeError, { catalog: EventCatalog; revision: number; recorded: number }>> => {
  const problems = schemaProblems(deps.schemas, command);
  if (problems.length > 0) return left(validationFailed(problems) as CatalogError);
  const result = await handleCommand(
    deps,
    catalogStreamDecider,
    catalogStreamOf(actor.organizationId),
    (now) => ({ ...command, metadata: { now, preset: actor.preset } }) as CatalogCommand,
    {
      expectedRevision: options.expectedRevision,
      metadata: { organizationId: actor.organizationId, actor: actor.actor, correlationId: actor.correlationId },
    },
  );
  if (result._tag === 'Left') return result;
  const { state, revision, recorded } = result.right;
  deps.catalogs.remember(actor.organizationId, { state, revision });
  return right({ catalog: await deps.catalogs.catalog(actor.organizationId, actor.preset), revision, recorded: recorded.length });
};

/** Adds, replaces or archives one type; answers with that type as it is after the command. */
export const changeEventType = async (
  deps: EventTypeDeps,
  caller: Caller,
  command: Extract<CatalogCommandInput, { type: 'AddEventType' | 'ReplaceEventType' | 'ArchiveEventType' }>,
  options: { readonly expectedRevision?: number | undefined } = {},
): Promise<Either<EventTypeError, { eventType: EventTypeView; revision: number }>> => {
  const result = await changeCatalog(deps, { ...caller, preset: caller.catalog.id }, command, options);
  if (result._tag === 'Left') return result;
  const found = result.right.catalog.eventTypes.find((t) => t.name === command.data.name);
  return found ? right({ eventType: eventTypeView(found), revision: result.right.revision }) : left(notFound(command.data.name));
};

/** Records a new organization's preset as the first event of its catalog. */
export const seedCatalog = (deps: EventTypeDeps, organization: Organization, actor: string) =>
  changeCatalog(deps, { organizationId: organization.id, actor, preset: organization.catalogId }, { type: 'SeedCatalog', data: {} });

/** Page sizes of a catalog's history. */
export const CATALOG_HISTORY_PAGE = { defaultLimit: 50, maxLimit: 100 } as const;

/** One page of the catalog's recorded events, oldest first, after `afterRevision`. Empty for a catalog never changed. */
export const catalogHistoryPage = async (
  deps: Pick<EventTypeDeps, 'eventStore'>,
  caller: Pick<Caller, 'organizationId'>,
  page: { readonly afterRevision?: number | undefined; readonly limit?: number | undefined } = {},
): Promise<{ events: readonly StoredEvent[]; hasMore: boolean }> => {
  const limit = Math.min(Math.max(1, page.limit ?? CATALOG_HISTORY_PAGE.defaultLimit), CATALOG_HISTORY_PAGE.maxLimit);
  const events = await deps.eventStore.readStream(catalogStreamOf(caller.organizationId), { afterRevision: page.afterRevision ?? 0, limit: limit + 1 });
  return { events: events.slice(0, limit), hasMore: events.length > limit };
};
