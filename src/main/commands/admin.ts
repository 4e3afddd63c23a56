import { type Command, Option } from 'commander';
import type { Either } from 'fp-ts/lib/Either.js';
import {
  type OrganizationDeps,
  type OrganizationError,
  createApiKey,
  createOperatorKey,
  createOrganization,
  revokeApiKey,
} from '../../application/organizations.js';
import { type OperatorDeps, createOrganizationWithCatalog, listOrganizationKeys } from '../../application/operator.js';
import { catalogs } from '../../domain/index.js';
import type { ApiKeyRecord, Organization } from '../../ports/organizations.js';
import { type Cli, type Io, JSON_FLAG, type Out, type Using, given, printJson, rootCommand, runCli } from './cli-kit.js';

export type AdminDeps = OrganizationDeps | OperatorDeps;

interface Json {
  readonly json?: boolean | undefined;
}

const fail = (io: Io, message: string) => {
  io.err(`error: ${message}`);
  return 1;
};

// The same fields as the operator API's bodies (/v1/admin), so a script reads either the same way.
const organizationJson = (o: Organization) => ({ organization_id: o.id, name: o.name, catalog: o.catalogId, created_at: o.createdAt });
const keyJson = (k: ApiKeyRecord) => ({
  key_id: k.keyId,
  name: k.name,
  scope: k.scope,
  created_at: k.createdAt,
  last_used_at: k.lastUsedAt ?? null,
  revoked_at: k.revokedAt ?? null,
});

/** `orgs create <name>`: prints the new organization's id. */
export const createOrg = async (deps: AdminDeps, input: Json & { readonly name: string; readonly catalog?: string | undefined }, io: Io) => {
  // With the catalogs wired, the preset is recorded as the catalog's first event (ADR 0020).
  const fields = { name: input.name, catalogId: input.catalog };
  const result = 'eventTypes' in deps ? await createOrganizationWithCatalog(deps, fields, 'cli') : await createOrganization(deps, fields);
  if (result._tag === 'Left') return fail(io, result.left.message);
  if (input.json) printJson(io, organizationJson(result.right));
  else io.out(result.right.id);
  return 0;
};

/** `orgs list`: one organization a line (id, name, catalog, created), or `{ results }`. */
export const listOrgs = async (deps: AdminDeps, options: Json, io: Io) => {
  const all = await deps.organizations.listOrganizations();
  if (options.json) printJson(io, { results: all.map(organizationJson), total: all.length });
  else for (const o of all) io.out(`${o.id}\t${o.name}\t${o.catalogId}\t${o.createdAt}`);
  return 0;
};

export interface CreateKeyOptions extends Json {
  readonly org?: string | undefined;
  readonly admin?: boolean | undefined;
  readonly name?: string | undefined;
}

/** `keys create`: the key alone on stdout (it is shown once), what it is on stderr. */
export const createKey = async (deps: AdminDeps, options: CreateKeyOptions, io: Io) => {
  const result: Either<OrganizationError, { key: string; keyId: string; organization?: Organization }> = options.admin
    ? await createOperatorKey(deps, { name: options.name })
    : await createApiKey(deps, options.org ?? '', { name: options.name });
  if (result._tag === 'Left') return fail(io, result.left.message);
  const { key, keyId, organization } = result.right;
  if (options.json) {
    printJson(io, {
      key,
      key_id: keyId,
      scope: organization ? 'organization' : 'operator',
      ...(organization ? { organization: organizationJson(organization) } : {}),
    });
    return 0;
  }
  io.out(key);
  io.err(
    organization
      ? `# key ${keyId} for ${organization.name}: shown once, only its hash is stored`
      : `# operator key ${keyId}: manages organizations and keys over /v1/admin; shown once, only its hash is stored`,
  );
  return 0;
};

/** `keys list --org <o>`: the organization's keys, revoked ones included (never a secret: only hashes are stored). */
export const listKeys = async (deps: AdminDeps, options: Json & { readonly org: string }, io: Io) => {
  const result = await listOrganizationKeys(deps, options.org);
  if (result._tag === 'Left') return fail(io, result.left.message);
  const { keys } = result.right;
  if (options.json) printJson(io, { results: keys.map(keyJson) });
  else for (const k of keys) io.out(`${k.keyId}\t${k.name}\t${k.createdAt}\t${k.lastUsedAt ?? '-'}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}`);
  return 0;
};

/** `keys revoke <key id or key>`. */
export const revokeKey = async (deps: AdminDeps, keyIdOrKey: string, io: Io) =>
  (await revokeApiKey(deps, keyIdOrKey)) ? (io.out('revoked'), 0) : fail(io, 'no such key');

/** Declares `orgs …` and `keys …` on `parent`; each action takes its dependencies from `using`. */
export const addAdminCommands = (parent: Command, cli: Cli, using: Using<AdminDeps>): void => {
  const run = async (action: (deps: AdminDeps) => Promise<number>) => void (cli.code = await using(action));
  const orgs = parent.command('orgs').description('create and list organizations (tenants)');
  orgs
    .command('create')
    .description('create an organization; prints its id')
    .argument('<name>', 'a unique name')
    .addOption(new Option('--catalog <preset>', 'the event catalog it starts from').choices(catalogs.map((c) => c.id)))
    .option(...JSON_FLAG)
    .action((name: string, options: { catalog?: string; json?: boolean }) => run((d) => createOrg(d, { name, ...options }, cli.io)));
  orgs
    .command('list')
    .description('list organizations')
    .option(...JSON_FLAG)
    .action((options: Json) => run((d) => listOrgs(d, options, cli.io)));

  const keys = parent.command('keys').description('create, list and revoke API keys (a key is shown once)');
  keys
    .command('create')
    .description('create an API key for an organization (--org) or an operator key (--admin); prints the key once')
    .option('--org <name or id>', 'the organization the key acts for')
    .addOption(new Option('--admin', 'an operator key: manages organizations and keys over /v1/admin').conflicts('org'))
    .option('--name <name>', 'to tell keys apart')
    .option(...JSON_FLAG)
    .action((options: CreateKeyOptions, command: Command) => {
      if (!options.org && !options.admin) command.error('error: give --org <name or id> or --admin');
      return run((d) => createKey(d, options, cli.io));
    });
  keys
    .command('list')
    .description("list an organization's keys: id, name, created, last used, revoked")
    .requiredOption('--org <name or id>', 'the organization')
    .option(...JSON_FLAG)
    .action((options: Json & { org: string }) => run((d) => listKeys(d, options, cli.io)));
  keys
    .command('revoke')
    .description('revoke an API key')
    .argument('<key>', 'its key id, or the whole key')
    .action((key: string) => run((d) => revokeKey(d, key, cli.io)));
};

/** `orgs …` and `keys …` given as arguments, on these dependencies (tests): returns the exit code (1 refused, 2 usage). */
export const runAdminCommand = (argv: readonly string[], deps: AdminDeps, out: Out, err: Out = out): Promise<number> => {
  const cli: Cli = { io: { out, err }, code: 0 };
  const root = rootCommand('hookledger', cli.io);
  addAdminCommands(root, cli, given(deps));
  return runCli(root, cli, argv);
};
