import * as z from 'zod';
import { EventTypeDefinition } from './catalog-events.js';

/** What the caller knows that the decider may not look up itself. */
export interface CatalogCommandMetadata {
  /** ISO-8601 time of the decision. */
  readonly now: string;
  /**
   * The preset the organization chose (`dotted`, `upper-snake`). A catalog with no events yet
   * (an organization older than ADR 0020) is this preset; its first change records the seed.
   */
  readonly preset: string;
}

/** The fields a tenant writes: everything but the name may be left out (empty, none). */
export const EventTypeFields = {
  description: EventTypeDefinition.shape.description.default(''),
  category: EventTypeDefinition.shape.category.default(''),
  cache_scope: EventTypeDefinition.shape.cache_scope.default(null),
  schema: EventTypeDefinition.shape.schema.default(null),
};

const command = <T extends string, D extends z.ZodRawShape>(type: T, data: D) => z.strictObject({ type: z.literal(type), data: z.strictObject(data) });

/** Command: record the preset as the catalog's first event (when the organization is created). */
export const SeedCatalog = command('SeedCatalog', {});
/** Command: add a type of the organization's own. */
export const AddEventType = command('AddEventType', { name: z.string().min(1).max(128), ...EventTypeFields });
/** Command: replace a type's definition (PUT); `archived` left out means false. */
export const ReplaceEventType = command('ReplaceEventType', { name: z.string().min(1).max(128), ...EventTypeFields, archived: z.boolean().default(false) });
/** Command: archive a type (DELETE): no new subscriptions, existing ones keep receiving it. */
export const ArchiveEventType = command('ArchiveEventType', { name: z.string().min(1).max(128) });

/** Every catalog command's type and data, as a caller may send them. */
export const CatalogCommandData = z.discriminatedUnion('type', [SeedCatalog, AddEventType, ReplaceEventType, ArchiveEventType]);
type Data = z.input<typeof CatalogCommandData>;
/** A catalog command as a caller writes it, with its metadata. */
export type CatalogCommand = Data & { readonly metadata: CatalogCommandMetadata };
