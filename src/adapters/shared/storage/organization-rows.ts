import type { ApiKeyRecord, Credential, KeyScope, Organization } from '../../../ports/organizations.js';

/** The organizations and api_keys tables have the same columns in SQLite and PostgreSQL. */
export interface OrgRow {
  id: string;
  name: string;
  catalog_id: string;
  created_at: string;
}
export interface KeyRow {
  key_id: string;
  organization_id: string | null;
  scope: string;
  name: string;
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export const KEY_COLUMNS = 'key_id, organization_id, scope, name, hash, created_at, last_used_at, revoked_at';

export const toOrganization = (r: OrgRow): Organization => ({ id: r.id, name: r.name, catalogId: r.catalog_id, createdAt: r.created_at });
export const toApiKey = (r: KeyRow): ApiKeyRecord => ({
  keyId: r.key_id,
  ...(r.organization_id ? { organizationId: r.organization_id } : {}),
  scope: r.scope as KeyScope,
  name: r.name,
  hash: r.hash,
  createdAt: r.created_at,
  ...(r.last_used_at ? { lastUsedAt: r.last_used_at } : {}),
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
});
/** The values of an INSERT naming KEY_COLUMNS, in that order. */
export const keyValues = (k: ApiKeyRecord) => [
  k.keyId,
  k.organizationId ?? null,
  k.scope,
  k.name,
  k.hash,
  k.createdAt,
  k.lastUsedAt ?? null,
  k.revokedAt ?? null,
];

/** A key joined with its organization (`findCredential`): key columns as in KeyRow, organization columns prefixed `org_` (null for operator keys). */
export interface CredentialRow extends KeyRow {
  org_name: string | null;
  org_catalog_id: string | null;
  org_created_at: string | null;
}

/** One SELECT for both, so authentication on a cache miss is one round trip. */
export const CREDENTIAL_QUERY = (param: string) =>
  `SELECT k.key_id, k.organization_id, k.scope, k.name, k.hash, k.created_at, k.last_used_at, k.revoked_at,
          o.name AS org_name, o.catalog_id AS org_catalog_id, o.created_at AS org_created_at
   FROM api_keys k LEFT JOIN organizations o ON o.id = k.organization_id WHERE k.key_id = ${param}`;

export const toCredential = (r: CredentialRow): Credential => ({
  key: toApiKey(r),
  ...(r.organization_id && r.org_name !== null
    ? { organization: { id: r.organization_id, name: r.org_name, catalogId: r.org_catalog_id!, createdAt: r.org_created_at! } }
    : {}),
});
