import { describe, expect, it } from 'vitest';
import { WebhookEvent, createUpcaster, readStoredEvent, upcast, webhookEvent, webhookUpcasters } from '../../src/domain/index.js';

describe('upcasting', () => {
  it('lifts an old event version through each step to the current schema', () => {
    // Suppose a version 0 of WebhookRenamed had carried `{ name }`, and version 1 renamed the field.
    const upcaster = createUpcaster({
      WebhookRenamed: {
        0: (d) => {
          const { name, ...rest } = d as { name: string };
          return { ...rest, webhook_name: name };
        },
      },
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

  it('has a step from every older version of every event type to the next, up to the version its schema carries', () => {
    const missing = WebhookEvent.options.flatMap((schema) => {
      const type = schema.shape.type.value;
      return Array.from({ length: schema.shape.version.value - 1 }, (_, i) => i + 1)
        .filter((v) => !webhookUpcasters[type]?.[v])
        .map((v) => `${type} v${v}`);
    });
    expect(missing).toEqual([]);
  });

  it('writes every event at the version its schema carries (webhookEvent)', () => {
    const at = '2026-11-22T10:00:00.000Z';
    expect(webhookEvent('WebhookResumed', { at })).toEqual({ type: 'WebhookResumed', version: 1, data: { at } });
    expect(webhookEvent('WebhookChannelsChanged', { channels: [], at })).toEqual({ type: 'WebhookChannelsChanged', version: 2, data: { channels: [], at } });
  });

  describe('reading events back from our own store (validated when written)', () => {
    const at = '2026-11-22T10:00:00.000Z';
    it("does not apply the write-time rules again: a name longer than today's limit still reads", () => {
      const long = 'x'.repeat(5000);
      expect(readStoredEvent({ type: 'WebhookRenamed', version: 1, data: { webhook_name: long, at } })).toEqual({
        _tag: 'Right',
        right: { type: 'WebhookRenamed', version: 1, data: { webhook_name: long, at } },
      });
      expect(upcast({ type: 'WebhookRenamed', version: 1, data: { webhook_name: long, at } })._tag).toBe('Left');
    });

    it('still reports what evolve could not read: wrong JS types, missing fields, non-objects, unknown or newer events', () => {
      const problem = (recorded: { type: string; version: number; data: unknown }) => {
        const result = readStoredEvent(recorded);
        return result._tag === 'Left' ? result.left : 'read';
      };
      expect(problem({ type: 'WebhookRenamed', version: 1, data: { webhook_name: 42, at } })).toMatch(/webhook_name: expected string/);
      expect(problem({ type: 'WebhookRenamed', version: 1, data: { at } })).toMatch(/webhook_name/);
      expect(problem({ type: 'WebhookPaused', version: 1, data: { reason: 'r', automatic: 'yes', at } })).toMatch(/automatic: expected boolean/);
      expect(problem({ type: 'WebhookEventTypesChanged', version: 1, data: { event_types: 'a.b', at } })).toMatch(/event_types/);
      expect(problem({ type: 'WebhookRenamed', version: 1, data: [] })).toMatch(/not an object/);
      expect(problem({ type: 'WebhookRenamed', version: 1, data: null })).toMatch(/not an object/);
      expect(problem({ type: 'WebhookExploded', version: 1, data: {} })).toMatch(/not a webhook event type/);
      expect(problem({ type: 'WebhookRenamed', version: 99, data: { webhook_name: 'a', at } })).toMatch(/newer than this code/);
    });
  });
});
