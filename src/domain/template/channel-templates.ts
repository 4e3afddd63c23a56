import { type Either, left, right } from 'fp-ts/lib/Either.js';
import type { ErrorDetail } from '../shared/errors.js';
import type { EscapeMode } from './escape.js';
import { TEMPLATE_OUTPUT_LIMITS as OUT } from './limits.js';
import { type ParsedTemplate, parseTemplate } from './parse.js';
import { renderParsed } from './render.js';
import type { TemplateError } from './template-error.js';
import { type TemplateMessage, type TemplateView, templateView } from './view.js';

/** How one template field renders: its escaping, its output limit and what its output must be. */
export interface TemplateFieldSpec {
  readonly escape: EscapeMode;
  /** Characters; see TEMPLATE_OUTPUT_LIMITS. */
  readonly maxOutput: number;
  /** `json`: any JSON text; `slack-blocks`: a JSON array of at most 50 blocks; `text`: anything. */
  readonly output: 'text' | 'json' | 'slack-blocks';
}

/** Every template field of every channel kind, and how it renders. */
export const TEMPLATE_FIELDS = {
  webhook: {
    payload_template: { escape: 'json', maxOutput: OUT.httpPayload, output: 'json' },
  },
  slack: {
    message_template: { escape: 'slack', maxOutput: OUT.slackText, output: 'text' },
    blocks_template: { escape: 'slack-json', maxOutput: OUT.slackBlocks, output: 'slack-blocks' },
  },
  email: {
    subject_template: { escape: 'text', maxOutput: OUT.emailSubject, output: 'text' },
    body_template: { escape: 'text', maxOutput: OUT.emailBody, output: 'text' },
    html_template: { escape: 'html', maxOutput: OUT.emailBody, output: 'text' },
  },
  sms: {
    message_template: { escape: 'text', maxOutput: OUT.smsBody, output: 'text' },
  },
} as const satisfies Record<string, Record<string, TemplateFieldSpec>>;

/** A channel kind that has template fields. */
export type TemplateChannelKind = keyof typeof TEMPLATE_FIELDS;
/** The template fields of one channel kind, e.g. `'message_template' | 'blocks_template'` for Slack. */
export type TemplateFieldOf<K extends TemplateChannelKind> = keyof (typeof TEMPLATE_FIELDS)[K] & string;

/** A rendered field: its text, and for JSON fields the parsed value. */
export interface RenderedField {
  readonly text: string;
  readonly json?: unknown;
}

const clip = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

/** Checks that a field's output is what it must be (JSON, a list of Slack blocks). */
const checkOutput = (spec: TemplateFieldSpec, text: string): Either<TemplateError, RenderedField> => {
  if (spec.output === 'text') return right({ text });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return left({ kind: 'not-json', message: `the output is not JSON (${clip(error instanceof Error ? error.message : String(error))})` });
  }
  if (spec.output === 'slack-blocks') {
    if (!Array.isArray(json)) {
      return left({
        kind: 'not-json',
        message: `the output must be a JSON array of blocks, not ${json === null ? 'null' : typeof json === 'object' ? 'an object' : `a ${typeof json}`}`,
      });
    }
    if (json.length > OUT.slackBlockCount) {
      return left({ kind: 'not-json', message: `the output has ${json.length} blocks; Slack accepts at most ${OUT.slackBlockCount}` });
    }
  }
  return right({ text, json });
};

/** Renders one field over a view with its escaping and limit, then checks its output. Never throws. */
export const renderField = (spec: TemplateFieldSpec, template: ParsedTemplate, view: TemplateView): Either<TemplateError, RenderedField> => {
  const rendered = renderParsed(template, view, { escape: spec.escape, maxOutput: spec.maxOutput });
  return rendered._tag === 'Left' ? rendered : checkOutput(spec, rendered.right);
};

/**
 * The message templates are checked against when written: the `webhook.test`
 * event that "send a test event" delivers, so a template that passes the check
 * renders for the test too.
 */
export const SAMPLE_MESSAGE: TemplateMessage = {
  eventType: 'webhook.test',
  messageId: 'msg_2p5jXN8AQM9LWM0D4loKWxJek0',
  timestamp: '2026-01-01T00:00:00.000Z',
  webhookId: 'wh_0000000000',
  webhookName: 'Sample webhook',
  data: { webhook_id: 'wh_0000000000', message: 'This is a test event from Hookledger.' },
};

const sampleView = templateView(SAMPLE_MESSAGE);

/** The spec of `field` of a channel `kind`, if that field is a template. */
export const templateFieldSpec = (kind: string, field: string): TemplateFieldSpec | undefined => {
  if (!Object.hasOwn(TEMPLATE_FIELDS, kind)) return undefined;
  const fields = TEMPLATE_FIELDS[kind as TemplateChannelKind] as Record<string, TemplateFieldSpec>;
  return Object.hasOwn(fields, field) ? fields[field] : undefined;
};

/**
 * Problems with a channel's templates, with paths from the channel
 * (`['configs', 'blocks_template']`): each must parse, and must render for
 * SAMPLE_MESSAGE within its field's limits to the output its field needs.
 */
export const templateProblems = (channel: { readonly channel: string; readonly configs: object }): ErrorDetail[] => {
  const problems: ErrorDetail[] = [];
  for (const [field, value] of Object.entries(channel.configs)) {
    const spec = templateFieldSpec(channel.channel, field);
    if (!spec || typeof value !== 'string') continue;
    const path = ['configs', field];
    const parsed = parseTemplate(value);
    if (parsed._tag === 'Left') {
      problems.push({ path, message: parsed.left.message });
      continue;
    }
    if (sampleView._tag === 'Left') continue; // cannot happen: the sample is small, flat JSON
    const rendered = renderField(spec, parsed.right, sampleView.right);
    if (rendered._tag === 'Left') {
      problems.push({ path, message: `rendered for a sample ${SAMPLE_MESSAGE.eventType} event, ${rendered.left.message}` });
    }
  }
  return problems;
};
