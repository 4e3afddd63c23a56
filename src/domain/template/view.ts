import { type Either, left, right } from 'fp-ts/lib/Either.js';
import { RenderStop, jsonText } from './json-text.js';
import { TEMPLATE_LIMITS } from './limits.js';
import type { TemplateError } from './template-error.js';

/** The message a template is rendered for. */
export interface TemplateMessage {
  readonly eventType: string;
  readonly messageId: string;
  /** ISO-8601 time the event was accepted. */
  readonly timestamp: string;
  readonly webhookId: string;
  readonly webhookName: string;
  readonly data: unknown;
}

/** Everything a template sees, by the names it uses; nothing else is reachable. */
export interface TemplateView {
  readonly event_type: string;
  readonly message_id: string;
  readonly timestamp: string;
  readonly webhook_name: string;
  readonly webhook_id: string;
  /** The event's data: `{{data.cluster}}`, `{{#data.items}}…{{/data.items}}`. */
  readonly data: unknown;
  /** The whole of `data` as JSON text: `{{{data_json}}}` in a JSON payload, `{{data_json}}` in a message. */
  readonly data_json: string;
}

/** The view of one message; fails only for data nested deeper than `TEMPLATE_LIMITS.dataDepth` or too large to walk. */
export const templateView = (message: TemplateMessage): Either<TemplateError, TemplateView> => {
  let steps = 0;
  const step = () => {
    steps += 1;
    if (steps > TEMPLATE_LIMITS.steps) throw new RenderStop({ kind: 'too-much-work', message: 'the event data has too many values to render' });
  };
  try {
    const data_json = jsonText(
      message.data === undefined ? null : message.data,
      Number.MAX_SAFE_INTEGER,
      step,
      () => new RenderStop({ kind: 'too-large', message: 'the event data is too large' }),
    );
    return right({
      event_type: message.eventType,
      message_id: message.messageId,
      timestamp: message.timestamp,
      webhook_name: message.webhookName,
      webhook_id: message.webhookId,
      data: message.data,
      data_json,
    });
  } catch (stop) {
    if (stop instanceof RenderStop) return left(stop.error);
    return left({ kind: 'unreadable-data', message: 'the event data could not be read' });
  }
};
