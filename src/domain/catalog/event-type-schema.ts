import type { ErrorDetail } from '../shared/errors.js';

/**
 * Bounds on a tenant's JSON Schema for an event type's `data` (ADR 0020). The schema is compiled
 * into code and run on every publish of that type, so what could cost unbounded CPU is refused
 * when written: regular expressions (ReDoS), `uniqueItems` over unbounded arrays (quadratic),
 * recursion and references between definitions (exponential re-validation), and `$id` (it would
 * register the schema under a URI of the tenant's choosing). `$ref` may only name `#/$defs/<name>`.
 */
export const EVENT_TYPE_SCHEMA_LIMITS = {
  /** UTF-8 bytes of the schema as canonical JSON. */
  bytes: 16 * 1024,
  /** Schemas nested in schemas (`properties.a.items` is 3 deep). */
  depth: 16,
  /** Items an array may have when it must have unique items. */
  uniqueItemsMaxItems: 100,
  /** Subschemas, each `$ref` counting the definition it names again: what may apply to one value. */
  nodes: 256,
  /** Subschemas × values of `data` one publish may check: about 0.2 s at ajv's slowest (ADR 0020). */
  checkBudget: 250_000,
} as const;

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';
type Path = (string | number)[];
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Keywords whose value is one schema, a map of schemas, or a list of schemas. */
const ONE = new Set([
  'items',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'additionalItems',
]);
const MAP = new Set(['properties', '$defs', 'definitions', 'dependentSchemas']);
const LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const REFUSED: Record<string, string> = {
  $id: 'is not accepted: a schema is addressed by its event type',
  $dynamicRef: 'is not accepted (recursion)',
  $dynamicAnchor: 'is not accepted (recursion)',
  $recursiveRef: 'is not accepted (recursion)',
  $recursiveAnchor: 'is not accepted (recursion)',
  pattern: 'is not accepted: regular expressions from a tenant could stall the server (ReDoS)',
  patternProperties: 'is not accepted: regular expressions from a tenant could stall the server (ReDoS)',
};

/** UTF-8 length without TextEncoder (the domain uses no runtime API). */
export const utf8Length = (text: string): number => {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
};

/**
 * Problems with a schema a tenant wrote, addressed from the request body (`schema.properties.a…`).
 * Checks only the bounds above; whether it is valid JSON Schema is the schema compiler's question.
 */
export const eventTypeSchemaProblems = (schema: unknown, limits = EVENT_TYPE_SCHEMA_LIMITS): ErrorDetail[] => {
  if (!isObject(schema)) return [{ path: ['schema'], message: 'must be a JSON Schema object' }];
  const size = utf8Length(JSON.stringify(schema));
  if (size > limits.bytes) return [{ path: ['schema'], message: `takes ${size} bytes; at most ${limits.bytes}` }];
  const problems: ErrorDetail[] = [];
  if (schema.$schema !== undefined && schema.$schema !== DIALECT) problems.push({ path: ['schema', '$schema'], message: `only ${DIALECT} is supported` });
  const walk = (node: unknown, path: Path, depth: number, inDefs: boolean) => {
    if (typeof node === 'boolean') return;
    if (!isObject(node)) return void problems.push({ path, message: 'must be a schema (an object or a boolean)' });
    if (depth > limits.depth) return void problems.push({ path, message: `schemas nest more than ${limits.depth} levels deep` });
    for (const [key, value] of Object.entries(node)) {
      const at = [...path, key];
      const refused = REFUSED[key];
      if (refused) problems.push({ path: at, message: refused });
      else if (key === '$ref') {
        if (inDefs) problems.push({ path: at, message: 'a definition may not refer to another (no recursion)' });
        else if (typeof value !== 'string' || !/^#\/\$defs\/[^/~]{1,100}$/.test(value))
          problems.push({ path: at, message: "must name a local definition, '#/$defs/<name>'" });
      } else if (key === 'uniqueItems' && value === true && !(typeof node.maxItems === 'number' && node.maxItems <= limits.uniqueItemsMaxItems)) {
        problems.push({ path: at, message: `needs maxItems of at most ${limits.uniqueItemsMaxItems} beside it` });
      } else if (ONE.has(key)) walk(value, at, depth + 1, inDefs);
      else if (LIST.has(key) && Array.isArray(value)) value.forEach((s, i) => walk(s, [...at, i], depth + 1, inDefs));
      else if (MAP.has(key) && isObject(value)) {
        const defs = inDefs || key === '$defs' || key === 'definitions';
        for (const [name, s] of Object.entries(value)) walk(s, [...at, name], depth + 1, defs);
      }
    }
  };
  walk(schema, ['schema'], 1, false);
  if (problems.length === 0) {
    const nodes = eventTypeSchemaCost(schema);
    if (nodes > limits.nodes)
      problems.push({ path: ['schema'], message: `has ${nodes} subschemas (each $ref counting what it names); at most ${limits.nodes}` });
  }
  return problems.slice(0, 20);
};

const children = (node: Json): unknown[] =>
  Object.entries(node).flatMap(([key, value]) =>
    ONE.has(key)
      ? [value]
      : LIST.has(key) && Array.isArray(value)
        ? value
        : MAP.has(key) && isObject(value) && key !== '$defs' && key !== 'definitions'
          ? Object.values(value)
          : [],
  );

/**
 * How many subschemas may apply to one value of `data`: the schema's nodes, definitions counted
 * once per `$ref` to them. Only for schemas the bounds accepted (definitions hold no `$ref`).
 */
export const eventTypeSchemaCost = (schema: unknown): number => {
  if (!isObject(schema)) return 1;
  const defs = { ...(isObject(schema.definitions) ? schema.definitions : {}), ...(isObject(schema.$defs) ? schema.$defs : {}) };
  const count = (node: unknown): number => {
    if (!isObject(node)) return 1;
    const ref = typeof node.$ref === 'string' ? defs[node.$ref.replace(/^#\/\$defs\//, '')] : undefined;
    return 1 + (ref === undefined ? 0 : count(ref)) + children(node).reduce<number>((n, c) => n + count(c), 0);
  };
  return count(schema);
};

/** Values (objects, arrays, scalars) in `data`, counted up to just past `max`. */
export const countValues = (data: unknown, max: number): number => {
  let n = 0;
  const stack: unknown[] = [data];
  while (stack.length > 0 && n <= max) {
    const value = stack.pop();
    n++;
    // One push at a time: spreading a long array into push() would overflow the call stack.
    if (Array.isArray(value)) for (const v of value) stack.push(v);
    else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) stack.push(v);
  }
  return n;
};
