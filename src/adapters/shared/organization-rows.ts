import type { ApiKeyRecord, Credential, Organization } from '../../ports/organizations.js';

/** The organizations and api_keys tables have the same columns in SQLite and PostgreSQL. */
export interface OrgRow { id: string; name: string; catalog_id: string; created_at: string }
export interface KeyRow { key_id: string; organization_id: string; hash: string; created_at: string; revoked_at: string | null }

export const toOrganization = (r: OrgRow): Organization => ({ id: r.id, name: r.name, catalogId: r.catalog_id, createdAt: r.created_at });
export const toApiKey = (r: KeyRow): ApiKeyRecord => ({
  keyId: r.key_id, organizationId: r.organization_id, hash: r.hash, createdAt: r.created_at,
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
});

/** A key joined with its organization (`findCredential`): key columns as in KeyRow, organization columns prefixed `org_`. */
export interface CredentialRow extends KeyRow { org_name: string; org_catalog_id: string; org_created_at: string }

/** One SELECT for both, so authentication on a cache miss is one round trip. */
export const CREDENTIAL_QUERY = (param: string) =>
  `SELECT k.key_id, k.organization_id, k.hash, k.created_at, k.revoked_at,
          o.name AS org_name, o.catalog_id AS org_catalog_id, o.created_at AS org_created_at
   FROM api_keys k JOIN organizations o ON o.id = k.organization_id WHERE k.key_id = ${param}`;

export const toCredential = (r: CredentialRow): Credential => ({
  key: toApiKey(r),
  organization: { id: r.organization_id, name: r.org_name, catalogId: r.org_catalog_id, createdAt: r.org_created_at },
});
