import { describe, expect, it } from 'vitest';
import {
  type CatalogCommand,
  type CatalogEvent,
  catalogDecider,
  catalogView,
  dottedCatalog,
  eventTypeNameProblem,
  eventTypeSchemaCost,
  eventTypeSchemaProblems,
  upperSnakeCatalog,
} from '../../src/domain/index.js';
import { checkPattern as checkPatternForTest } from '../../src/domain/catalog/matches.js';
import { DeciderSpecification } from '../support/decider-spec.js';
import { untrusted } from '../support/webhook-commands.js';

const { given } = DeciderSpecification.for(catalogDecider);
const T0 = '2026-11-25T10:00:00.000Z';
const T1 = '2026-11-25T11:00:00.000Z';
const meta = (now = T1, preset = 'dotted') => ({ now, preset });
const cmd = (c: Omit<CatalogCommand, 'metadata'>, now = T1, preset = 'dotted') => ({ ...c, metadata: meta(now, preset) }) as CatalogCommand;

const seeded = (preset = dottedCatalog, at = T0): CatalogEvent => ({
  type: 'CatalogSeeded',
  version: 1,
  data: {
    preset: preset.id,
    separator: preset.separator as '.' | '_',
    event_types: preset.eventTypes.map((t) => ({
      name: t.name,
      description: t.description,
      category: t.category,
      cache_scope: t.cacheScope ?? null,
      schema: null,
    })),
    at,
  },
});
const invoicePaid = {
  name: 'invoice.paid',
  description: 'An invoice was paid.',
  category: 'Billing',
  cache_scope: null,
  schema: { type: 'object', required: ['amount'] },
};
const added = (at = T1): CatalogEvent => ({ type: 'EventTypeAdded', version: 1, data: { event_type: invoicePaid, at } });

describe('the event-type catalog decider (ADR 0020)', () => {
  it('records the preset as the first event when the organization is created, once', () => {
    given()
      .when(cmd({ type: 'SeedCatalog', data: {} }, T0))
      .then(seeded());
    given(seeded())
      .when(cmd({ type: 'SeedCatalog', data: {} }))
      .thenNothingHappens();
    given()
      .when(cmd({ type: 'SeedCatalog', data: {} }, T0, 'upper-snake'))
      .then(seeded(upperSnakeCatalog));
  });

  it('seeds an older organization’s catalog (no events yet) by its first change, before the change', () => {
    given()
      .when(cmd({ type: 'AddEventType', data: invoicePaid }))
      .then(seeded(dottedCatalog, T1), added());
  });

  it('adds a type of the organization’s own, with defaults for what is left out', () => {
    given(seeded())
      .when(cmd({ type: 'AddEventType', data: { name: 'invoice.voided' } }))
      .then({
        type: 'EventTypeAdded',
        version: 1,
        data: { event_type: { name: 'invoice.voided', description: '', category: '', cache_scope: null, schema: null }, at: T1 },
      });
  });

  it('refuses a name outside the catalog’s naming rule, at name', () => {
    for (const name of ['Invoice.Paid', 'invoice', 'invoice..paid', 'invoice.paid.', 'INVOICE_PAID', 'webhook.test', 'a.b c']) {
      given(seeded())
        .when(cmd({ type: 'AddEventType', data: { name } }))
        .thenFails({ type: 'ValidationFailed', details: [{ path: ['name'] }] });
    }
    given(seeded(upperSnakeCatalog))
      .when(cmd({ type: 'AddEventType', data: { name: 'invoice.paid' } }))
      .thenFails({ details: [{ path: ['name'], message: expect.stringContaining("upper-case words joined by '_'") }] });
    given(seeded(upperSnakeCatalog))
      .when(cmd({ type: 'AddEventType', data: { name: 'INVOICE_PAID' } }))
      .then({
        type: 'EventTypeAdded',
        version: 1,
        data: { event_type: { name: 'INVOICE_PAID', description: '', category: '', cache_scope: null, schema: null }, at: T1 },
      });
  });

  it('refuses a duplicate, a preset type or an archived one included', () => {
    given(seeded(), added())
      .when(cmd({ type: 'AddEventType', data: invoicePaid }))
      .thenFails({ details: [{ path: ['name'], message: expect.stringContaining('exists already') }] });
    given(seeded())
      .when(cmd({ type: 'AddEventType', data: { name: 'object.created' } }))
      .thenFails({ details: [{ path: ['name'] }] });
    const archived: CatalogEvent = { type: 'EventTypeArchived', version: 1, data: { name: 'invoice.paid', at: T1 } };
    given(seeded(), added(), archived)
      .when(cmd({ type: 'AddEventType', data: invoicePaid }))
      .thenFails({ type: 'ValidationFailed' });
  });

  it('refuses a schema beyond its bounds: regular expressions, recursion, remote references, $id, size, depth', () => {
    const bad: [unknown, (string | number)[]][] = [
      [{ type: 'string', pattern: '(a+)+$' }, ['schema', 'pattern']],
      [{ properties: { a: { patternProperties: { x: {} } } } }, ['schema', 'properties', 'a', 'patternProperties']],
      [{ $ref: 'https://example.com/s.json' }, ['schema', '$ref']],
      [{ $defs: { a: { items: { $ref: '#/$defs/a' } } }, $ref: '#/$defs/a' }, ['schema', '$defs', 'a', 'items', '$ref']],
      [{ $id: 'https://evil.example/x' }, ['schema', '$id']],
      [{ type: 'array', uniqueItems: true }, ['schema', 'uniqueItems']],
      [{ $schema: 'http://json-schema.org/draft-04/schema#' }, ['schema', '$schema']],
      [{ description: 'x'.repeat(17_000) }, ['schema']],
      [JSON.parse(`${'{"items":'.repeat(20)}{}${'}'.repeat(20)}`), ['schema', ...Array(16).fill('items')]],
    ];
    for (const [schema, path] of bad) {
      given(seeded())
        .when(cmd(untrusted<Omit<CatalogCommand, 'metadata'>>({ type: 'AddEventType', data: { name: 'invoice.paid', schema } })))
        .thenFails({ type: 'ValidationFailed', details: [{ path }] });
    }
    // Each $ref counts what it names again: 10 refs to a 30-node definition are 300 subschemas.
    const wide = {
      $defs: { d: { anyOf: Array.from({ length: 29 }, () => ({ type: 'string' })) } },
      allOf: Array.from({ length: 10 }, () => ({ $ref: '#/$defs/d' })),
    };
    expect(eventTypeSchemaCost(wide)).toBe(1 + 10 * (1 + 30));
    expect(eventTypeSchemaProblems(wide)).toEqual([{ path: ['schema'], message: expect.stringContaining('at most 256') }]);
    // A property that happens to be called `pattern` is a name, not the keyword.
    expect(eventTypeSchemaProblems({ type: 'object', properties: { pattern: { type: 'string' }, $id: { type: 'string' } } })).toEqual([]);
    expect(eventTypeSchemaProblems({ type: 'array', uniqueItems: true, maxItems: 10, items: { $ref: '#/$defs/n' }, $defs: { n: { type: 'number' } } })).toEqual(
      [],
    );
  });

  it('replaces a type (PUT): one event per kind of change, nothing when nothing changes', () => {
    const put = (data: object) => cmd(untrusted<Omit<CatalogCommand, 'metadata'>>({ type: 'ReplaceEventType', data: { ...invoicePaid, ...data } }));
    given(seeded(), added()).when(put({})).thenNothingHappens();
    given(seeded(), added())
      .when(put({ description: 'Paid.', archived: true }))
      .then(
        { type: 'EventTypeChanged', version: 1, data: { event_type: { ...invoicePaid, description: 'Paid.' }, at: T1 } },
        { type: 'EventTypeArchived', version: 1, data: { name: 'invoice.paid', at: T1 } },
      );
    const archived: CatalogEvent = { type: 'EventTypeArchived', version: 1, data: { name: 'invoice.paid', at: T1 } };
    given(seeded(), added(), archived)
      .when(put({}))
      .then({ type: 'EventTypeRestored', version: 1, data: { name: 'invoice.paid', at: T1 } });
    given(seeded())
      .when(put({ name: 'invoice.unknown' }))
      .thenFails({ type: 'EventTypeNotFound' });
  });

  it('archives a type (DELETE) once; an unknown one is not found', () => {
    given(seeded(), added())
      .when(cmd({ type: 'ArchiveEventType', data: { name: 'invoice.paid' } }))
      .then({ type: 'EventTypeArchived', version: 1, data: { name: 'invoice.paid', at: T1 } });
    given(seeded(), added(), { type: 'EventTypeArchived', version: 1, data: { name: 'invoice.paid', at: T1 } })
      .when(cmd({ type: 'ArchiveEventType', data: { name: 'invoice.paid' } }))
      .thenNothingHappens();
    given(seeded())
      .when(cmd({ type: 'ArchiveEventType', data: { name: 'nope.nope' } }))
      .thenFails({ type: 'EventTypeNotFound' });
  });

  it('turns untrusted input into a ValidationFailed, never a throw', () => {
    given(seeded())
      .when(untrusted<CatalogCommand>({ type: 'AddEventType', data: { name: 'a.b', extra: 1 }, metadata: meta() }))
      .thenFails({ type: 'ValidationFailed' });
    given(seeded())
      .when(untrusted<CatalogCommand>({ type: 'AddEventType', data: { name: 'a.b' }, metadata: { now: 'yesterday', preset: 'dotted' } }))
      .thenFails({ type: 'ValidationFailed' });
    given()
      .when(cmd({ type: 'AddEventType', data: { name: 'a.b' } }, T1, 'no-such-preset'))
      .thenFails({ type: 'ValidationFailed' });
  });

  it('is viewed as the catalog webhooks subscribe from: archived types match no new subscription', () => {
    const state = [seeded(), added(), { type: 'EventTypeArchived', version: 1, data: { name: 'cluster.created', at: T1 } } as CatalogEvent].reduce(
      catalogDecider.evolve,
      catalogDecider.initialState(),
    );
    const catalog = catalogView(state, 'dotted', 3);
    expect(catalog.revision).toBe(3);
    expect(catalog.eventTypes.find((t) => t.name === 'invoice.paid')?.schema).toEqual(invoicePaid.schema);
    expect(checkPatternForTest(catalog, 'cluster.created')).toEqual({ kind: 'archived', pattern: 'cluster.created' });
    expect(checkPatternForTest(catalog, 'cluster.*')).toBeUndefined();
    expect(checkPatternForTest(catalog, 'invoice.*')).toBeUndefined();
    expect(catalogView(catalogDecider.initialState(), 'upper-snake', 0).eventTypes).toHaveLength(28);
    expect(eventTypeNameProblem('.', 'collection.documents.written')).toBeUndefined();
  });
});
