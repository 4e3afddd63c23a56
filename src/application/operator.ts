import { type Either, left, right } from 'fp-ts/lib/Either.js';
import type { ApiKeyRecord, Organization } from '../ports/organizations.js';
import { type EventTypeDeps, seedCatalog } from './event-types.js';
import { type OrganizationDeps, type OrganizationError, createApiKey, createOrganization } from './organizations.js';

/** What the operator's use cases need (ADR 0020): organizations and keys, and the catalogs to seed. */
export interface OperatorDeps extends OrganizationDeps {
  readonly eventTypes: EventTypeDeps;
  /** Told when seeding a new organization's catalog failed (it is then seeded by its first change). */
  readonly onSeedFailure?: (error: unknown) => void;
}

/**
 * Creates an organization and records its preset as the first event of its catalog. When the
 * seed cannot be written, the organization still exists and its catalog is the preset until its
 * first change, which records the seed then: nothing is lost, so the creation is not failed.
 */
export const createOrganizationWithCatalog = async (
  deps: OperatorDeps,
  input: { readonly name: string; readonly catalogId?: string | undefined },
  actor: string,
): Promise<Either<OrganizationError, Organization>> => {
  const created = await createOrganization(deps, input);
  if (created._tag === 'Left') return created;
  try {
    await seedCatalog(deps.eventTypes, created.right, actor);
  } catch (error) {
    deps.onSeedFailure?.(error);
  }
  return created;
};

/** A page of organizations, oldest first; `total` counts them all. */
export const listOrganizationsPage = async (
  deps: Pick<OrganizationDeps, 'organizations'>,
  page: { readonly limit: number; readonly offset: number },
): Promise<{ organizations: readonly Organization[]; total: number }> => {
  const all = await deps.organizations.listOrganizations();
  return { organizations: all.slice(page.offset, page.offset + page.limit), total: all.length };
};

const organizationNotFound = (idOrName: string): OrganizationError => ({ type: 'OrganizationNotFound', message: `no organization '${idOrName}'` });

/** An organization's keys, revoked ones included (never their secrets: only hashes are stored). */
export const listOrganizationKeys = async (
  deps: Pick<OrganizationDeps, 'organizations'>,
  organizationIdOrName: string,
): Promise<Either<OrganizationError, { organization: Organization; keys: readonly ApiKeyRecord[] }>> => {
  const organization = await deps.organizations.findOrganization(organizationIdOrName);
  if (!organization) return left(organizationNotFound(organizationIdOrName));
  return right({ organization, keys: await deps.organizations.listApiKeys(organization.id) });
};

/** Creates a key for an organization: the key is in the answer, once. */
export const createOrganizationKey = (deps: OrganizationDeps, organizationIdOrName: string, name: string | undefined) =>
  createApiKey(deps, organizationIdOrName, { name });

/** Revokes one of the organization's keys (again: keeps the first time); a key of another organization is not found. */
export const revokeOrganizationKey = async (
  deps: OrganizationDeps,
  organizationIdOrName: string,
  keyId: string,
): Promise<Either<OrganizationError, ApiKeyRecord>> => {
  const organization = await deps.organizations.findOrganization(organizationIdOrName);
  if (!organization) return left(organizationNotFound(organizationIdOrName));
  const key = await deps.organizations.findApiKey(keyId);
  if (!key || key.organizationId !== organization.id)
    return left({ type: 'ApiKeyNotFound', message: `no key '${keyId}' in organization '${organization.name}'` });
  await deps.organizations.revokeApiKey(keyId, deps.clock.now().toISOString());
  return right((await deps.organizations.findApiKey(keyId)) ?? key);
};
