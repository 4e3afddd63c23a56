import { type ErrorDetail, type EventCatalog, EVENT_TYPE_SCHEMA_LIMITS, countValues, eventTypeSchemaCost } from '../domain/index.js';
import type { DataValidator, JsonSchemaCompiler } from '../ports/json-schema.js';
import type { OrganizationTimeBudget } from './organization-time-budget.js';

interface CompiledSchema {
  readonly validate: DataValidator;
  /** How many subschemas may apply to one value. */
  readonly cost: number;
}

interface OrgValidators {
  readonly revision: number | undefined;
  /** By event type: its compiled schema, or null when it has none. */
  readonly byType: Map<string, CompiledSchema | null>;
}

/** What checking an event's `data` found: its problems (none when it passes), or that the organization must wait. */
export type DataCheck =
  | { readonly kind: 'checked'; readonly problems: readonly ErrorDetail[] }
  /** The organization spent its share of time on checks (`OrganizationTimeBudget`): nothing was checked. */
  | { readonly kind: 'throttled'; readonly retryAfterMs: number };

/** Problems reported for one event at most: a page of them is enough to fix the data. */
const MAX_PROBLEMS = 20;
const PASSED: DataCheck = { kind: 'checked', problems: [] };

/**
 * Checks an event's `data` against its type's JSON Schema (ADR 0020). Schemas are compiled once
 * per (organization, catalog revision) and type, when first published: a catalog change moves
 * the revision and drops that organization's compiled schemas. Organizations kept are bounded.
 * With a `budget`, compiling and checking are charged to the organization by the time they took,
 * and an organization that spent its share waits (types without a schema are never held up).
 */
export class EventDataSchemas {
  private readonly byOrganization = new Map<string, OrgValidators>();

  constructor(
    private readonly compiler: JsonSchemaCompiler,
    private readonly budget?: OrganizationTimeBudget,
    private readonly maxOrganizations = 1000,
  ) {}

  /** Checks `data` (problem paths from the request body: `data.…`); passes when the type has no schema. */
  check(organizationId: string, catalog: EventCatalog, eventType: string, data: unknown): DataCheck {
    // A preset (revision undefined or 0) has no schemas.
    if (!catalog.revision) return PASSED;
    const org = this.validatorsOf(organizationId, catalog.revision);
    const known = org.byType.get(eventType);
    if (known === null) return PASSED;
    const schema = known === undefined ? catalog.eventTypes.find((t) => t.name === eventType)?.schema : undefined;
    if (known === undefined && !schema) {
      org.byType.set(eventType, null);
      return PASSED;
    }
    const run = (): DataCheck => {
      let compiled = known;
      if (compiled === undefined) org.byType.set(eventType, (compiled = { validate: this.compiler.compile(schema!), cost: eventTypeSchemaCost(schema!) }));
      return { kind: 'checked', problems: checkCompiled(compiled, data) };
    };
    if (!this.budget) return run();
    const retryAfterMs = this.budget.waitMs(organizationId);
    return retryAfterMs > 0 ? { kind: 'throttled', retryAfterMs } : this.budget.charged(organizationId, run);
  }

  private validatorsOf(organizationId: string, revision: number): OrgValidators {
    let org = this.byOrganization.get(organizationId);
    if (org?.revision !== revision) {
      this.byOrganization.delete(organizationId);
      if (this.byOrganization.size >= this.maxOrganizations) this.byOrganization.delete(this.byOrganization.keys().next().value!);
      this.byOrganization.set(organizationId, (org = { revision, byType: new Map() }));
    }
    return org;
  }
}

const checkCompiled = ({ validate, cost }: CompiledSchema, data: unknown): readonly ErrorDetail[] => {
  // Checking costs up to (subschemas × values): bounded per publish, counted before it runs.
  const maxValues = Math.floor(EVENT_TYPE_SCHEMA_LIMITS.checkBudget / cost);
  if (countValues(data, maxValues) > maxValues) {
    return [{ path: ['data'], message: `has more than ${maxValues} values, too many to check against this type's schema (${cost} subschemas; ADR 0020)` }];
  }
  return validate(data)
    .slice(0, MAX_PROBLEMS)
    .map((d) => ({ path: ['data', ...d.path], message: d.message }));
};
