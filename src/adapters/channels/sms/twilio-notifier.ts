import type { Channel } from '../../../domain/index.js';
import type { AttemptResult, Notifier, OutboundMessage, SendContext } from '../../../ports/notifier.js';
import { attempt } from '../../shared/outbound/outbound-http.js';
import { renderChannelTemplate, templateFailed } from '../../shared/outbound/render-template.js';

export interface TwilioConfig {
  readonly accountSid: string;
  readonly authToken: string;
  readonly from: string;
  /** Operator configuration, so trusted: a local stand-in may live on loopback. */
  readonly baseUrl: string;
}

export const DEFAULT_SMS_TEXT = '{{event_type}} from {{webhook_name}} ({{message_id}})';

/** The `sms` channel through Twilio's Messages API: one message per number. */
export class TwilioNotifier implements Notifier {
  readonly kind = 'sms' as const;

  constructor(
    private readonly config: TwilioConfig | undefined,
    private readonly userAgent: string,
  ) {}

  async send(channel: Channel, message: OutboundMessage, context: SendContext): Promise<AttemptResult> {
    if (channel.channel !== 'sms') throw new Error(`TwilioNotifier cannot send to ${channel.channel}`);
    if (!this.config) {
      return {
        disposition: 'retry',
        statusCode: null,
        latencyMs: 0,
        error: 'SMS is not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM',
      };
    }
    const { accountSid, authToken, from, baseUrl } = this.config;
    const rendered = renderChannelTemplate('sms', 'message_template', channel.configs.message_template ?? DEFAULT_SMS_TEXT, message);
    if (rendered._tag === 'Left') return templateFailed(rendered.left);
    const text = rendered.right.text;
    const url = `${baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
    let last: AttemptResult | undefined;
    let latencyMs = 0;
    for (const to of channel.configs.phone_numbers) {
      const result = await attempt(
        {
          url,
          body: new URLSearchParams({ To: to, From: from, Body: text }).toString(),
          timeoutMs: 10_000,
          allowPrivate: true,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
            'user-agent': this.userAgent,
          },
        },
        context.now,
        (status) => `Twilio answered HTTP ${status} for ${to}`,
      );
      latencyMs += result.latencyMs;
      // The whole channel fails with the first number that fails; a retry resends to all (at-least-once).
      if (result.disposition !== 'succeeded') return { ...result, latencyMs };
      last = result;
    }
    return { ...last!, latencyMs };
  }
}
