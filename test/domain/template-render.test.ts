import { describe, expect, it } from 'vitest';
import { type EscapeMode, type TemplateError, TEMPLATE_LIMITS, parseTemplate, renderParsed, templateView } from '../../src/domain/index.js';
import { watchPrototypes } from '../support/prototypes.js';

const message = (data: unknown) => ({
  eventType: 'cluster.execution.completed',
  messageId: 'msg_2Kq',
  timestamp: '2026-11-22T10:00:00.000Z',
  webhookId: 'wh_abc123def4',
  webhookName: 'Cluster alerts',
  data,
});

/** The rendered text, or the template error, for a template over a message's view. */
const render = (template: string, data: unknown = {}, escape: EscapeMode = 'text', maxOutput = 1024 * 1024): string | TemplateError => {
  const parsed = parseTemplate(template);
  if (parsed._tag === 'Left') return parsed.left;
  const view = templateView(message(data));
  if (view._tag === 'Left') return view.left;
  const out = renderParsed(parsed.right, view.right, { escape, maxOutput });
  return out._tag === 'Left' ? out.left : out.right;
};

describe('what a template renders', () => {
  it('renders the message fields, nested data, indexes and missing names as empty', () => {
    expect(render('{{event_type}} {{webhook_name}} {{webhook_id}} {{message_id}} {{timestamp}}')).toBe(
      'cluster.execution.completed Cluster alerts wh_abc123def4 msg_2Kq 2026-11-22T10:00:00.000Z',
    );
    expect(
      render('{{data.cluster}} {{data.rows}} {{data.ok}} [{{data.none}}] [{{data.missing}}] {{data.tags.1}} [{{data.tags.7}}]', {
        cluster: 'c-7',
        rows: 12,
        ok: false,
        none: null,
        tags: ['a', 'b'],
      }),
    ).toBe('c-7 12 false [] [] b []');
  });

  it('writes lists and objects as JSON, raw or escaped for the format', () => {
    const data = { t: [1, 'x', null, { y: true }] };
    expect(render('{{data.t}}', data)).toBe('[1,"x",null,{"y":true}]');
    expect(render('"{{data.t}}"', data, 'json')).toBe(String.raw`"[1,\"x\",null,{\"y\":true}]"`);
    expect(render('{{{data.t}}} {{& data.t}}', data, 'json')).toBe('[1,"x",null,{"y":true}] [1,"x",null,{"y":true}]');
    expect(render('{{data_json}}', { a: 'é"' })).toBe('{"a":"é\\""}');
  });

  it('json escapes values as the inside of a JSON string, so a JSON template stays JSON', () => {
    const out = render('{"note": "{{data.note}}", "all": {{{data_json}}}}', { note: 'said "hi"\n\\ </script>' }, 'json');
    expect(JSON.parse(out as string)).toEqual({ note: 'said "hi"\n\\ </script>', all: { note: 'said "hi"\n\\ </script>' } });
  });

  it('iterates lists, enters objects, shows truthy values once and skips falsy ones', () => {
    expect(render('{{#data.tags}}<{{.}}>{{/data.tags}}', { tags: ['a', 'b'] })).toBe('<a><b>');
    expect(
      render('{{#data.items}}{{name}}={{qty}} {{/data.items}}', {
        items: [
          { name: 'x', qty: 1 },
          { name: 'y', qty: 2 },
        ],
      }),
    ).toBe('x=1 y=2 ');
    expect(render('{{#data.owner}}{{name}} of {{event_type}}{{/data.owner}}', { owner: { name: 'ann' } })).toBe('ann of cluster.execution.completed');
    expect(render('{{#data.flag}}on{{/data.flag}}{{#data.note}}[{{.}}]{{/data.note}}', { flag: true, note: 'n' })).toBe('on[n]');
    for (const falsy of [false, 0, '', null, []]) {
      expect(render('{{#data.v}}shown{{/data.v}}{{^data.v}}hidden{{/data.v}}', { v: falsy })).toBe('hidden');
    }
    expect(render('{{#data.v}}shown{{/data.v}}{{^data.v}}hidden{{/data.v}}', {})).toBe('hidden');
    expect(render('{{#data.v}}shown{{/data.v}}{{^data.v}}hidden{{/data.v}}', { v: {} })).toBe('shown');
  });

  it('resolves a name in the innermost section first, then outwards', () => {
    expect(
      render('{{#data.items}}{{name}}@{{data.site}}/{{webhook_name}};{{/data.items}}', {
        site: 's1',
        items: [{ name: 'a' }, { name: 'b', data: { site: 'own' } }],
      }),
    ).toBe('a@s1/Cluster alerts;b@own/Cluster alerts;');
  });

  it('drops comments, and lines holding only section tags, as Mustache does', () => {
    expect(render('a{{! a comment }}b')).toBe('ab');
    expect(render('Items:\n  {{#data.a}}\n- {{.}}\n  {{/data.a}}\n{{! note }}\nend', { a: [1, 2] })).toBe('Items:\n- 1\n- 2\nend');
    expect(render('  {{#data.a}}x{{/data.a}}  \n', { a: [1] })).toBe('  x  \n');
  });
});

describe('what a template cannot do', () => {
  it.each([
    ['{{#data}} oops', 'line 1, column 1: {{#data}} is never closed'],
    ['ok\n  {{> constructor}}', 'line 2, column 3: {{> constructor}}: partials'],
    ['{"v":"{{#data}}"}', 'line 1, column 7: {{#data}} is never closed'],
    ['{{=<% %>=}}', 'changing delimiters'],
    ['{{/data}}', 'closes no open section'],
    ['{{#a}}{{/b}}', 'line 1, column 7: {{/b}} does not close {{#a}} (opened at line 1, column 1)'],
    ['{{#each items}}{{/each}}', 'cannot contain spaces'],
    ['{{ }}', 'has no name'],
    ['{{a..b}}', 'is not a name'],
    ['{{$block}}{{/block}}', 'inheritance'],
    ['text {{ unclosed', "line 1, column 6: '{{' is never closed"],
    ['{{{raw}}', "'{{{' is never closed"],
  ])('%j is a syntax error with its position', (template, message) => {
    const result = parseTemplate(template);
    expect(result._tag).toBe('Left');
    if (result._tag === 'Left') {
      expect(result.left.kind).toBe('syntax');
      expect(result.left.message).toContain(message);
      expect(result.left.position?.line).toBeGreaterThanOrEqual(1);
    }
  });

  it('refuses sections nested deeper than the limit', () => {
    const depth = TEMPLATE_LIMITS.sectionDepth + 1;
    const template = '{{#a}}'.repeat(depth) + '{{/a}}'.repeat(depth);
    expect(parseTemplate(template)).toMatchObject({ _tag: 'Left', left: { kind: 'too-deep' } });
    expect(parseTemplate('{{#a}}'.repeat(depth - 1) + '{{/a}}'.repeat(depth - 1))._tag).toBe('Right');
  });

  it('walks no prototype: the walk that reached Object.prototype renders empty and changes nothing', () => {
    const prototypes = watchPrototypes();
    expect(render('[{{#data.a.__proto__.__proto__}}{{data.a.push}}{{/data.a.__proto__.__proto__}}]', { a: [] })).toBe('[]');
    expect(
      render(
        '[{{event_type.constructor.__proto__.constructor}}][{{data.a.constructor}}][{{data.a.length}}][{{event_type.toString}}][{{event_type.length}}][{{data.toString}}][{{constructor}}][{{__proto__}}][{{data.a.push}}][{{hasOwnProperty}}]',
        { a: [1] },
      ),
    ).toBe('[][][][][][][][][][]');
    expect(render('{{#data.a.push}}called{{/data.a.push}}{{#constructor}}x{{/constructor}}{{#data.a.length}}len{{/data.a.length}}', { a: [1] })).toBe('');
    expect(prototypes.changes()).toEqual([]);
    expect(Object.hasOwn(Object.prototype, 'length')).toBe(false);
  });

  it('reads own data named like a method, but never an own __proto__', () => {
    const data = JSON.parse('{"constructor": "ACME", "toString": "s", "length": 3, "__proto__": {"x": 1}}') as unknown;
    expect(render('{{data.constructor}} {{data.toString}} {{data.length}} [{{data.__proto__.x}}]', data)).toBe('ACME s 3 []');
  });

  it('never calls a function or a getter, even one a view other than JSON holds', () => {
    const calls: string[] = [];
    const view = {
      f: () => calls.push('f'),
      get g() {
        calls.push('g');
        return 'g';
      },
      o: { toJSON: () => calls.push('toJSON'), x: 1 },
      d: new Date(0),
    };
    const parsed = parseTemplate('[{{f}}][{{#f}}in{{/f}}][{{g}}][{{o}}][{{d}}][{{.}}]');
    if (parsed._tag === 'Left') throw new Error(parsed.left.message);
    expect(renderParsed(parsed.right, view, { escape: 'text', maxOutput: 1000 })).toEqual({ _tag: 'Right', right: '[][][][{"x":1}][][{"o":{"x":1}}]' });
    expect(calls).toEqual([]);
  });

  it('stops amplification at the output limit without building the whole output first', () => {
    const started = performance.now();
    for (const zeros of [5_000, 150_000]) {
      expect(render('{{#data.a}}{{data_json}}{{/data.a}}', { a: Array<number>(zeros).fill(0) }, 'json')).toEqual({
        kind: 'too-large',
        message: 'output exceeds 1 MiB',
      });
    }
    expect(render('{{#data.a}}{{data}}{{/data.a}}', { a: Array<number>(5_000).fill(0) }, 'text', 40_000)).toMatchObject({
      kind: 'too-large',
      message: 'output exceeds 40,000 characters',
    });
    expect(render('{{data.s}}', { s: 'x'.repeat(1_601) }, 'text', 1_600)).toMatchObject({ kind: 'too-large' });
    expect(render('{{data.s}}', { s: 'x'.repeat(1_600) }, 'text', 1_600)).toBe('x'.repeat(1_600));
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('stops nested loops after the step budget: three levels over 5,000 items would be 125e9 iterations', () => {
    const started = performance.now();
    expect(render('{{#data.a}}{{#data.a}}{{#data.a}}{{/data.a}}{{/data.a}}{{/data.a}}', { a: Array<number>(5_000).fill(1) })).toMatchObject({
      kind: 'too-much-work',
      message: expect.stringContaining('1,000,000 steps'),
    });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('reports data nested too deep for JSON instead of overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(templateView(message(deep))).toMatchObject({ _tag: 'Left', left: { kind: 'too-deep' } });
  });
});

describe('Slack escaping', () => {
  const note = 'Deploy <!channel> & <https://evil.example|click>';
  const escaped = 'Deploy &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;';

  it('escapes &, < and > in values, and keeps the owner’s own markup', () => {
    expect(render('<!here> *{{data.note}}*', { note }, 'slack')).toBe(`<!here> *${escaped}*`);
  });

  it('escapes for Slack, then for JSON, in blocks', () => {
    const out = render('[{"type":"section","text":{"type":"mrkdwn","text":"<!here> {{data.note}} \\"{{data.q}}\\""}}]', { note, q: '"<b>"' }, 'slack-json');
    expect(JSON.parse(out as string)).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: `<!here> ${escaped} ""&lt;b&gt;""` } }]);
  });

  it('leaves values alone in text and json', () => {
    expect(render('{{data.note}}', { note })).toBe(note);
    expect(render('{{data.note}}', { note }, 'json')).toBe(note);
  });
});
