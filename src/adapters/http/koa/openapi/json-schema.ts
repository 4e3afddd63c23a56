import * as z from 'zod';

/** E.164 as a pattern: `format: e164` is zod's own name, not a JSON Schema format (ajv and generators reject or ignore it). */
const E164_PATTERN = '^\\+[1-9]\\d{6,14}$';

/** Keys whose value is a map from names to schemas (not keywords). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);
/** Keys whose value is data, never a schema, so never rewritten. */
const DATA_KEYS = new Set(['const', 'enum', 'examples', 'default']);

type Json = Record<string, unknown>;

/**
 * One pass over a JSON Schema node: `#/$defs/X` refs point into components, `format: e164` becomes a
 * pattern, and in request schemas (`io: 'input'`) a `default` moves into the description. A default
 * tells a generator the field is always present, which is true of answers but makes it required in
 * the body a client writes (openapi-typescript's `defaultNonNullable`); the server fills it in.
 */
const rewrite = (node: unknown, io: 'input' | 'output'): unknown => {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, io));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  let movedDefault: unknown;
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === '$ref' && typeof value === 'string') out[key] = value.replace('#/$defs/', '#/components/schemas/');
    else if (key === 'default' && io === 'input') movedDefault = value;
    else if (key === 'format' && value === 'e164') out.pattern = E164_PATTERN;
    else if (DATA_KEYS.has(key)) out[key] = value;
    else if (SCHEMA_MAPS.has(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value as Json).map(([name, schema]) => [name, rewrite(schema, io)]));
    } else out[key] = rewrite(value, io);
  }
  if (movedDefault !== undefined) {
    const said = `default ${JSON.stringify(movedDefault)}`;
    out.description = typeof out.description === 'string' ? `${out.description} (${said})` : said;
  }
  return out;
};

export interface SchemaWriter {
  /** The JSON Schema of a zod schema as a request (`input`: before defaults and transforms) or an answer (`output`). */
  toSchema(schema: z.ZodType, io: 'input' | 'output'): Json;
  /** Every named schema met so far (zod `.meta({ id })`), for `components.schemas`. */
  readonly schemas: Record<string, unknown>;
}

/**
 * zod 4's `toJSONSchema`, with named schemas collected for `components.schemas`. A named schema that
 * reads differently as a request and as an answer (defaults, transforms) is kept twice: the side met
 * second gets `<Name>Input` or `<Name>Output`.
 */
export const schemaWriter = (): SchemaWriter => {
  const schemas: Record<string, unknown> = {};
  const sideOf = new Map<string, 'input' | 'output'>();
  return {
    schemas,
    toSchema: (schema, io) => {
      const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as Json;
      const { $schema: _s, $defs, ...rest } = json as { $schema?: string; $defs?: Record<string, unknown> };
      const written = Object.entries($defs ?? {}).map(([name, def]) => [name, rewrite(def, io)] as const);
      const renames = new Map<string, string>();
      for (const [name, def] of written) {
        const seen = schemas[name];
        if (seen !== undefined && sideOf.get(name) !== io && JSON.stringify(seen) !== JSON.stringify(def)) {
          renames.set(name, `${name}${io === 'input' ? 'Input' : 'Output'}`);
        }
      }
      for (const [name, def] of written) {
        const target = renames.get(name) ?? name;
        schemas[target] = renames.size ? renameRefs(def, renames) : def;
        if (!sideOf.has(target)) sideOf.set(target, io);
      }
      const body = rewrite(rest, io) as Json;
      return renames.size ? (renameRefs(body, renames) as Json) : body;
    },
  };
};

const renameRefs = (node: unknown, renames: ReadonlyMap<string, string>): unknown => {
  if (Array.isArray(node)) return node.map((n) => renameRefs(n, renames));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Json).map(([k, v]) => {
      if (k === '$ref' && typeof v === 'string') {
        const name = v.split('/').at(-1)!;
        return [k, renames.has(name) ? `#/components/schemas/${renames.get(name)}` : v];
      }
      return [k, renameRefs(v, renames)];
    }),
  );
};
