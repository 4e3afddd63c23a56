import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpNotifier } from '../../src/adapters/channels/email/smtp-notifier.js';
import { HttpNotifier } from '../../src/adapters/channels/http/http-notifier.js';
import { SlackNotifier } from '../../src/adapters/channels/slack/slack-notifier.js';
import { TwilioNotifier } from '../../src/adapters/channels/sms/twilio-notifier.js';
import { TemplateFailure, parseCacheSize, renderTemplate } from '../../src/adapters/shared/outbound/render-template.js';
import type { Channel } from '../../src/domain/index.js';
import type { OutboundMessage } from '../../src/ports/notifier.js';
import { startReceiver } from '../support/receivers.js';

const message = (data: unknown = { cluster: 'c-7' }): OutboundMessage => ({
  messageId: 'msg_2Kq',
  eventType: 'cluster.execution.completed',
  timestamp: '2026-11-22T10:00:00.000Z',
  data,
  webhookId: 'wh_abc123def4',
  webhookName: 'Cluster alerts',
});
const now = new Date('2026-11-22T10:00:01.000Z');
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});
const receiver = async () => {
  const r = await startReceiver((_req, res) => res.writeHead(200).end('ok'));
  closers.push(r.close);
  return r;
};
/** What a render failure must be: final, nothing sent, the field and the reason in `error`. */
const failedWith = (error: string | RegExp) => ({
  disposition: 'final',
  statusCode: null,
  latencyMs: 0,
  error: typeof error === 'string' ? error : expect.stringMatching(error),
});

// Channels as a job may still hold them: written before templates were checked, so never through the domain.
describe('a template that cannot render ends the attempt as final, with a clear error, and sends nothing', () => {
  const http = new HttpNotifier({ allowPrivateDestinations: true, userAgent: 'Hookledger/test' });
  const slack = new SlackNotifier({ allowPrivateDestinations: true, userAgent: 'Hookledger/test' });

  it.each<[string, string, unknown, string | RegExp]>([
    ['a section that never closes', '{"v":"{{#data}}"}', {}, 'payload_template: line 1, column 7: {{#data}} is never closed (add {{/data}})'],
    [
      'output amplification (5,000 items × the whole data)',
      '[{{#data.a}}{{data_json}},{{/data.a}}0]',
      { a: Array<number>(5_000).fill(0) },
      'payload_template: output exceeds 1 MiB',
    ],
    ['output that is not JSON for this event', '{"rows": {{data.rows}}}', { other: 1 }, /^payload_template: the output is not JSON \(.+\)$/],
    [
      'three loops nested over 5,000 items',
      '{{#data.a}}{{#data.a}}{{#data.a}}{{/data.a}}{{/data.a}}{{/data.a}}{}',
      { a: Array<number>(5_000).fill(1) },
      /^payload_template: rendering takes more than 1,000,000 steps/,
    ],
  ])('webhook: %s', async (_name, payload_template, data, error) => {
    const r = await receiver();
    const started = performance.now();
    const channel: Channel = { channel: 'webhook', configs: { url: r.url, headers: {}, timeout: 2, payload_template } };
    expect(await http.send(channel, message(data), { secrets: { current: SECRET }, now })).toEqual(failedWith(error));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(r.received).toEqual([]);
  });

  it.each<[string, Record<string, string>, string | RegExp]>([
    [
      'a text with a partial',
      { message_template: '{{> constructor}}' },
      'message_template: line 1, column 1: {{> constructor}}: partials ({{> name}}) are not supported',
    ],
    [
      'blocks that render to an object',
      { blocks_template: '{"type": "section"}' },
      'blocks_template: the output must be a JSON array of blocks, not an object',
    ],
    ['blocks that are not JSON', { blocks_template: 'not json {{event_type}}' }, /^blocks_template: the output is not JSON/],
    ['a text over 40,000 characters', { message_template: '{{#data.a}}{{data_json}}{{/data.a}}' }, 'message_template: output exceeds 40,000 characters'],
  ])('slack: %s', async (_name, templates, error) => {
    const r = await receiver();
    const channel: Channel = { channel: 'slack', configs: { webhook_url: r.url, ...templates } };
    expect(await slack.send(channel, message({ a: Array<number>(5_000).fill(0) }), { now })).toEqual(failedWith(error));
    expect(r.received).toEqual([]);
  });

  it('sms: a delimiter change, and a text over 1,600 characters', async () => {
    const r = await receiver();
    const twilio = new TwilioNotifier({ accountSid: 'AC1', authToken: 't', from: '+15550000000', baseUrl: r.url }, 't');
    const sms = (message_template: string): Channel => ({ channel: 'sms', configs: { phone_numbers: ['+15551234567'], message_template } });
    expect(await twilio.send(sms('{{=<% %>=}}'), message(), { now })).toEqual(failedWith(/^message_template: line 1, column 1: .*changing delimiters/));
    expect(await twilio.send(sms('{{data.s}}'), message({ s: 'x'.repeat(1_601) }), { now })).toEqual(
      failedWith('message_template: output exceeds 1,600 characters'),
    );
    expect(r.received).toEqual([]);
  });

  it('email: a subject that closes nothing, and one over 998 characters', async () => {
    const mails: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, cb) => {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          mails.push('mail');
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const notifier = new SmtpNotifier(`smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, 'hookledger@example.com');
    closers.push(async () => notifier.close());
    const email = (configs: Record<string, string>): Channel => ({ channel: 'email', configs: { to_addresses: ['ops@example.com'], ...configs } });
    expect(await notifier.send(email({ subject_template: '{{/data}}' }), message(), { now })).toEqual(
      failedWith('subject_template: line 1, column 1: {{/data}} closes no open section'),
    );
    expect(await notifier.send(email({ subject_template: '{{data.s}}' }), message({ s: 's'.repeat(999) }), { now })).toEqual(
      failedWith('subject_template: output exceeds 998 characters'),
    );
    expect(await notifier.send(email({ body_template: '{{#a}}' }), message(), { now })).toEqual(failedWith(/^body_template: .*never closed/));
    expect(mails).toEqual([]);
    // The same notifier still sends a good message: a failed render leaves nothing behind.
    expect(await notifier.send(email({ subject_template: '{{data.cluster}}' }), message(), { now })).toMatchObject({ disposition: 'succeeded' });
    expect(mails).toEqual(['mail']);
  });
});

describe('Slack: event data cannot ping or link; the owner’s own markup stays', () => {
  it('escapes values in text and blocks', async () => {
    const r = await receiver();
    const channel: Channel = {
      channel: 'slack',
      configs: {
        webhook_url: r.url,
        message_template: '<!here> {{data.note}}',
        blocks_template: '[{"type":"section","text":{"type":"mrkdwn","text":"<!here> {{data.note}}"}}]',
      },
    };
    const result = await new SlackNotifier({ allowPrivateDestinations: true, userAgent: 't' }).send(
      channel,
      message({ note: 'Deploy <!channel> & <https://evil.example|click>' }),
      { now },
    );
    expect(result).toMatchObject({ disposition: 'succeeded', statusCode: 200 });
    const escaped = 'Deploy &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;';
    expect(JSON.parse(r.received[0]!.body)).toEqual({
      text: `<!here> ${escaped}`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `<!here> ${escaped}` } }],
    });
  });
});

describe('the parse cache', () => {
  it('keeps at most 500 parsed templates however many distinct ones are rendered', () => {
    for (let i = 0; i < 2_000; i++) expect(renderTemplate(`{{event_type}} #${i}`, message(), 'text')).toBe(`cluster.execution.completed #${i}`);
    expect(parseCacheSize()).toBe(500);
  });

  it('renderTemplate throws a TemplateFailure with the reason', () => {
    expect(() => renderTemplate('{{#data}}', message(), 'text')).toThrow(TemplateFailure);
    expect(() => renderTemplate('{{data.s}}', message({ s: 'long' }), 'text', 3)).toThrow('template: output exceeds 3 characters');
  });
});
