import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import type { ErrorDetail } from '../../../domain/index.js';
import type { DataValidator, JsonSchemaCompiler } from '../../../ports/json-schema.js';

/** `/a/0/b~1c` → ['a', 0, 'b/c']. */
const pointerPath = (pointer: string): (string | number)[] =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .map((s) => (/^(0|[1-9]\d{0,8})$/.test(s) ? Number(s) : s));

const detail = (e: ErrorObject): ErrorDetail => {
  const path = pointerPath(e.instancePath);
  // A missing or extra property is named by the path, as in the API's other 422s.
  const params = e.params as { missingProperty?: string; additionalProperty?: string; unevaluatedProperty?: string };
  const named = params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty;
  return { path: named === undefined ? path : [...path, named], message: e.message ?? `fails ${e.keyword}` };
};

const OPTIONS = { strict: false, allowUnionTypes: true, validateFormats: false, addUsedSchema: false, logger: false } as const;

/**
 * JSON Schema draft 2020-12 with ajv (ADR 0020). Tenants' schemas reach it only after the domain's
 * bounds (no regular expressions, no recursion, local `$ref`s), so compiling and running them is
 * bounded. Not strict: keywords ajv does not know are annotations, as the specification says;
 * `format` is an annotation too (no format's regular expression runs on tenant data); union
 * types are allowed. Nothing is loaded from anywhere, and no compiled schema stays in the ajv
 * instance (the caller caches validators), so tenants' schemas never meet. Data is checked up to
 * its first problem: with all errors, a failing check could allocate one error per subschema per value.
 */
export class AjvJsonSchemaCompiler implements JsonSchemaCompiler {
  /** Checks schemas against the meta-schema, every problem reported (a schema is bounded, so its problems are). */
  private readonly ajv = new Ajv2020({ ...OPTIONS, allErrors: true });
  /** Compiles validators for data: stops at the first problem, so a failing check costs no more than a passing one. */
  private readonly data = new Ajv2020({ ...OPTIONS, allErrors: false });

  problems(schema: Readonly<Record<string, unknown>>): readonly ErrorDetail[] {
    if (!this.ajv.validateSchema(schema)) return (this.ajv.errors ?? []).slice(0, 20).map(detail);
    try {
      this.ajv.compile(schema);
      return [];
    } catch (error) {
      // E.g. a `$ref` to a definition that is not there.
      return [{ path: [], message: error instanceof Error ? error.message.slice(0, 300) : 'does not compile' }];
    } finally {
      this.ajv.removeSchema(schema);
    }
  }

  compile(schema: Readonly<Record<string, unknown>>): DataValidator {
    const validate = (() => {
      try {
        return this.data.compile(schema);
      } finally {
        this.data.removeSchema(schema);
      }
    })();
    return (data) => (validate(data) ? [] : (validate.errors ?? []).map(detail));
  }
}
