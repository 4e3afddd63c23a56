import Mustache from 'mustache';
import type { OutboundMessage } from '../../ports/notifier.js';

export type TemplateFormat = 'text' | 'json';

/**
 * Copies JSON data into objects without a prototype: Mustache resolves names
 * with `in`, so `{{constructor}}` would otherwise find (and call) Object.
 */
const ownFieldsOnly = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(ownFieldsOnly);
  if (value === null || typeof value !== 'object') return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) out[k] = ownFieldsOnly(v);
  return out;
};

/** What a template sees: `{{event_type}}`, `{{data.cluster}}`, `{{data_json}}` for the whole payload, … */
export const templateView = (message: OutboundMessage) =>
  ownFieldsOnly({
    event_type: message.eventType,
    message_id: message.messageId,
    timestamp: message.timestamp,
    webhook_name: message.webhookName,
    webhook_id: message.webhookId,
    data: message.data,
    data_json: JSON.stringify(message.data),
  });

/**
 * Logic-less (Mustache) rendering: no code runs, missing fields render empty.
 * `json` escapes each value as the inside of a JSON string, so a template
 * such as `{"text": "{{data.note}}"}` stays valid JSON whatever the data holds.
 */
export const renderTemplate = (template: string, message: OutboundMessage, format: TemplateFormat): string =>
  Mustache.render(template, templateView(message), {}, {
    escape: (value: unknown) => {
      const text = typeof value === 'string' ? value : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
      return format === 'json' ? JSON.stringify(text).slice(1, -1) : text;
    },
  });
