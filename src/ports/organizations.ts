/** Tenants and their API keys. Keys are stored only as a hash. */
export interface Organization {
  /** `int_` + 24 characters; never shown in API responses. */
  readonly id: string;
  /** Unique, human-chosen. */
  readonly name: string;
  /** Which event catalog its webhooks subscribe from (`dotted`, `upper-snake`). */
  readonly catalogId: string;
  readonly createdAt: string;
}

export interface ApiKeyRecord {
  /** Public part of the key (`sk_<keyId>_<secret>`), used to look it up. */
  readonly keyId: string;
  readonly organizationId: string;
  /** Hex SHA-256 of the whole key. */
  readonly hash: string;
  readonly createdAt: string;
  readonly revokedAt?: string | undefined;
}

/** A key with the organization it belongs to: what authentication needs, read together. */
export interface Credential {
  readonly key: ApiKeyRecord;
  readonly organization: Organization;
}

export type CreateOrganizationResult = { readonly ok: true } | { readonly ok: false; readonly reason: 'name-taken' };

export interface OrganizationStore {
  createOrganization(organization: Organization): Promise<CreateOrganizationResult>;
  /** By id (`int_…`) or by name. */
  findOrganization(idOrName: string): Promise<Organization | undefined>;
  listOrganizations(): Promise<readonly Organization[]>;
  addApiKey(key: ApiKeyRecord): Promise<void>;
  findApiKey(keyId: string): Promise<ApiKeyRecord | undefined>;
  /** The key and its organization in one query; undefined when the key id is unknown. */
  findCredential(keyId: string): Promise<Credential | undefined>;
  /** False when no such key exists; revoking twice keeps the first time. */
  revokeApiKey(keyId: string, at: string): Promise<boolean>;
}
