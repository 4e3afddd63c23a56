import { type Either, left, right } from 'fp-ts/lib/Either.js';
import { type EscapeMode, escapeValue } from './escape.js';
import { TEMPLATE_LIMITS } from './limits.js';
import type { ParsedTemplate, TemplateName, TemplateNode } from './parse.js';
import { type TemplateError, formatCount, formatLimit } from './template-error.js';
import { RenderStop, jsonText } from './json-text.js';
import { MISSING, isPlainObject, itemAt, member } from './values.js';

/** How one rendering escapes values and how far it may go. */
export interface RenderOptions {
  /** How substituted values are escaped (the template's own text never is). */
  readonly escape: EscapeMode;
  /** The most characters the output may have; rendering stops as soon as it would pass them. */
  readonly maxOutput: number;
  /** The most render steps (tags, texts, section iterations, values written as JSON); `TEMPLATE_LIMITS.steps` if absent. */
  readonly maxSteps?: number | undefined;
}

const falsy = (value: unknown): boolean =>
  value === MISSING || value === null || value === false || value === 0 || value === '' || (Array.isArray(value) && value.length === 0);

/**
 * Renders a parsed template over `view` (its `.` at the top). Names resolve
 * only to own members of plain JSON values (see values.ts), first against the
 * innermost section's value and outwards, as in Mustache; a missing name
 * renders empty. Lists and objects render as their JSON. Never throws and
 * never calls a function found in the view; stops with `too-large` or
 * `too-much-work` as soon as a bound is passed, without building more output.
 */
export const renderParsed = (template: ParsedTemplate, view: unknown, options: RenderOptions): Either<TemplateError, string> => {
  const maxSteps = options.maxSteps ?? TEMPLATE_LIMITS.steps;
  const parts: string[] = [];
  let length = 0;
  let steps = 0;

  const tooLarge = () => new RenderStop({ kind: 'too-large', message: `output exceeds ${formatLimit(options.maxOutput)}` });
  const step = () => {
    steps += 1;
    if (steps > maxSteps) {
      throw new RenderStop({
        kind: 'too-much-work',
        message: `rendering takes more than ${formatCount(maxSteps)} steps (sections nested over long lists?)`,
      });
    }
  };
  const append = (text: string) => {
    length += text.length;
    if (length > options.maxOutput) throw tooLarge();
    parts.push(text);
  };

  const lookup = (stack: readonly unknown[], name: TemplateName): unknown => {
    if (name.length === 0) return stack[stack.length - 1];
    const [first, ...rest] = name as [string, ...string[]];
    for (let i = stack.length - 1; i >= 0; i--) {
      let value = member(stack[i], first);
      if (value === MISSING) continue;
      for (const key of rest) {
        value = member(value, key);
        if (value === MISSING) return MISSING;
      }
      return value;
    }
    return MISSING;
  };

  const textOf = (value: unknown): string => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (Array.isArray(value) || isPlainObject(value)) return jsonText(value, options.maxOutput - length, step, tooLarge);
    return ''; // missing, null, or (in a view that is not JSON) a function or an instance: nothing
  };

  const renderNodes = (nodes: readonly TemplateNode[], stack: unknown[]): void => {
    for (const node of nodes) {
      step();
      switch (node.type) {
        case 'text':
          append(node.text);
          break;
        case 'variable': {
          const text = textOf(lookup(stack, node.name));
          // Escaping only lengthens, so text already too long stops before it is escaped.
          if (length + text.length > options.maxOutput) throw tooLarge();
          append(node.raw ? text : escapeValue(text, options.escape));
          break;
        }
        case 'section': {
          const value = lookup(stack, node.name);
          if (node.inverted) {
            if (falsy(value)) renderNodes(node.children, stack);
          } else if (falsy(value)) {
            // nothing to render
          } else if (Array.isArray(value)) {
            for (let i = 0; i < value.length; i++) {
              step();
              stack.push(itemAt(value, i));
              renderNodes(node.children, stack);
              stack.pop();
            }
          } else if (value === true) {
            renderNodes(node.children, stack);
          } else {
            stack.push(value);
            renderNodes(node.children, stack);
            stack.pop();
          }
          break;
        }
        default: {
          const unhandled: never = node;
          return unhandled;
        }
      }
    }
  };

  try {
    renderNodes(template.nodes, [view]);
    return right(parts.join(''));
  } catch (stop) {
    if (stop instanceof RenderStop) return left(stop.error);
    // Only a hostile view (a Proxy, say) gets here: JSON data cannot make the walk above throw.
    return left({ kind: 'unreadable-data', message: 'the data could not be read' });
  }
};
