import * as z from 'zod';
import { AddEventType, ReplaceEventType } from '../../../domain/index.js';
import { HistoryQuery, intParam } from './schemas.js';

/** Schemas of the event-type and operator routes (ADR 0020); bodies derive from the domain's commands. */

export const PageQuery = (defaultLimit: number) =>
  z.strictObject({
    limit: intParam(1, 100).optional().describe(`page size, 1-100 (default ${defaultLimit})`),
    offset: intParam(0, 1_000_000_000).optional().describe('how many to skip (default 0)'),
  });

/** The catalog's history pages like a webhook's (the same cursor rules and page sizes). */
export const CatalogHistoryQuery = HistoryQuery;

export const CreateEventTypeBody = AddEventType.shape.data.meta({ id: 'EventTypeDefinition' });
/** PUT replaces everything but the name (from the path); left-out fields are empty, `archived` false. */
export const ReplaceEventTypeBody = ReplaceEventType.shape.data.omit({ name: true }).meta({ id: 'EventTypeReplacement' });

export const EventTypeResource = z
  .object({
    name: z.string(),
    description: z.string(),
    category: z.string(),
    cache_scope: z.enum(['KEY', 'COLLECTION', 'NAMESPACE']).nullable(),
    schema: z.record(z.string(), z.unknown()).nullable().describe('JSON Schema (draft 2020-12) every published event’s data must match; null for none'),
    archived: z.boolean().describe('archived: no new subscriptions; existing ones keep receiving it'),
  })
  .meta({ id: 'EventType' });

const OffsetPagination = z.object({ limit: z.number().int(), offset: z.number().int(), has_more: z.boolean() });

export const EventTypePage = z
  .object({
    catalog: z.string().describe('the preset the catalog was seeded from: dotted or upper-snake'),
    revision: z.number().int().describe('the catalog’s version (also its ETag): 0 until its first change'),
    event_types: z.array(EventTypeResource),
    pagination: OffsetPagination,
    total: z.number().int(),
  })
  .meta({ id: 'EventTypePage' });

export const CatalogHistory = z
  .object({
    events: z.array(
      z.object({ revision: z.number().int(), type: z.string(), data: z.record(z.string(), z.unknown()), recorded_at: z.iso.datetime(), actor: z.string() }),
    ),
    pagination: z.object({ limit: z.number().int(), next_cursor: z.string().nullable(), has_more: z.boolean() }),
  })
  .meta({ id: 'EventTypeCatalogHistory' });

export const CreateOrganizationBody = z
  .strictObject({
    name: z.string().min(1).max(100),
    catalog: z.enum(['dotted', 'upper-snake']).optional().describe('the preset its event catalog starts from (default dotted)'),
  })
  .meta({ id: 'OrganizationCreation' });

export const OrganizationResource = z
  .object({ organization_id: z.string(), name: z.string(), catalog: z.string(), created_at: z.iso.datetime() })
  .meta({ id: 'Organization' });

export const OrganizationPage = z
  .object({ results: z.array(OrganizationResource), pagination: OffsetPagination, total: z.number().int() })
  .meta({ id: 'OrganizationList' });

export const CreateKeyBody = z.strictObject({ name: z.string().max(100).optional().describe('to tell keys apart') }).meta({ id: 'ApiKeyCreation' });

export const ApiKeyResource = z
  .object({
    key_id: z.string(),
    name: z.string(),
    created_at: z.iso.datetime(),
    last_used_at: z.iso.datetime().nullable().describe('when it last authenticated a request, to within about a minute'),
    revoked_at: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const CreatedApiKeyResource = ApiKeyResource.extend({ key: z.string().describe('sk_…: shown here once; only its hash is stored') }).meta({
  id: 'CreatedApiKey',
});

export const ApiKeyList = z.object({ results: z.array(ApiKeyResource) }).meta({ id: 'ApiKeyList' });
