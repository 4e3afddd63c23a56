import {
  type OperatorDeps,
  createOrganizationKey,
  createOrganizationWithCatalog,
  listOrganizationKeys,
  listOrganizationsPage,
  revokeOrganizationKey,
} from '../../../application/index.js';
import type { ApiKeyRecord, Organization } from '../../../ports/organizations.js';
import {
  ApiKeyList,
  CreateKeyBody,
  CreateOrganizationBody,
  CreatedApiKeyResource,
  OrganizationPage,
  OrganizationResource,
  PageQuery,
} from './catalog-schemas.js';
import { orFail } from './errors.js';
import { type Route, route } from './route.js';
import { EmptyQuery, ErrorEnvelope } from './schemas.js';

/** What the operator routes need (ADR 0020). */
export interface OrganizationRouteDeps {
  readonly operator: OperatorDeps;
}

const BASE = '/v1/admin/organizations';
const TAG = 'Operator';
const FORBIDDEN = { 403: { description: 'not an operator key (`hookledger keys create --admin`)', schema: ErrorEnvelope } };
const NOT_FOUND = { 404: { description: 'no such organization (or no such key in it)', schema: ErrorEnvelope } };
const DESCRIPTION = 'Operator keys only (`hookledger keys create --admin`); an organization’s key gets 403.';

const presentOrganization = (o: Organization) => ({ organization_id: o.id, name: o.name, catalog: o.catalogId, created_at: o.createdAt });
const presentKey = (k: Pick<ApiKeyRecord, 'keyId' | 'name' | 'createdAt' | 'lastUsedAt' | 'revokedAt'>) => ({
  key_id: k.keyId,
  name: k.name,
  created_at: k.createdAt,
  last_used_at: k.lastUsedAt ?? null,
  revoked_at: k.revokedAt ?? null,
});

/** Organizations and their API keys, for an operator key (ADR 0020). */
export const organizationRoutes = (deps: OrganizationRouteDeps): Route[] => [
  route({
    method: 'get',
    path: BASE,
    operationId: 'listOrganizations',
    summary: 'List organizations, oldest first',
    description: DESCRIPTION,
    tag: TAG,
    auth: true,
    scope: 'operator',
    query: PageQuery(20),
    responses: { 200: { description: 'one page', schema: OrganizationPage }, ...FORBIDDEN },
    handle: async ({ query }) => {
      const limit = query.limit ?? 20;
      const offset = query.offset ?? 0;
      const page = await listOrganizationsPage(deps.operator, { limit, offset });
      return {
        status: 200,
        body: {
          results: page.organizations.map(presentOrganization),
          pagination: { limit, offset, has_more: offset + page.organizations.length < page.total },
          total: page.total,
        },
      };
    },
  }),
  route({
    method: 'post',
    path: BASE,
    operationId: 'createOrganization',
    summary: 'Create an organization, its event catalog seeded from a preset (dotted or upper-snake)',
    description: DESCRIPTION,
    tag: TAG,
    auth: true,
    scope: 'operator',
    body: CreateOrganizationBody,
    bodyRequired: true,
    responses: {
      201: { description: 'created', schema: OrganizationResource, headers: ['Location'] },
      ...FORBIDDEN,
      409: { description: 'an organization of that name exists', schema: ErrorEnvelope },
    },
    handle: async ({ body, caller }) => {
      const organization = orFail(await createOrganizationWithCatalog(deps.operator, { name: body.name, catalogId: body.catalog }, caller.actor));
      return { status: 201, body: presentOrganization(organization), headers: { Location: `${BASE}/${organization.id}/keys` } };
    },
  }),
  route({
    method: 'get',
    path: `${BASE}/{organization}/keys`,
    operationId: 'listOrganizationKeys',
    summary: 'An organization’s API keys (never their secrets), revoked ones included',
    description: `${DESCRIPTION} \`{organization}\` is its id or name.`,
    tag: TAG,
    auth: true,
    scope: 'operator',
    query: EmptyQuery,
    responses: { 200: { description: 'its keys, oldest first', schema: ApiKeyList }, ...FORBIDDEN, ...NOT_FOUND },
    handle: async ({ params }) => {
      const { keys } = orFail(await listOrganizationKeys(deps.operator, params.organization));
      return { status: 200, body: { results: keys.map(presentKey) } };
    },
  }),
  route({
    method: 'post',
    path: `${BASE}/{organization}/keys`,
    operationId: 'createOrganizationKey',
    summary: 'Create an API key for an organization; the key is in this answer only',
    description: `${DESCRIPTION} \`{organization}\` is its id or name.`,
    tag: TAG,
    auth: true,
    scope: 'operator',
    body: CreateKeyBody,
    responses: { 201: { description: 'created: store the key now', schema: CreatedApiKeyResource, headers: ['Location'] }, ...FORBIDDEN, ...NOT_FOUND },
    handle: async ({ params, body }) => {
      const created = orFail(await createOrganizationKey(deps.operator, params.organization, body.name));
      return {
        status: 201,
        body: { ...presentKey({ ...created, lastUsedAt: undefined, revokedAt: undefined }), key: created.key },
        headers: { Location: `${BASE}/${created.organization.id}/keys/${created.keyId}` },
      };
    },
  }),
  route({
    method: 'delete',
    path: `${BASE}/{organization}/keys/{key_id}`,
    operationId: 'revokeOrganizationKey',
    summary: 'Revoke an organization’s API key: refused everywhere within 1 s (idempotent)',
    description: `${DESCRIPTION} \`{organization}\` is its id or name.`,
    tag: TAG,
    auth: true,
    scope: 'operator',
    responses: { 204: { description: 'revoked (also when it already was)' }, ...FORBIDDEN, ...NOT_FOUND },
    handle: async ({ params }) => {
      orFail(await revokeOrganizationKey(deps.operator, params.organization, params.key_id));
      return { status: 204 };
    },
  }),
];
