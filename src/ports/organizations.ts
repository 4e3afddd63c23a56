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

/** What a key may do: act for its organization, or operate the service (organizations and their keys, ADR 0020). */
export type KeyScope = 'organization' | 'operator';

export interface ApiKeyRecord {
  /** Public part of the key (`sk_<keyId>_<secret>`), used to look it up. */
  readonly keyId: string;
  /** The organization it acts for; absent for an operator key. */
  readonly organizationId?: string | undefined;
  readonly scope: KeyScope;
  /** Chosen by whoever created it, to tell keys apart (may be empty). */
  readonly name: string;
  /** Hex SHA-256 of the whole key. */
  readonly hash: string;
  readonly createdAt: string;
  /** When it last authenticated a request, to within about a minute (ADR 0020). */
  readonly lastUsedAt?: string | undefined;
  readonly revokedAt?: string | undefined;
}

/** A key with the organization it belongs to (none for an operator key): what authentication needs, read together. */
export interface Credential {
  readonly key: ApiKeyRecord;
  readonly organization?: Organization | undefined;
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
  /** An organization's keys, revoked ones included, oldest first. */
  listApiKeys(organizationId: string): Promise<readonly ApiKeyRecord[]>;
  /** Records that the key authenticated a request at `at` (never moves `lastUsedAt` back). */
  recordKeyUse(keyId: string, at: string): Promise<void>;
}
