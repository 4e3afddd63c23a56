import type { ApiKeyRecord, Organization } from '../../ports/organizations.js';

/** The organizations and api_keys tables have the same columns in SQLite and PostgreSQL. */
export interface OrgRow { id: string; name: string; catalog_id: string; created_at: string }
export interface KeyRow { key_id: string; organization_id: string; hash: string; created_at: string; revoked_at: string | null }

export const toOrganization = (r: OrgRow): Organization => ({ id: r.id, name: r.name, catalogId: r.catalog_id, createdAt: r.created_at });
export const toApiKey = (r: KeyRow): ApiKeyRecord => ({
  keyId: r.key_id, organizationId: r.organization_id, hash: r.hash, createdAt: r.created_at,
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
});
