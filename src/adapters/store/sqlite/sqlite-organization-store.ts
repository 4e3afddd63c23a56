import type { Database, Statement } from 'better-sqlite3';
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

export class SqliteOrganizationStore implements OrganizationStore {
  private readonly insertOrg: Statement;
  private readonly selectOrgById: Statement<[string], OrgRow>;
  private readonly selectOrgByName: Statement<[string], OrgRow>;
  private readonly selectOrgs: Statement<[], OrgRow>;
  private readonly insertKey: Statement;
  private readonly selectKey: Statement<[string], KeyRow>;
  private readonly revoke: Statement;
  private readonly selectCredential: Statement<[string], CredentialRow>;
  private readonly selectKeys: Statement<[string], KeyRow>;
  private readonly touch: Statement;

  constructor(db: Database) {
    this.insertOrg = db.prepare('INSERT INTO organizations (id, name, catalog_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    this.selectOrgById = db.prepare('SELECT * FROM organizations WHERE id = ?');
    this.selectOrgByName = db.prepare('SELECT * FROM organizations WHERE name = ?');
    this.selectOrgs = db.prepare('SELECT * FROM organizations ORDER BY created_at, id');
    this.insertKey = db.prepare(`INSERT INTO api_keys (${KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.selectKey = db.prepare(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_id = ?`);
    this.selectKeys = db.prepare(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE organization_id = ? ORDER BY created_at, key_id`);
    this.touch = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE key_id = ? AND (last_used_at IS NULL OR last_used_at < ?)');
    this.revoke = db.prepare('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE key_id = ?');
    this.selectCredential = db.prepare(CREDENTIAL_QUERY('?'));
  }

  async createOrganization(o: Organization): Promise<CreateOrganizationResult> {
    return this.insertOrg.run(o.id, o.name, o.catalogId, o.createdAt).changes === 1 ? { ok: true } : { ok: false, reason: 'name-taken' };
  }

  async findOrganization(idOrName: string): Promise<Organization | undefined> {
    // An id match wins over a name that happens to look like an id; the id lookup is on every request.
    const row = this.selectOrgById.get(idOrName) ?? this.selectOrgByName.get(idOrName);
    return row ? toOrg(row) : undefined;
  }

  async listOrganizations(): Promise<readonly Organization[]> {
    return this.selectOrgs.all().map(toOrg);
  }

  async addApiKey(key: ApiKeyRecord): Promise<void> {
    this.insertKey.run(...keyValues(key));
  }

  async findApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
    const row = this.selectKey.get(keyId);
    return row ? toKey(row) : undefined;
  }

  async findCredential(keyId: string): Promise<Credential | undefined> {
    const row = this.selectCredential.get(keyId);
    return row ? toCredential(row) : undefined;
  }

  async revokeApiKey(keyId: string, at: string): Promise<boolean> {
    return this.revoke.run(at, keyId).changes === 1;
  }

  async listApiKeys(organizationId: string): Promise<readonly ApiKeyRecord[]> {
    return this.selectKeys.all(organizationId).map(toKey);
  }

  async recordKeyUse(keyId: string, at: string): Promise<void> {
    this.touch.run(at, keyId, at);
  }
}
