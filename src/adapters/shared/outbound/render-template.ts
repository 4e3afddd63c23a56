import { type Either, left, right } from 'fp-ts/lib/Either.js';
import {
  type EscapeMode,
  type ParsedTemplate,
  type RenderedField,
  type TemplateChannelKind,
  type TemplateError,
  type TemplateFieldOf,
  type TemplateFieldSpec,
  type TemplateView,
  TEMPLATE_FIELDS,
  TEMPLATE_OUTPUT_LIMITS,
  parseTemplate,
  renderField,
  renderParsed,
  templateView as viewOf,
} from '../../../domain/index.js';
import type { AttemptResult, OutboundMessage } from '../../../ports/notifier.js';

/** How substituted values are escaped: `text`, `json`, `slack` or `slack-json` (see the domain's EscapeMode). */
export type TemplateFormat = EscapeMode;

/** A template that could not be rendered for a message: which field, and why. */
export class TemplateFailure extends Error {
  override readonly name = 'TemplateFailure';

  constructor(
    readonly field: string,
    readonly reason: TemplateError,
  ) {
    super(`${field}: ${reason.message}`);
  }
}

/** Parsed templates by source, least recently used first; bounded so distinct templates cannot fill the heap. */
const PARSE_CACHE_SIZE = 500;
const parsed = new Map<string, Either<TemplateError, ParsedTemplate>>();

/** Parses through a bounded LRU cache (errors are cached too: a bad template fails the same way every time). */
export const parseCached = (source: string): Either<TemplateError, ParsedTemplate> => {
  const hit = parsed.get(source);
  if (hit) {
    parsed.delete(source);
    parsed.set(source, hit);
    return hit;
  }
  const result = parseTemplate(source);
  parsed.set(source, result);
  if (parsed.size > PARSE_CACHE_SIZE) parsed.delete(parsed.keys().next().value!);
  return result;
};

/** How many parsed templates the cache holds (for tests). */
export const parseCacheSize = (): number => parsed.size;

// One view per message: every channel and field of one send reuses it (data_json is written once).
const views = new WeakMap<OutboundMessage, Either<TemplateError, TemplateView>>();
const viewEither = (message: OutboundMessage): Either<TemplateError, TemplateView> => {
  let view = views.get(message);
  if (!view) {
    view = viewOf(message);
    views.set(message, view);
  }
  return view;
};

/**
 * What a template sees: `{{event_type}}`, `{{message_id}}`, `{{timestamp}}`,
 * `{{webhook_name}}`, `{{webhook_id}}`, `{{data.cluster}}`, `{{data_json}}`.
 * Throws TemplateFailure when the data cannot be rendered at all.
 */
export const templateView = (message: OutboundMessage): TemplateView => {
  const view = viewEither(message);
  if (view._tag === 'Left') throw new TemplateFailure('data', view.left);
  return view.right;
};

/**
 * Renders one template field of a channel kind for a message, with that
 * field's escaping, output limit and output check (JSON payload, Slack
 * blocks). Failures are values, named after the field.
 */
export const renderChannelTemplate = <K extends TemplateChannelKind>(
  kind: K,
  field: TemplateFieldOf<K>,
  template: string,
  message: OutboundMessage,
): Either<TemplateFailure, RenderedField> => {
  const spec = (TEMPLATE_FIELDS[kind] as Record<string, TemplateFieldSpec>)[field]!;
  const view = viewEither(message);
  if (view._tag === 'Left') return left(new TemplateFailure(field, view.left));
  const source = parseCached(template);
  if (source._tag === 'Left') return left(new TemplateFailure(field, source.left));
  const rendered = renderField(spec, source.right, view.right);
  return rendered._tag === 'Left' ? left(new TemplateFailure(field, rendered.left)) : right(rendered.right);
};

/** A template that cannot render fails for good: the same template and data fail the same way on every retry. */
export const templateFailed = (failure: TemplateFailure): AttemptResult => ({
  disposition: 'final',
  statusCode: null,
  latencyMs: 0,
  error: failure.message,
});

/**
 * Renders any template for a message (no field's output check), up to
 * `maxOutput` characters (1 MiB by default). `json` escapes each value as the
 * inside of a JSON string, so `{"text": "{{data.note}}"}` stays valid JSON
 * whatever the data holds. Throws TemplateFailure.
 */
export const renderTemplate = (
  template: string,
  message: OutboundMessage,
  format: TemplateFormat,
  maxOutput: number = TEMPLATE_OUTPUT_LIMITS.httpPayload,
): string => {
  const source = parseCached(template);
  if (source._tag === 'Left') throw new TemplateFailure('template', source.left);
  const rendered = renderParsed(source.right, templateView(message), { escape: format, maxOutput });
  if (rendered._tag === 'Left') throw new TemplateFailure('template', rendered.left);
  return rendered.right;
};
