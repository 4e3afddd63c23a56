import type { Channel } from '../../../domain/index.js';
import type { AttemptResult, Notifier, OutboundMessage, SendContext } from '../../../ports/notifier.js';
import { attempt } from '../../shared/outbound/outbound-http.js';
import { renderChannelTemplate, templateFailed } from '../../shared/outbound/render-template.js';
import { signatureHeader } from './sign.js';

export interface HttpNotifierOptions {
  readonly allowPrivateDestinations: boolean;
  readonly userAgent: string;
}

/** The `webhook` channel: a signed POST following the Standard Webhooks specification. */
export class HttpNotifier implements Notifier {
  readonly kind = 'webhook' as const;

  constructor(private readonly options: HttpNotifierOptions) {}

  async send(channel: Channel, message: OutboundMessage, context: SendContext): Promise<AttemptResult> {
    if (channel.channel !== 'webhook') throw new Error(`HttpNotifier cannot send to ${channel.channel}`);
    const { url, headers, timeout, payload_template } = channel.configs;
    if (!context.secrets) {
      return { disposition: 'retry', statusCode: null, latencyMs: 0, error: 'no signing secret stored for this webhook yet' };
    }
    let body: string;
    if (payload_template) {
      const rendered = renderChannelTemplate('webhook', 'payload_template', payload_template, message);
      if (rendered._tag === 'Left') return templateFailed(rendered.left);
      body = rendered.right.text; // as rendered (and checked to be JSON), so the owner's formatting is what is signed
    } else {
      body = JSON.stringify({ type: message.eventType, timestamp: message.timestamp, data: message.data });
    }
    const timestamp = Math.floor(context.now.getTime() / 1000);
    return attempt(
      {
        url,
        body,
        timeoutMs: timeout * 1000,
        allowPrivate: this.options.allowPrivateDestinations,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'user-agent': this.options.userAgent,
          'webhook-id': message.messageId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureHeader(context.secrets, message.messageId, timestamp, body, context.now),
        },
      },
      context.now,
    );
  }
}
