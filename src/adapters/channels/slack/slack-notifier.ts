import type { Channel } from '../../../domain/index.js';
import type { AttemptResult, Notifier, OutboundMessage, SendContext } from '../../../ports/notifier.js';
import { attempt } from '../../shared/outbound/outbound-http.js';
import { renderChannelTemplate, templateFailed } from '../../shared/outbound/render-template.js';

export const DEFAULT_SLACK_TEXT = '*{{event_type}}* from {{webhook_name}} at {{timestamp}}\n```{{data_json}}```';

/** The `slack` channel: an incoming-webhook POST (Slack, or a compatible chat). */
export class SlackNotifier implements Notifier {
  readonly kind = 'slack' as const;

  constructor(private readonly options: { allowPrivateDestinations: boolean; userAgent: string; timeoutMs?: number }) {}

  async send(channel: Channel, message: OutboundMessage, context: SendContext): Promise<AttemptResult> {
    if (channel.channel !== 'slack') throw new Error(`SlackNotifier cannot send to ${channel.channel}`);
    const c = channel.configs;
    // Values from event data are escaped for Slack (`&`, `<`, `>`), so data cannot ping a channel or add links.
    const text = renderChannelTemplate('slack', 'message_template', c.message_template ?? DEFAULT_SLACK_TEXT, message);
    if (text._tag === 'Left') return templateFailed(text.left);
    const payload: Record<string, unknown> = { text: text.right.text };
    if (c.channel) payload.channel = c.channel;
    if (c.username) payload.username = c.username;
    if (c.icon_emoji) payload.icon_emoji = c.icon_emoji;
    if (c.blocks_template) {
      const blocks = renderChannelTemplate('slack', 'blocks_template', c.blocks_template, message);
      if (blocks._tag === 'Left') return templateFailed(blocks.left);
      payload.blocks = blocks.right.json;
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
