import { describe, expect, it } from 'vitest';
import { createUpcaster, upcast } from '../../src/domain/index.js';

describe('upcasting', () => {
  it('lifts an old event version through each step to the current schema', () => {
    // Suppose a version 0 of WebhookRenamed had carried `{ name }`, and version 1 renamed the field.
    const upcaster = createUpcaster({
      WebhookRenamed: { 0: (d) => { const { name, ...rest } = d as { name: string }; return { ...rest, webhook_name: name }; } },
    });
    const result = upcaster({ type: 'WebhookRenamed', version: 0, data: { name: 'Ops', at: '2026-11-22T10:00:00.000Z' } });
    expect(result).toEqual({
      _tag: 'Right',
      right: { type: 'WebhookRenamed', version: 1, data: { webhook_name: 'Ops', at: '2026-11-22T10:00:00.000Z' } },
    });
  });

  it('reports, rather than guesses, an event it cannot read', () => {
    expect(upcast({ type: 'WebhookExploded', version: 1, data: {} })._tag).toBe('Left');
    expect(upcast({ type: 'WebhookRenamed', version: 0, data: {} })).toEqual({ _tag: 'Left', left: 'WebhookRenamed v0 has no upcaster to v1' });
    expect(upcast({ type: 'WebhookRenamed', version: 1, data: { webhook_name: '' } })._tag).toBe('Left');
  });
});
