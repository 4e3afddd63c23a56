import { type ErrorDetail, type EventCatalog, EVENT_TYPE_SCHEMA_LIMITS, countValues, eventTypeSchemaCost } from '../domain/index.js';
import type { DataValidator, JsonSchemaCompiler } from '../ports/json-schema.js';

interface OrgValidators {
  readonly revision: number | undefined;
  /** By event type: its compiled schema and how many subschemas may apply to one value, or null when it has none. */
  readonly byType: Map<string, { readonly validate: DataValidator; readonly cost: number } | null>;
}

/** Problems reported for one event at most: a page of them is enough to fix the data. */
const MAX_PROBLEMS = 20;

/**
 * Checks an event's `data` against its type's JSON Schema (ADR 0020). Schemas are compiled once
 * per (organization, catalog revision) and type, when first published: a catalog change moves
 * the revision and drops that organization's compiled schemas. Organizations kept are bounded.
 */
export class EventDataSchemas {
  private readonly byOrganization = new Map<string, OrgValidators>();

  constructor(
    private readonly compiler: JsonSchemaCompiler,
    private readonly maxOrganizations = 1000,
  ) {}

  /** Problems of `data` (paths from the request body: `data.…`); none when the type has no schema. */
  problems(organizationId: string, catalog: EventCatalog, eventType: string, data: unknown): readonly ErrorDetail[] {
    // A preset (revision undefined or 0) has no schemas.
    if (!catalog.revision) return [];
    let org = this.byOrganization.get(organizationId);
    if (org?.revision !== catalog.revision) {
      this.byOrganization.delete(organizationId);
      if (this.byOrganization.size >= this.maxOrganizations) this.byOrganization.delete(this.byOrganization.keys().next().value!);
      this.byOrganization.set(organizationId, (org = { revision: catalog.revision, byType: new Map() }));
    }
    let validate = org.byType.get(eventType);
    if (validate === undefined) {
      const schema = catalog.eventTypes.find((t) => t.name === eventType)?.schema;
      validate = schema ? { validate: this.compiler.compile(schema), cost: eventTypeSchemaCost(schema) } : null;
      org.byType.set(eventType, validate);
    }
    if (validate === null) return [];
    // Checking costs up to (subschemas × values): bounded per publish, counted before it runs.
    const maxValues = Math.floor(EVENT_TYPE_SCHEMA_LIMITS.checkBudget / validate.cost);
    if (countValues(data, maxValues) > maxValues) {
      return [
        { path: ['data'], message: `has more than ${maxValues} values, too many to check against this type's schema (${validate.cost} subschemas; ADR 0020)` },
      ];
    }
    return validate
      .validate(data)
      .slice(0, MAX_PROBLEMS)
      .map((d) => ({ path: ['data', ...d.path], message: d.message }));
  }
}
