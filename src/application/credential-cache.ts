import type { Clock } from '../ports/clock.js';
import type { ApiKeyRecord, CreateOrganizationResult, Credential, Organization, OrganizationStore } from '../ports/organizations.js';

/** How long a credential read from the store is trusted: the bound on seeing another process's revocation (ADR 0016). */
export const CREDENTIAL_TTL_MS = 1000;

/** Options of `cacheCredentials`. */
export interface CredentialCacheOptions {
  /** Milliseconds an entry is served after it was read; at most `CREDENTIAL_TTL_MS` keeps the documented bound. */
  readonly ttlMs?: number;
  /** Entries kept; the oldest is dropped first. */
  readonly maxEntries?: number;
}

interface Entry {
  readonly credential: Credential;
  readonly expiresAt: number;
}

/**
 * The organization store with an in-process cache of credentials (key id →
 * key hash and organization), so authenticating a known key costs no store
 * round trip. An entry is served for at most `ttlMs` after it was read: a key
 * revoked by another process (another API process, the CLI) is refused here
 * within that bound. A revocation through this store drops the entry at once.
 * Only keys that exist are cached, so unknown ids cannot fill it; the hash is
 * still compared by the caller (`authenticate`) on every request.
 */
export class CredentialCache implements OrganizationStore {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Credential | undefined>>();
  /** Bumped by every revocation, so a read that started before it never refills the cache. */
  private generation = 0;
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly store: OrganizationStore,
    private readonly clock: Clock,
    options: CredentialCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? CREDENTIAL_TTL_MS;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  async findCredential(keyId: string): Promise<Credential | undefined> {
    const entry = this.entries.get(keyId);
    if (entry !== undefined) {
      if (this.clock.now().getTime() < entry.expiresAt) return entry.credential;
      this.entries.delete(keyId);
    }
    // Requests that miss at the same moment share one read.
    const shared = this.loading.get(keyId);
    if (shared !== undefined) return shared;
    const pending = this.load(keyId).finally(() => {
      if (this.loading.get(keyId) === pending) this.loading.delete(keyId);
    });
    this.loading.set(keyId, pending);
    return pending;
  }

  private async load(keyId: string): Promise<Credential | undefined> {
    const generation = this.generation;
    const readAt = this.clock.now().getTime();
    const credential = await this.store.findCredential(keyId);
    if (credential !== undefined && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(keyId, { credential, expiresAt: readAt + this.ttlMs });
    }
    return credential;
  }

  async revokeApiKey(keyId: string, at: string): Promise<boolean> {
    this.forget(keyId);
    try {
      return await this.store.revokeApiKey(keyId, at);
    } finally {
      // Again: a read that started while the revocation was being written may have seen the key unrevoked.
      this.forget(keyId);
    }
  }

  private forget(keyId: string): void {
    this.generation += 1;
    this.entries.delete(keyId);
    this.loading.delete(keyId);
  }

  createOrganization(organization: Organization): Promise<CreateOrganizationResult> {
    return this.store.createOrganization(organization);
  }

  findOrganization(idOrName: string): Promise<Organization | undefined> {
    return this.store.findOrganization(idOrName);
  }

  listOrganizations(): Promise<readonly Organization[]> {
    return this.store.listOrganizations();
  }

  addApiKey(key: ApiKeyRecord): Promise<void> {
    return this.store.addApiKey(key);
  }

  findApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
    return this.store.findApiKey(keyId);
  }

  listApiKeys(organizationId: string): Promise<readonly ApiKeyRecord[]> {
    return this.store.listApiKeys(organizationId);
  }

  recordKeyUse(keyId: string, at: string): Promise<void> {
    return this.store.recordKeyUse(keyId, at);
  }
}
