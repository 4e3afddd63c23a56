import type { Pool } from 'pg';
import type { ApiKeyRecord, CreateOrganizationResult, Credential, Organization, OrganizationStore } from '../../../ports/organizations.js';
import {
  CREDENTIAL_QUERY,
  type CredentialRow,
  KEY_COLUMNS,
  type KeyRow,
  type OrgRow,
  keyValues,
  toApiKey as toKey,
  toCredential,
  toOrganization as toOrg,
} from '../../shared/storage/organization-rows.js';

export class PostgresOrganizationStore implements OrganizationStore {
  constructor(private readonly pool: Pool) {}

  async createOrganization(o: Organization): Promise<CreateOrganizationResult> {
    const result = await this.pool.query('INSERT INTO organizations (id, name, catalog_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
      o.id,
      o.name,
      o.catalogId,
      o.createdAt,
    ]);
    return result.rowCount === 1 ? { ok: true } : { ok: false, reason: 'name-taken' };
  }

  async findOrganization(idOrName: string): Promise<Organization | undefined> {
    // An id match wins over a name that happens to look like an id.
    const result = await this.pool.query<OrgRow>('SELECT * FROM organizations WHERE id = $1 OR name = $1 ORDER BY (id = $1) DESC LIMIT 1', [idOrName]);
    return result.rows[0] ? toOrg(result.rows[0]) : undefined;
  }

  async listOrganizations(): Promise<readonly Organization[]> {
    return (await this.pool.query<OrgRow>('SELECT * FROM organizations ORDER BY created_at, id')).rows.map(toOrg);
  }

  async addApiKey(key: ApiKeyRecord): Promise<void> {
    await this.pool.query(`INSERT INTO api_keys (${KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, keyValues(key));
  }

  async findApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
    const result = await this.pool.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_id = $1`, [keyId]);
    return result.rows[0] ? toKey(result.rows[0]) : undefined;
  }

  async findCredential(keyId: string): Promise<Credential | undefined> {
    const result = await this.pool.query<CredentialRow>({ name: 'hookledger-find-credential', text: CREDENTIAL_QUERY('$1'), values: [keyId] });
    return result.rows[0] ? toCredential(result.rows[0]) : undefined;
  }

  async revokeApiKey(keyId: string, at: string): Promise<boolean> {
    return (await this.pool.query('UPDATE api_keys SET revoked_at = coalesce(revoked_at, $1) WHERE key_id = $2', [at, keyId])).rowCount === 1;
  }

  async listApiKeys(organizationId: string): Promise<readonly ApiKeyRecord[]> {
    const result = await this.pool.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE organization_id = $1 ORDER BY created_at, key_id`, [
      organizationId,
    ]);
    return result.rows.map(toKey);
  }

  async recordKeyUse(keyId: string, at: string): Promise<void> {
    await this.pool.query('UPDATE api_keys SET last_used_at = $1 WHERE key_id = $2 AND (last_used_at IS NULL OR last_used_at < $1)', [at, keyId]);
  }
}
