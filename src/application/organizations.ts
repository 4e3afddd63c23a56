import { type Either, left, right } from 'fp-ts/lib/Either.js';
import { type EventCatalog, dottedCatalog, findCatalog } from '../domain/index.js';
import type { Clock } from '../ports/clock.js';
import type { KeyMaterial } from '../ports/key-material.js';
import type { KeyScope, Organization, OrganizationStore } from '../ports/organizations.js';

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
  | { readonly type: 'OrganizationNotFound'; readonly message: string }
  | { readonly type: 'ApiKeyNotFound'; readonly message: string };

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

/** A key's name: up to 100 printable characters, to tell keys apart. */
const keyNameProblem = (name: string): OrganizationError | undefined =>
  name.length > 100 || /[\u0000-\u001f\u007f]/.test(name)
    ? { type: 'ValidationFailed', message: 'a key name has at most 100 characters and no control characters' }
    : undefined;

/** Creates a key; only its hash is stored, so the returned key can never be shown again. */
export const createApiKey = async (
  deps: OrganizationDeps,
  organizationIdOrName: string,
  options: { readonly name?: string | undefined } = {},
): Promise<Either<OrganizationError, { key: string; keyId: string; name: string; createdAt: string; organization: Organization }>> => {
  const name = options.name ?? '';
  const bad = keyNameProblem(name);
  if (bad) return left(bad);
  const organization = await deps.organizations.findOrganization(organizationIdOrName);
  if (!organization) return left({ type: 'OrganizationNotFound', message: `no organization '${organizationIdOrName}'` });
  const { keyId, key } = deps.keys.apiKey();
  const createdAt = deps.clock.now().toISOString();
  await deps.organizations.addApiKey({ keyId, organizationId: organization.id, scope: 'organization', name, hash: deps.keys.hash(key), createdAt });
  return right({ key, keyId, name, createdAt, organization });
};

/** Creates an operator key (ADR 0020): it manages organizations and their keys over the API and acts for none. */
export const createOperatorKey = async (
  deps: OrganizationDeps,
  options: { readonly name?: string | undefined } = {},
): Promise<Either<OrganizationError, { key: string; keyId: string; name: string }>> => {
  const name = options.name ?? '';
  const bad = keyNameProblem(name);
  if (bad) return left(bad);
  const { keyId, key } = deps.keys.apiKey();
  await deps.organizations.addApiKey({ keyId, scope: 'operator', name, hash: deps.keys.hash(key), createdAt: deps.clock.now().toISOString() });
  return right({ key, keyId, name });
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
  deps: {
    readonly organizations: Pick<OrganizationStore, 'findCredential'>;
    readonly keys: Pick<KeyMaterial, 'hash' | 'sameHash'>;
    /** Told of each key that authenticated (`KeyUseRecorder`, for `last_used_at`). */
    readonly recordUse?: ((keyId: string) => unknown) | undefined;
  },
  authorization: string | undefined,
): Promise<{ organization?: Organization | undefined; keyId: string; scope: KeyScope } | undefined> => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const key = match?.[1] ?? '';
  const keyId = KEY.exec(key)?.[1];
  const found = keyId ? await deps.organizations.findCredential(keyId) : undefined;
  const same = deps.keys.sameHash(deps.keys.hash(key), found?.key.hash ?? DUMMY_HASH);
  if (!found || !same || found.key.revokedAt) return undefined;
  // An organization key whose organization is gone (never, with the foreign key) is no key.
  if (found.key.scope !== 'operator' && !found.organization) return undefined;
  deps.recordUse?.(found.key.keyId);
  return { organization: found.organization, keyId: found.key.keyId, scope: found.key.scope };
};

/** An organization's event catalog; the dotted one when it has none (or one this version does not know). */
export const catalogOf = (catalogId: string | undefined): EventCatalog => findCatalog(catalogId ?? dottedCatalog.id) ?? dottedCatalog;
