import type { ErrorDetail } from '../domain/index.js';

/** A compiled schema: the problems of one value, paths relative to it (empty when it is valid). */
export type DataValidator = (data: unknown) => readonly ErrorDetail[];

/**
 * JSON Schema (draft 2020-12) for event types' `data` (ADR 0020). The domain bounds a tenant's
 * schema first (size, nesting, no regular expressions, local `$ref`s only); this checks the rest.
 */
export interface JsonSchemaCompiler {
  /** Why `schema` is not a valid JSON Schema, paths relative to it; empty when it is. */
  problems(schema: Readonly<Record<string, unknown>>): readonly ErrorDetail[];
  /** Compiles a schema `problems` accepted; throws on one it did not. */
  compile(schema: Readonly<Record<string, unknown>>): DataValidator;
}
