import { type Either, left, right } from 'fp-ts/lib/Either.js';
import { findCatalog } from '../domain/index.js';
import type { Clock } from '../ports/clock.js';
import type { KeyMaterial } from '../ports/key-material.js';
import type { Organization, OrganizationStore } from '../ports/organizations.js';

/** What the organization and key use cases need. */
export interface OrganizationDeps {
  readonly organizations: OrganizationStore;
  readonly keys: KeyMaterial;
  readonly clock: Clock;
}

/** Why an organization or key use case failed: invalid input (e.g. an unknown catalog), a taken name, or no such organization. */
export type OrganizationError =
  | { readonly type: 'ValidationFailed'; readonly message: string }
  | { readonly type: 'OrganizationNameTaken'; readonly message: string }
  | { readonly type: 'OrganizationNotFound'; readonly message: string };

/** Creates an organization (a tenant) with a unique name and an event catalog. */
export const createOrganization = async (
  deps: OrganizationDeps,
  input: { name: string; catalogId?: string | undefined },
): Promise<Either<OrganizationError, Organization>> => {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) return left({ type: 'ValidationFailed', message: 'an organization name has 1-100 characters' });
  const catalogId = input.catalogId ?? 'dotted';
  if (!findCatalog(catalogId)) return left({ type: 'ValidationFailed', message: `unknown catalog '${catalogId}' (use dotted or upper-snake)` });
  const organization: Organization = { id: deps.keys.organizationId(), name, catalogId, createdAt: deps.clock.now().toISOString() };
  const created = await deps.organizations.createOrganization(organization);
  return created.ok ? right(organization) : left({ type: 'OrganizationNameTaken', message: `an organization named '${name}' exists already` });
};

/** Creates a key; only its hash is stored, so the returned key can never be shown again. */
export const createApiKey = async (
  deps: OrganizationDeps,
  organizationIdOrName: string,
): Promise<Either<OrganizationError, { key: string; keyId: string; organization: Organization }>> => {
  const organization = await deps.organizations.findOrganization(organizationIdOrName);
  if (!organization) return left({ type: 'OrganizationNotFound', message: `no organization '${organizationIdOrName}'` });
  const { keyId, key } = deps.keys.apiKey();
  await deps.organizations.addApiKey({ keyId, organizationId: organization.id, hash: deps.keys.hash(key), createdAt: deps.clock.now().toISOString() });
  return right({ key, keyId, organization });
};

const KEY = /^sk_([A-Za-z0-9]{12})_[A-Za-z0-9]{32}$/;

/** Accepts a whole key or its id. */
export const revokeApiKey = async (deps: OrganizationDeps, keyIdOrKey: string): Promise<boolean> => {
  const keyId = KEY.exec(keyIdOrKey)?.[1] ?? keyIdOrKey;
  return deps.organizations.revokeApiKey(keyId, deps.clock.now().toISOString());
};

// Compared against when the key id is unknown, so timing does not tell which ids exist.
const DUMMY_HASH = '0'.repeat(64);

/**
 * `Bearer sk_…` to its organization; undefined for anything else. Never throws on bad input.
 * The key's hash is compared in constant time once per call, also when the id is unknown.
 * Give it a `CredentialCache` to skip the store for keys it has seen in the last second.
 */
export const authenticate = async (
  deps: { readonly organizations: Pick<OrganizationStore, 'findCredential'>; readonly keys: Pick<KeyMaterial, 'hash' | 'sameHash'> },
  authorization: string | undefined,
): Promise<{ organization: Organization; keyId: string } | undefined> => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const key = match?.[1] ?? '';
  const keyId = KEY.exec(key)?.[1];
  const found = keyId ? await deps.organizations.findCredential(keyId) : undefined;
  const same = deps.keys.sameHash(deps.keys.hash(key), found?.key.hash ?? DUMMY_HASH);
  if (!found || !same || found.key.revokedAt) return undefined;
  return { organization: found.organization, keyId: found.key.keyId };
};
