import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { schemaWriter } from '../../src/adapters/http/koa/openapi/json-schema.js';

describe('zod → OpenAPI schemas (openapi/json-schema.ts)', () => {
  const Settings = z.strictObject({ name: z.string(), timeout: z.number().int().default(10), phone: z.e164().optional() }).meta({ id: 'Settings' });

  it('moves a request field’s default into its description, so generators keep it optional; answers keep it', () => {
    const writer = schemaWriter();
    expect(writer.toSchema(Settings, 'input')).toEqual({ $ref: '#/components/schemas/Settings' });
    const input = writer.schemas.Settings as { required: string[]; properties: Record<string, Record<string, unknown>> };
    expect(input.required).toEqual(['name']);
    expect(input.properties.timeout).toEqual({ type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991, description: 'default 10' });
    expect(input.properties.phone).toEqual({ type: 'string', pattern: '^\\+[1-9]\\d{6,14}$' });
  });

  it('keeps a named schema twice when request and answer differ: the side met second gets a suffix, refs follow', () => {
    const writer = schemaWriter();
    writer.toSchema(Settings, 'input');
    expect(writer.toSchema(z.object({ settings: Settings }), 'output')).toMatchObject({
      properties: { settings: { $ref: '#/components/schemas/SettingsOutput' } },
    });
    expect((writer.schemas.SettingsOutput as { required: string[] }).required).toEqual(['name', 'timeout']);
    expect((writer.schemas.Settings as { required: string[] }).required).toEqual(['name']);
    // The same side again reuses its name.
    expect(writer.toSchema(Settings, 'input')).toEqual({ $ref: '#/components/schemas/Settings' });
  });

  it('leaves a property that happens to be called `default` alone', () => {
    const writer = schemaWriter();
    expect(writer.toSchema(z.object({ default: z.string() }), 'input')).toMatchObject({ properties: { default: { type: 'string' } }, required: ['default'] });
  });
});
