import type { Channel } from '../../../domain/index.js';
import type { AttemptResult, Notifier, OutboundMessage, SendContext } from '../../../ports/notifier.js';
import { attempt } from '../../shared/outbound-http.js';
import { renderTemplate } from '../../shared/render-template.js';

export const DEFAULT_SLACK_TEXT = '*{{event_type}}* from {{webhook_name}} at {{timestamp}}\n```{{data_json}}```';

/** The `slack` channel: an incoming-webhook POST (Slack, or a compatible chat). */
export class SlackNotifier implements Notifier {
  readonly kind = 'slack' as const;

  constructor(private readonly options: { allowPrivateDestinations: boolean; userAgent: string; timeoutMs?: number }) {}

  async send(channel: Channel, message: OutboundMessage, context: SendContext): Promise<AttemptResult> {
    if (channel.channel !== 'slack') throw new Error(`SlackNotifier cannot send to ${channel.channel}`);
    const c = channel.configs;
    const payload: Record<string, unknown> = { text: renderTemplate(c.message_template ?? DEFAULT_SLACK_TEXT, message, 'text') };
    if (c.channel) payload.channel = c.channel;
    if (c.username) payload.username = c.username;
    if (c.icon_emoji) payload.icon_emoji = c.icon_emoji;
    if (c.blocks_template) {
      try {
        payload.blocks = JSON.parse(renderTemplate(c.blocks_template, message, 'json')) as unknown;
      } catch (error) {
        return { disposition: 'final', statusCode: null, latencyMs: 0, error: `blocks_template did not render to JSON: ${(error as Error).message}` };
      }
    }
    return attempt(
      {
        url: c.webhook_url,
        body: JSON.stringify(payload),
        timeoutMs: this.options.timeoutMs ?? 10_000,
        allowPrivate: this.options.allowPrivateDestinations,
        headers: { 'content-type': 'application/json', 'user-agent': this.options.userAgent },
      },
      context.now,
      (status) => `Slack answered HTTP ${status}`,
    );
  }
}
