import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EscapeMode, type TemplateErrorKind, parseTemplate, renderParsed, templateView } from '../../src/domain/index.js';
import { watchPrototypes } from '../support/prototypes.js';

// Names a hostile template would try, beside ordinary ones.
const NAMES = [
  '.',
  'data',
  'data.a',
  'data.a.0',
  'data.a.length',
  'data.a.push',
  'data.a.__proto__',
  'data.a.__proto__.__proto__',
  '__proto__',
  'constructor',
  'constructor.constructor',
  'event_type.constructor.__proto__.constructor',
  'data.constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'length',
  'push',
  'event_type',
  'event_type.length',
  'data_json',
  'a',
  'b',
  'data.b',
  'data.a.b',
];
const nameArb = fc.constantFrom(...NAMES);
const fragmentArb = fc.oneof(
  fc.constantFrom(
    'x',
    ' ',
    '\n',
    '  \n',
    '<!here>',
    '"',
    '{',
    '}',
    '{{',
    '}}',
    '{{{',
    '}}}',
    '&',
    '<',
    '>',
    '{{! c }}',
    '{{> p}}',
    '{{=<% %>=}}',
    '{{ }}',
    '{{#each a}}',
    '{{$b}}',
  ),
  nameArb.map((n) => `{{${n}}}`),
  nameArb.map((n) => `{{{${n}}}}`),
  nameArb.map((n) => `{{& ${n}}}`),
  nameArb.map((n) => `{{#${n}}}`),
  nameArb.map((n) => `{{^${n}}}`),
  nameArb.map((n) => `{{/${n}}}`),
  fc.string({ maxLength: 6 }),
);
/** Anything: fragments in any order, so sections are often unbalanced and tags often broken. */
const soupArb = fc.array(fragmentArb, { maxLength: 40 }).map((parts) => parts.join(''));

/** Well-formed templates: every section closed, nested a few levels. */
const balancedArb = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('x', ' ', '\n', '<!here>', '"'),
    nameArb.map((n) => `{{${n}}}`),
    nameArb.map((n) => `{{{${n}}}}`),
    fc
      .tuple(fc.constantFrom('#', '^'), nameArb, fc.array(tie('node'), { maxLength: 4 }))
      .map(([sigil, n, children]) => `{{${sigil}${n}}}${(children as string[]).join('')}{{/${n}}}`),
  ),
})).node as fc.Arbitrary<string>;

const HOSTILE_KEYS = ['a', 'b', 'constructor', '__proto__', 'length', 'push', 'toString', '0'];
const dataArb = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fc.constantFrom(...HOSTILE_KEYS), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
  fc.record({ a: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 30 }) }),
);
const escapeArb = fc.constantFrom<EscapeMode>('text', 'json', 'slack', 'slack-json', 'html');
const KINDS: readonly TemplateErrorKind[] = ['syntax', 'too-deep', 'too-large', 'too-much-work', 'unreadable-data', 'not-json'];

const viewOf = (data: unknown) => {
  const view = templateView({
    eventType: 'object.created',
    messageId: 'msg_1',
    timestamp: '2026-11-22T10:00:00.000Z',
    webhookId: 'wh_abc123def4',
    webhookName: 'n',
    data,
  });
  if (view._tag === 'Left') throw new Error(view.left.message);
  return view.right;
};

/** Parse and render; throws only if the renderer itself threw (which the property forbids). */
const attempt = (template: string, data: unknown, escape: EscapeMode, maxOutput: number) => {
  const parsed = parseTemplate(template);
  return parsed._tag === 'Left' ? parsed : renderParsed(parsed.right, viewOf(data), { escape, maxOutput, maxSteps: 20_000 });
};

describe('template properties', () => {
  it('the prototype watcher sees a change (so the properties below can fail)', () => {
    const watch = watchPrototypes();
    (Object.prototype as Record<string, unknown>).sneaky = 1;
    try {
      expect(watch.changes()).toEqual(['Object.prototype.sneaky added']);
    } finally {
      delete (Object.prototype as Record<string, unknown>).sneaky;
    }
    expect(watch.changes()).toEqual([]);
  });

  it('any template over any JSON data gives a string within the limit or a typed error, and leaves the built-in prototypes exactly as they were', () => {
    const watch = watchPrototypes();
    fc.assert(
      fc.property(fc.oneof(soupArb, balancedArb), dataArb, escapeArb, fc.integer({ min: 0, max: 2_000 }), (template, data, escape, maxOutput) => {
        const result = attempt(template, data, escape, maxOutput);
        if (result._tag === 'Right') {
          expect(typeof result.right).toBe('string');
          expect(result.right.length).toBeLessThanOrEqual(maxOutput);
        } else {
          expect(KINDS).toContain(result.left.kind);
          expect(result.left.message.length).toBeGreaterThan(0);
        }
        expect(watch.changes()).toEqual([]);
      }),
      { numRuns: 1_500 },
    );
  });

  it('every well-formed template parses, and renders unless a bound is passed', () => {
    fc.assert(
      fc.property(balancedArb, dataArb, escapeArb, (template, data, escape) => {
        const result = attempt(template, data, escape, 5_000);
        if (result._tag === 'Left') expect(['too-large', 'too-much-work']).toContain(result.left.kind);
      }),
      { numRuns: 500 },
    );
  });

  it('rendering is the same every time (no state carried between renders)', () => {
    fc.assert(
      fc.property(balancedArb, dataArb, escapeArb, (template, data, escape) => {
        expect(attempt(template, data, escape, 5_000)).toEqual(attempt(template, data, escape, 5_000));
      }),
      { numRuns: 200 },
    );
  });

  it('json: escaped values inside a JSON string always give valid JSON holding the value’s text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const result = attempt('{"v": "{{data.s}}", "all": {{{data_json}}}}', { s }, 'json', 1_000_000);
        expect(result._tag).toBe('Right');
        if (result._tag === 'Right') expect(JSON.parse(result.right)).toEqual({ v: s, all: { s } });
      }),
    );
  });

  it('html: data can never add markup, an entity or an attribute quote of its own', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const result = attempt('<p title="{{data.s}}">{{data.s}}</p>', { s: `${s}<img src=x onerror="a('b')">&amp;` }, 'html', 1_000_000);
        expect(result._tag).toBe('Right');
        if (result._tag === 'Right') {
          const inner = /^<p title="(.*)">(.*)<\/p>$/s.exec(result.right);
          expect(inner).not.toBeNull();
          for (const value of [inner![1]!, inner![2]!]) expect(value).not.toMatch(/[<>"']|&(?!amp;|lt;|gt;|quot;|#39;)/);
        }
      }),
    );
  });

  it('slack: data can never add a <…> of its own; only the owner’s markup is there', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom<EscapeMode>('slack', 'slack-json'), (s, escape) => {
        const result = attempt('<!here> {{data.s}} {{data}}', { s: `${s}<!channel>` }, escape, 1_000_000);
        expect(result._tag).toBe('Right');
        if (result._tag === 'Right') {
          expect(result.right.startsWith('<!here> ')).toBe(true);
          expect(result.right.slice('<!here> '.length)).not.toMatch(/[<>]/);
        }
      }),
    );
  });
});
