import { parseArgs } from 'node:util';
import { type OrganizationDeps, createApiKey, createOrganization, revokeApiKey } from '../../application/organizations.js';

const USAGE = 'usage: hookledger orgs create <name> [--catalog dotted|upper-snake] | orgs list | keys create --org <name or id> | keys revoke <key id or key>';

/** `orgs …` and `keys …`: prints results on stdout, returns the exit code (1 refused, 2 usage). */
export const runAdminCommand = async (
  argv: readonly string[],
  deps: OrganizationDeps,
  out: (line: string) => void,
  err: (line: string) => void = out,
): Promise<number> => {
  const [noun, verb, ...rest] = argv;
  let parsed: ReturnType<typeof parseArgs<{ options: { catalog: { type: 'string' }; org: { type: 'string' } }; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: rest, options: { catalog: { type: 'string' }, org: { type: 'string' } }, allowPositionals: true });
  } catch (error) {
    err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const fail = (message: string) => {
    err(`error: ${message}`);
    return 1;
  };

  if (noun === 'orgs' && verb === 'create' && positionals.length === 1) {
    const result = await createOrganization(deps, { name: positionals[0]!, catalogId: values.catalog });
    if (result._tag === 'Left') return fail(result.left.message);
    out(result.right.id);
    return 0;
  }
  if (noun === 'orgs' && verb === 'list' && positionals.length === 0) {
    for (const o of await deps.organizations.listOrganizations()) out(`${o.id}\t${o.name}\t${o.catalogId}\t${o.createdAt}`);
    return 0;
  }
  if (noun === 'keys' && verb === 'create' && values.org && positionals.length === 0) {
    const result = await createApiKey(deps, values.org);
    if (result._tag === 'Left') return fail(result.left.message);
    out(result.right.key);
    out(`# key ${result.right.keyId} for ${result.right.organization.name}: shown once, only its hash is stored`);
    return 0;
  }
  if (noun === 'keys' && verb === 'revoke' && positionals.length === 1) {
    return (await revokeApiKey(deps, positionals[0]!)) ? (out('revoked'), 0) : fail('no such key');
  }
  err(USAGE);
  return 2;
};
