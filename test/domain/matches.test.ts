import { describe, expect, it } from 'vitest';
import { catalogs, dottedCatalog, matches, upperSnakeCatalog } from '../../src/domain/index.js';

describe('matches', () => {
  it.each([
    [['*'], 'object.created', true],
    [['object.*'], 'object.created', true],
    [['object.*'], 'objects.created', false],
    [['cluster.*'], 'cluster.execution.completed', true],
    [['cluster.execution.*'], 'cluster.created', false],
    [['object.created'], 'object.created', true],
    [['object.created'], 'object.created.extra', false],
    [['object.updated', 'object.deleted'], 'object.deleted', true],
    [['FACT_SHEET_*'], 'FACT_SHEET_TAG_ADDED', true],
    [['FACT_SHEET_*'], 'RELATION_CREATED', false],
    [[], 'object.created', false],
  ])('%j selects %s: %s', (subscription, eventType, expected) => {
    expect(matches(subscription, eventType)).toBe(expected);
  });
});

describe('catalogs', () => {
  it('hold every event type of the seeds, once, in their naming convention', () => {
    expect(dottedCatalog.eventTypes).toHaveLength(22);
    expect(upperSnakeCatalog.eventTypes).toHaveLength(28);
    for (const catalog of catalogs) {
      const names = catalog.eventTypes.map((t) => t.name);
      expect(new Set(names).size).toBe(names.length);
    }
    for (const t of dottedCatalog.eventTypes) {
      expect(t.name).toMatch(/^[a-z]+\.[a-z]+(\.[a-z]+(\.[a-z]+)?)?$/);
      expect(['KEY', 'COLLECTION', 'NAMESPACE']).toContain(t.cacheScope);
    }
    for (const t of upperSnakeCatalog.eventTypes) expect(t.name).toMatch(/^[A-Z]+(_[A-Z]+)+$/);
  });

  it('annotate object events with KEY scope and collection events with COLLECTION scope', () => {
    const scope = (name: string) => dottedCatalog.eventTypes.find((t) => t.name === name)?.cacheScope;
    expect(scope('object.created')).toBe('KEY');
    expect(scope('collection.documents.written')).toBe('COLLECTION');
    expect(scope('cluster.execution.failed')).toBe('NAMESPACE');
  });
});
