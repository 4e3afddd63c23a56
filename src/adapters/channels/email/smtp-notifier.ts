import nodemailer, { type Transporter } from 'nodemailer';
import type { Channel } from '../../../domain/index.js';
import type { AttemptResult, Notifier, OutboundMessage, SendContext } from '../../../ports/notifier.js';
import { renderChannelTemplate, templateFailed } from '../../shared/render-template.js';

export const DEFAULT_SUBJECT = '[Hookledger] {{event_type}} from {{webhook_name}}';
export const DEFAULT_BODY = 'Event: {{event_type}}\nWebhook: {{webhook_name}}\nMessage: {{message_id}}\nTime: {{timestamp}}\n\n{{data_json}}\n';

/** The `email` channel: one message over SMTP (nodemailer) to the recipients, cc and bcc. */
export class SmtpNotifier implements Notifier {
  readonly kind = 'email' as const;
  private readonly transport: Transporter | undefined;

  constructor(smtpUrl: string | undefined, private readonly from: string) {
    this.transport = smtpUrl ? nodemailer.createTransport(smtpUrl) : undefined;
  }

  async send(channel: Channel, message: OutboundMessage, _context: SendContext): Promise<AttemptResult> {
    if (channel.channel !== 'email') throw new Error(`SmtpNotifier cannot send to ${channel.channel}`);
    if (!this.transport) return { disposition: 'retry', statusCode: null, latencyMs: 0, error: 'email is not configured: set SMTP_URL (e.g. smtp://127.0.0.1:2525)' };
    const c = channel.configs;
    const subject = renderChannelTemplate('email', 'subject_template', c.subject_template ?? DEFAULT_SUBJECT, message);
    if (subject._tag === 'Left') return templateFailed(subject.left);
    const body = renderChannelTemplate('email', 'body_template', c.body_template ?? DEFAULT_BODY, message);
    if (body._tag === 'Left') return templateFailed(body.left);
    const started = performance.now();
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: c.to_addresses,
        cc: c.cc,
        bcc: c.bcc,
        subject: subject.right.text.replace(/[\r\n]+/g, ' '),
        text: body.right.text,
        headers: { 'X-Hookledger-Message-Id': message.messageId },
      });
      return { disposition: 'succeeded', statusCode: null, latencyMs: performance.now() - started, responseBody: String(info.response ?? '').slice(0, 4096) };
    } catch (error) {
      const e = error as { responseCode?: number; message: string };
      // SMTP 5xx is permanent (e.g. unknown mailbox); 4xx and connection errors are worth retrying.
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
      return { disposition: permanent ? 'final' : 'retry', statusCode: e.responseCode ?? null, latencyMs: performance.now() - started, error: `SMTP: ${e.message}` };
    }
  }

  close(): void {
    this.transport?.close();
  }
}
