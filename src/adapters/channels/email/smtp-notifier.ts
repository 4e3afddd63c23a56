import nodemailer, { type Transporter } from 'nodemailer';
import type { Channel } from '../../../domain/index.js';
import type { AttemptResult, Notifier, OutboundMessage, SendContext } from '../../../ports/notifier.js';
import { renderChannelTemplate, templateFailed } from '../../shared/outbound/render-template.js';

export const DEFAULT_SUBJECT = '[Hookledger] {{event_type}} from {{webhook_name}}';
export const DEFAULT_BODY = 'Event: {{event_type}}\nWebhook: {{webhook_name}}\nMessage: {{message_id}}\nTime: {{timestamp}}\n\n{{data_json}}\n';

/** The domain part of a sender address, for Message-IDs; `hookledger.invalid` when it has none. */
const senderDomain = (from: string): string => /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'hookledger.invalid';

/**
 * One `Message-ID` per (message, channel), the same on every retry, so a mail
 * client threads or drops a repeat instead of showing it as new mail.
 */
export const emailMessageId = (messageId: string, channelId: string | undefined, from: string): string =>
  `<${messageId}.${channelId ?? 'email'}@${senderDomain(from)}>`;

/**
 * The `email` channel: one message over SMTP (nodemailer) to the recipients,
 * cc and bcc; a text body, and an HTML alternative when `html_template` is set.
 * `Auto-Submitted: auto-generated` (RFC 3834) keeps autoresponders from answering.
 */
export class SmtpNotifier implements Notifier {
  readonly kind = 'email' as const;
  private readonly transport: Transporter | undefined;

  constructor(
    smtpUrl: string | undefined,
    private readonly from: string,
  ) {
    this.transport = smtpUrl ? nodemailer.createTransport(smtpUrl) : undefined;
  }

  async send(channel: Channel, message: OutboundMessage, _context: SendContext): Promise<AttemptResult> {
    if (channel.channel !== 'email') throw new Error(`SmtpNotifier cannot send to ${channel.channel}`);
    if (!this.transport)
      return { disposition: 'retry', statusCode: null, latencyMs: 0, error: 'email is not configured: set SMTP_URL (e.g. smtp://127.0.0.1:2525)' };
    const c = channel.configs;
    const subject = renderChannelTemplate('email', 'subject_template', c.subject_template ?? DEFAULT_SUBJECT, message);
    if (subject._tag === 'Left') return templateFailed(subject.left);
    const body = renderChannelTemplate('email', 'body_template', c.body_template ?? DEFAULT_BODY, message);
    if (body._tag === 'Left') return templateFailed(body.left);
    const html = c.html_template === undefined ? undefined : renderChannelTemplate('email', 'html_template', c.html_template, message);
    if (html?._tag === 'Left') return templateFailed(html.left);
    const started = performance.now();
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: c.to_addresses,
        cc: c.cc,
        bcc: c.bcc,
        subject: subject.right.text.replace(/[\r\n]+/g, ' '),
        text: body.right.text,
        ...(html ? { html: html.right.text } : {}),
        messageId: emailMessageId(message.messageId, channel.channel_id, this.from),
        headers: { 'X-Hookledger-Message-Id': message.messageId, 'Auto-Submitted': 'auto-generated' },
      });
      return { disposition: 'succeeded', statusCode: null, latencyMs: performance.now() - started, responseBody: String(info.response ?? '').slice(0, 4096) };
    } catch (error) {
      const e = error as { responseCode?: number; message: string };
      // SMTP 5xx is permanent (e.g. unknown mailbox); 4xx and connection errors are worth retrying.
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
      return {
        disposition: permanent ? 'final' : 'retry',
        statusCode: e.responseCode ?? null,
        latencyMs: performance.now() - started,
        error: `SMTP: ${e.message}`,
      };
    }
  }

  close(): void {
    this.transport?.close();
  }
}
