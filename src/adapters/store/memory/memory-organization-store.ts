import type { ApiKeyRecord, CreateOrganizationResult, Credential, Organization, OrganizationStore } from '../../../ports/organizations.js';

export class InMemoryOrganizationStore implements OrganizationStore {
  private readonly orgs: Organization[] = [];
  private readonly keys = new Map<string, ApiKeyRecord>();

  async createOrganization(o: Organization): Promise<CreateOrganizationResult> {
    if (this.orgs.some((x) => x.name === o.name || x.id === o.id)) return { ok: false, reason: 'name-taken' };
    this.orgs.push({ ...o });
    return { ok: true };
  }

  async findOrganization(idOrName: string): Promise<Organization | undefined> {
    const found = this.orgs.find((o) => o.id === idOrName) ?? this.orgs.find((o) => o.name === idOrName);
    return found ? { ...found } : undefined;
  }

  async listOrganizations(): Promise<readonly Organization[]> {
    return this.orgs.map((o) => ({ ...o }));
  }

  async addApiKey(key: ApiKeyRecord): Promise<void> {
    if (this.keys.has(key.keyId)) throw new Error(`duplicate key id ${key.keyId}`);
    this.keys.set(key.keyId, { ...key });
  }

  async findApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
    const found = this.keys.get(keyId);
    return found ? { ...found } : undefined;
  }

  async findCredential(keyId: string): Promise<Credential | undefined> {
    const key = this.keys.get(keyId);
    if (!key) return undefined;
    const organization = this.orgs.find((o) => o.id === key.organizationId);
    return { key: { ...key }, ...(organization ? { organization: { ...organization } } : {}) };
  }

  async revokeApiKey(keyId: string, at: string): Promise<boolean> {
    const found = this.keys.get(keyId);
    if (!found) return false;
    if (!found.revokedAt) this.keys.set(keyId, { ...found, revokedAt: at });
    return true;
  }

  async listApiKeys(organizationId: string): Promise<readonly ApiKeyRecord[]> {
    return [...this.keys.values()]
      .filter((k) => k.organizationId === organizationId)
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.keyId < b.keyId ? -1 : 1))
      .map((k) => ({ ...k }));
  }

  async recordKeyUse(keyId: string, at: string): Promise<void> {
    const found = this.keys.get(keyId);
    if (found && !(found.lastUsedAt && found.lastUsedAt >= at)) this.keys.set(keyId, { ...found, lastUsedAt: at });
  }
}
