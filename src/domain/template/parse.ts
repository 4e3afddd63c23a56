import { type Either, left, right } from 'fp-ts/lib/Either.js';
import { TEMPLATE_LIMITS } from './limits.js';
import { type TemplateError, errorAt, positionOf } from './template-error.js';

/** A dotted name split at its dots; the empty list is `.`, the current value. */
export type TemplateName = readonly string[];

/** One piece of a parsed template. */
export type TemplateNode =
  | { readonly type: 'text'; readonly text: string }
  /** `{{name}}` (escaped for the output format) or `{{{name}}}` / `{{& name}}` (raw). */
  | { readonly type: 'variable'; readonly name: TemplateName; readonly raw: boolean }
  /** `{{#name}}…{{/name}}`, or `{{^name}}…{{/name}}` when inverted. */
  | { readonly type: 'section'; readonly name: TemplateName; readonly inverted: boolean; readonly children: readonly TemplateNode[] };

/** A template that parsed: render it with `renderParsed` as often as needed. */
export interface ParsedTemplate {
  readonly nodes: readonly TemplateNode[];
}

type Token =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'variable'; readonly name: TemplateName; readonly raw: boolean }
  | { readonly type: 'open'; readonly label: string; readonly name: TemplateName; readonly inverted: boolean; readonly start: number }
  | { readonly type: 'close'; readonly label: string; readonly name: TemplateName; readonly start: number }
  | { readonly type: 'comment' };

/** A stop with a located error, caught in parseTemplate: the only throw, never seen outside. */
class ParseStop {
  constructor(readonly error: TemplateError) {}
}

// A name's parts: anything but whitespace, dots and braces (JSON keys such as `my-key` or `@type` are fine).
const SEGMENT = /^[^\s.{}]+$/;

const parseName = (source: string, start: number, label: string, raw: string): TemplateName => {
  const name = raw.trim();
  const fail = (what: string) => {
    throw new ParseStop(errorAt('syntax', source, start, what));
  };
  if (name === '') fail(`${label} has no name`);
  if (name === '.') return [];
  if (/\s/.test(name)) {
    fail(`${label}: a name cannot contain spaces (helpers such as {{#if x}} or {{#each x}} do not exist here; write {{#x}}…{{/x}})`);
  }
  const segments = name.split('.');
  if (!segments.every((s) => SEGMENT.test(s))) fail(`${label}: '${name}' is not a name such as data.cluster or data.items.0`);
  return segments;
};

/** Splits the source into text and tags; errors name the line and column. */
const tokenize = (source: string): Token[] => {
  const tokens: (Token | undefined)[] = [];
  // Mustache's standalone lines: a line holding only section, inverted, closing or
  // comment tags and whitespace leaves no trace, its line break included.
  let lineText: number[] = [];
  let lineHasTag = false;
  let lineHasContent = false;
  const endLine = () => {
    if (lineHasTag && !lineHasContent) for (const i of lineText) tokens[i] = undefined;
    lineText = [];
    lineHasTag = false;
    lineHasContent = false;
  };
  const pushText = (text: string) => {
    let from = 0;
    while (from < text.length) {
      const newline = text.indexOf('\n', from);
      const piece = newline === -1 ? text.slice(from) : text.slice(from, newline + 1);
      from += piece.length;
      if (/\S/.test(piece)) lineHasContent = true;
      lineText.push(tokens.length);
      tokens.push({ type: 'text', text: piece });
      if (newline !== -1) endLine();
    }
  };

  let pos = 0;
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    if (open === -1) {
      pushText(source.slice(pos));
      break;
    }
    pushText(source.slice(pos, open));
    const fail = (what: string): never => {
      throw new ParseStop(errorAt('syntax', source, open, what));
    };
    let inner: string;
    let end: number;
    let triple = false;
    let body = open + 2;
    while (body < source.length && /[ \t]/.test(source[body]!)) body += 1;
    if (source[body] === '{') {
      const close = source.indexOf('}}}', body + 1);
      if (close === -1) fail(`'{{{' is never closed with '}}}'`);
      inner = source.slice(body + 1, close);
      end = close + 3;
      triple = true;
    } else {
      const close = source.indexOf('}}', open + 2);
      if (close === -1) fail(`'{{' is never closed with '}}'`);
      inner = source.slice(open + 2, close);
      end = close + 2;
    }
    const tag = source.slice(open, end);
    const label = tag.length > 40 ? `${tag.slice(0, 37)}...` : tag;
    lineHasTag = true;
    if (triple) {
      tokens.push({ type: 'variable', name: parseName(source, open, label, inner), raw: true });
      lineHasContent = true;
    } else {
      const trimmed = inner.trim();
      const sigil = trimmed[0];
      const rest = trimmed.slice(1);
      switch (sigil) {
        case '!':
          tokens.push({ type: 'comment' });
          break;
        case '#':
        case '^':
          tokens.push({ type: 'open', label, name: parseName(source, open, label, rest), inverted: sigil === '^', start: open });
          break;
        case '/':
          tokens.push({ type: 'close', label, name: parseName(source, open, label, rest), start: open });
          break;
        case '&':
          tokens.push({ type: 'variable', name: parseName(source, open, label, rest), raw: true });
          lineHasContent = true;
          break;
        case '>':
          fail(`${label}: partials ({{> name}}) are not supported`);
          break;
        case '=':
          fail(`${label}: changing delimiters ({{=<% %>=}}) is not supported`);
          break;
        case '$':
        case '<':
          fail(`${label}: template inheritance ({{$name}}, {{<name}}) is not supported`);
          break;
        case '{':
        case '}':
          fail(`${label}: unbalanced braces; write {{name}} or {{{name}}}`);
          break;
        default:
          tokens.push({ type: 'variable', name: parseName(source, open, label, inner), raw: false });
          lineHasContent = true;
      }
    }
    pos = end;
  }
  endLine();
  return tokens.filter((t): t is Token => t !== undefined);
};

interface Open {
  readonly token: Extract<Token, { type: 'open' }>;
  readonly children: TemplateNode[];
}

const sameName = (a: TemplateName, b: TemplateName) => a.length === b.length && a.every((s, i) => s === b[i]);

/** Nests sections, checking that each closes the innermost open one and that they do not nest too deep. */
const nest = (source: string, tokens: readonly Token[]): TemplateNode[] => {
  const root: TemplateNode[] = [];
  const stack: Open[] = [];
  const current = () => stack[stack.length - 1]?.children ?? root;
  for (const token of tokens) {
    switch (token.type) {
      case 'text': {
        // Neighbouring texts are joined, so rendering appends once per run of text.
        const into = current();
        const last = into[into.length - 1];
        if (last?.type === 'text') into[into.length - 1] = { type: 'text', text: last.text + token.text };
        else into.push(token);
        break;
      }
      case 'variable':
        current().push(token);
        break;
      case 'comment':
        break;
      case 'open':
        if (stack.length >= TEMPLATE_LIMITS.sectionDepth) {
          throw new ParseStop(errorAt('too-deep', source, token.start, `${token.label}: sections nest more than ${TEMPLATE_LIMITS.sectionDepth} deep`));
        }
        stack.push({ token, children: [] });
        break;
      case 'close': {
        const open = stack.pop();
        if (!open) throw new ParseStop(errorAt('syntax', source, token.start, `${token.label} closes no open section`));
        if (!sameName(open.token.name, token.name)) {
          const at = positionOf(source, open.token.start);
          const opened = `opened at line ${at.line}, column ${at.column}`;
          throw new ParseStop(errorAt('syntax', source, token.start, `${token.label} does not close ${open.token.label} (${opened})`));
        }
        current().push({ type: 'section', name: open.token.name, inverted: open.token.inverted, children: open.children });
        break;
      }
      default: {
        const unhandled: never = token;
        return unhandled;
      }
    }
  }
  const unclosed = stack.pop();
  if (unclosed)
    throw new ParseStop(
      errorAt('syntax', source, unclosed.token.start, `${unclosed.token.label} is never closed (add {{/${unclosed.token.name.join('.') || '.'}}})`),
    );
  return root;
};

/**
 * Parses the Mustache subset Hookledger supports: `{{a.b}}`, `{{.}}`,
 * `{{{a}}}` and `{{& a}}`, sections `{{#a}}…{{/a}}`, inverted sections
 * `{{^a}}…{{/a}}` and comments `{{! … }}`, with Mustache's standalone-line
 * rule. Partials, delimiter changes and anything else are errors that name
 * the line and column. Never throws.
 */
export const parseTemplate = (source: string): Either<TemplateError, ParsedTemplate> => {
  try {
    return right({ nodes: nest(source, tokenize(source)) });
  } catch (stop) {
    if (stop instanceof ParseStop) return left(stop.error);
    return left({ kind: 'syntax', message: `the template could not be parsed: ${String(stop)}` });
  }
};
