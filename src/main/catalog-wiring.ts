import type { Container } from 'inversify';
import { AjvJsonSchemaCompiler } from '../adapters/schema/ajv/ajv-json-schema.js';
import {
  type Caller,
  type DataCheck,
  type EventTypeDeps,
  type OperatorDeps,
  EventDataSchemas,
  KeyUseRecorder,
  OrganizationCatalogs,
  OrganizationTimeBudget,
  authenticate,
} from '../application/index.js';
import { dottedCatalog } from '../domain/index.js';
import type { EventStore } from '../ports/index.js';
import { TOKENS } from './tokens.js';

/** Event-type catalogs, operator routes and key use, wired once per container (ADR 0020). */
export interface CatalogWiring {
  readonly eventTypes: EventTypeDeps;
  readonly operator: OperatorDeps;
  /** For `PublishDeps.checkData`: the type's JSON Schema, compiled once per (organization, catalog revision), within the organization's share of time. */
  readonly checkData: (caller: Caller, eventType: string, data: unknown) => DataCheck;
  /** `Authorization` to a caller: an organization's key with its catalog, or an operator key; last use recorded. */
  readonly authenticate: (authorization: string | undefined, requestId: string) => Promise<Caller | undefined>;
}

const wired = new WeakMap<Container, CatalogWiring>();

/** `eventStore`: what the API reads through (ADR 0022), when it differs from the container's. */
export const catalogWiring = (c: Container, eventStore: EventStore = c.get(TOKENS.EventStore)): CatalogWiring => {
  const known = wired.get(c);
  if (known) return known;
  const clock = c.get(TOKENS.Clock);
  const organizations = c.get(TOKENS.Organizations);
  const keys = c.get(TOKENS.KeyMaterial);
  const logger = c.get(TOKENS.Logger);
  const catalogs = new OrganizationCatalogs(eventStore, clock);
  const eventTypes: EventTypeDeps = { eventStore, clock, ids: c.get(TOKENS.Ids), schemas: new AjvJsonSchemaCompiler(), catalogs };
  const dataSchemas = new EventDataSchemas(eventTypes.schemas, new OrganizationTimeBudget(c.get(TOKENS.Config).schemaCheckTime, () => performance.now()));
  const keyUse = new KeyUseRecorder(organizations, clock, (error) => logger.warn({ err: error }, 'could not record an API key’s last use'));
  const wiring: CatalogWiring = {
    eventTypes,
    operator: { organizations, keys, clock, eventTypes, onSeedFailure: (error) => logger.warn({ err: error }, 'could not seed a new organization’s catalog') },
    checkData: (caller, eventType, data) => dataSchemas.check(caller.organizationId, caller.catalog, eventType, data),
    authenticate: async (authorization, requestId) => {
      const found = await authenticate({ organizations, keys, recordUse: (keyId) => keyUse.record(keyId) }, authorization);
      if (!found) return undefined;
      if (found.scope === 'operator' || !found.organization) {
        return { organizationId: '', actor: `key:${found.keyId}`, catalog: dottedCatalog, correlationId: requestId, scope: 'operator' };
      }
      const catalog = await catalogs.catalog(found.organization.id, found.organization.catalogId);
      return { organizationId: found.organization.id, actor: `key:${found.keyId}`, catalog, correlationId: requestId };
    },
  };
  wired.set(c, wiring);
  return wiring;
};
