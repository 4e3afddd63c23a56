/**
 * How a substituted value is escaped for its destination. Only values taken
 * from the view are escaped; the template's own text is written as is, so an
 * owner's `<!here>` in a Slack template stays a mention.
 * - `text`: nothing (email, SMS).
 * - `json`: as the inside of a JSON string, so `"{{data.note}}"` stays valid JSON (HTTP payloads).
 * - `slack`: `&`, `<` and `>` as Slack asks, so data cannot mention `<!channel>` or add links (Slack `text`).
 * - `slack-json`: `slack`, then `json` (Slack blocks).
 * - `html`: `&`, `<`, `>`, `"` and `'` as entities, so data cannot add markup (an email's HTML part).
 */
export type EscapeMode = 'text' | 'json' | 'slack' | 'slack-json' | 'html';

const jsonInner = (text: string): string => JSON.stringify(text).slice(1, -1);
const slack = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const html = (text: string): string => slack(text).replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Escapes one substituted value for `mode`; escaping never makes text shorter. */
export const escapeValue = (text: string, mode: EscapeMode): string => {
  switch (mode) {
    case 'text':
      return text;
    case 'json':
      return jsonInner(text);
    case 'slack':
      return slack(text);
    case 'slack-json':
      return jsonInner(slack(text));
    case 'html':
      return html(text);
    default: {
      const unknownMode: never = mode;
      return unknownMode;
    }
  }
};
