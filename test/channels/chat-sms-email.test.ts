import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpNotifier } from '../../src/adapters/channels/email/smtp-notifier.js';
import { SlackNotifier } from '../../src/adapters/channels/slack/slack-notifier.js';
import { TwilioNotifier } from '../../src/adapters/channels/sms/twilio-notifier.js';
import { isPrivateAddress } from '../../src/adapters/shared/outbound/destination-guard.js';
import { renderTemplate } from '../../src/adapters/shared/outbound/render-template.js';
import type { OutboundMessage } from '../../src/ports/notifier.js';
import { startReceiver } from '../support/receivers.js';

const message: OutboundMessage = {
  messageId: 'msg_2Kq',
  eventType: 'cluster.execution.completed',
  timestamp: '2026-11-22T10:00:00.000Z',
  data: { cluster: 'c-7', rows: 12, tags: ['a', 'b'] },
  webhookId: 'wh_abc123def4',
  webhookName: 'Cluster alerts',
};
const now = new Date('2026-11-22T10:00:01.000Z');
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

describe('Slack channel', () => {
  it('POSTs exactly text, channel, username, icon_emoji and blocks to the incoming webhook', async () => {
    const slack = await startReceiver((_r, res) => res.writeHead(200).end('ok'));
    closers.push(slack.close);
    const result = await new SlackNotifier({ allowPrivateDestinations: true, userAgent: 'Hookledger/test' }).send(
      {
        channel: 'slack',
        configs: {
          webhook_url: `${slack.url}/services/T/B/X`,
          channel: '#alerts',
          username: 'hookledger',
          icon_emoji: ':bell:',
          message_template: '{{event_type}} on {{data.cluster}}',
          blocks_template: '[{"type": "section", "text": {"type": "mrkdwn", "text": "*{{webhook_name}}*: {{data.rows}} rows"}}]',
        },
      },
      message,
      { now },
    );
    expect(result).toMatchObject({ disposition: 'succeeded', statusCode: 200 });
    const [req] = slack.received;
    expect(req).toMatchObject({ method: 'POST', url: '/services/T/B/X', headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(req!.body)).toEqual({
      text: 'cluster.execution.completed on c-7',
      channel: '#alerts',
      username: 'hookledger',
      icon_emoji: ':bell:',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Cluster alerts*: 12 rows' } }],
    });
  });

  it('sends a sensible default text, and reports Slack’s errors', async () => {
    const slack = await startReceiver((_r, res) => res.writeHead(404).end('no_service'));
    closers.push(slack.close);
    const result = await new SlackNotifier({ allowPrivateDestinations: true, userAgent: 't' }).send(
      { channel: 'slack', configs: { webhook_url: slack.url } },
      message,
      { now },
    );
    expect(JSON.parse(slack.received[0]!.body)).toEqual({ text: expect.stringContaining('*cluster.execution.completed* from Cluster alerts') });
    expect(result).toMatchObject({ disposition: 'final', statusCode: 404, error: 'Slack answered HTTP 404', responseBody: 'no_service' });
  });
});

describe('SMS channel (Twilio Messages API)', () => {
  it('sends one form-encoded message per number with basic auth to the configured base URL', async () => {
    const twilio = await startReceiver((_r, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"sid":"SM1"}'));
    closers.push(twilio.close);
    const notifier = new TwilioNotifier({ accountSid: 'AC123', authToken: 'tok', from: '+15550000000', baseUrl: twilio.url }, 'Hookledger/test');
    const result = await notifier.send(
      { channel: 'sms', configs: { phone_numbers: ['+15551234567', '+447700900123'], message_template: '{{event_type}}: {{data.cluster}}' } },
      message,
      { now },
    );
    expect(result).toMatchObject({ disposition: 'succeeded', statusCode: 201 });
    expect(twilio.received).toHaveLength(2);
    twilio.received.forEach((req, i) => {
      expect(req).toMatchObject({ method: 'POST', url: '/2010-04-01/Accounts/AC123/Messages.json' });
      expect(req.headers.authorization).toBe(`Basic ${Buffer.from('AC123:tok').toString('base64')}`);
      expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({
        To: ['+15551234567', '+447700900123'][i],
        From: '+15550000000',
        Body: 'cluster.execution.completed: c-7',
      });
    });
  });

  it('fails with a clear error when not configured or when Twilio refuses a number', async () => {
    expect(await new TwilioNotifier(undefined, 't').send({ channel: 'sms', configs: { phone_numbers: ['+15551234567'] } }, message, { now })).toMatchObject({
      disposition: 'retry',
      error: expect.stringContaining('TWILIO_ACCOUNT_SID'),
    });
    const twilio = await startReceiver((_r, res) => res.writeHead(400).end('{"code":21211}'));
    closers.push(twilio.close);
    const result = await new TwilioNotifier({ accountSid: 'AC1', authToken: 't', from: '+1555', baseUrl: twilio.url }, 't').send(
      { channel: 'sms', configs: { phone_numbers: ['+15551234567'] } },
      message,
      { now },
    );
    expect(result).toMatchObject({ disposition: 'final', statusCode: 400, error: 'Twilio answered HTTP 400 for +15551234567' });
  });
});

describe('email channel over a real SMTP server', () => {
  const startSmtp = async () => {
    const mails: { from: string; to: string[]; raw: string }[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _s, cb) => (address.address.startsWith('reject') ? cb(new Error('550 no such user')) : cb()),
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            from: (session.envelope.mailFrom as { address: string }).address,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as AddressInfo).port;
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return { url: `smtp://127.0.0.1:${port}`, mails };
  };

  it('sends one message to to, cc and bcc with the rendered subject and body', async () => {
    const smtp = await startSmtp();
    const notifier = new SmtpNotifier(smtp.url, 'hookledger@example.com');
    closers.push(async () => notifier.close());
    const result = await notifier.send(
      {
        channel: 'email',
        configs: {
          to_addresses: ['ops@example.com'],
          cc: ['lead@example.com'],
          bcc: ['audit@example.com'],
          subject_template: 'Done: {{data.cluster}}',
          body_template: 'Rows: {{data.rows}}',
        },
      },
      message,
      { now },
    );
    expect(result.disposition).toBe('succeeded');
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail!.from).toBe('hookledger@example.com');
    expect(mail!.to.sort()).toEqual(['audit@example.com', 'lead@example.com', 'ops@example.com']);
    expect(mail!.raw).toMatch(/^Subject: Done: c-7$/m);
    expect(mail!.raw).toMatch(/^Cc: lead@example.com$/m);
    expect(mail!.raw).not.toMatch(/^Bcc:/m);
    expect(mail!.raw).toContain('Rows: 12');
    expect(mail!.raw).toMatch(/^X-Hookledger-Message-Id: msg_2Kq$/im); // header names are case-insensitive
  });

  it('adds an HTML alternative with escaped values, one Message-ID per message and channel across retries, and Auto-Submitted', async () => {
    const smtp = await startSmtp();
    const notifier = new SmtpNotifier(smtp.url, 'Hookledger <hooks@mail.example.com>');
    closers.push(async () => notifier.close());
    const hostile: OutboundMessage = { ...message, data: { cluster: '<script>alert("x")</script>', rows: 12 } };
    const channel = (channelId: string) => ({
      channel: 'email' as const,
      channel_id: channelId,
      configs: { to_addresses: ['ops@example.com'], body_template: 'Cluster {{data.cluster}}', html_template: '<p>Cluster <b>{{data.cluster}}</b></p>' },
    });
    for (const channelId of ['ch_1', 'ch_1', 'ch_2']) {
      expect((await notifier.send(channel(channelId), hostile, { now })).disposition).toBe('succeeded');
    }
    const [first, retry, other] = await Promise.all(smtp.mails.map((m) => simpleParser(m.raw)));
    expect(first!.text?.trim()).toBe('Cluster <script>alert("x")</script>');
    expect(first!.html).toBe('<p>Cluster <b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</b></p>');
    expect(first!.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(first!.headers.get('auto-submitted')).toBe('auto-generated');
    expect(first!.messageId).toBe('<msg_2Kq.ch_1@mail.example.com>');
    expect(retry!.messageId).toBe(first!.messageId);
    expect(other!.messageId).toBe('<msg_2Kq.ch_2@mail.example.com>');
    // Without an html_template the mail stays text/plain only.
    await notifier.send({ channel: 'email', channel_id: 'ch_3', configs: { to_addresses: ['ops@example.com'] } }, message, { now });
    const plain = await simpleParser(smtp.mails[3]!.raw);
    expect(plain.html).toBe(false);
    expect(plain.headers.get('content-type')).toMatchObject({ value: 'text/plain' });
  });

  it('reports a permanent SMTP refusal as final and a missing SMTP_URL clearly', async () => {
    const smtp = await startSmtp();
    const notifier = new SmtpNotifier(smtp.url, 'hookledger@example.com');
    closers.push(async () => notifier.close());
    const refused = await notifier.send({ channel: 'email', configs: { to_addresses: ['reject@example.com'] } }, message, { now });
    expect(refused).toMatchObject({ disposition: 'final', statusCode: 550, error: expect.stringContaining('SMTP') });
    expect(
      await new SmtpNotifier(undefined, 'x@example.com').send({ channel: 'email', configs: { to_addresses: ['a@example.com'] } }, message, { now }),
    ).toMatchObject({
      disposition: 'retry',
      error: expect.stringContaining('SMTP_URL'),
    });
  });
});

describe('templates', () => {
  it('render fields and nested data; missing ones render empty; nothing inherited is reachable', () => {
    expect(renderTemplate('{{event_type}} {{data.cluster}} [{{data.missing}}] {{data.tags}}', message, 'text')).toBe(
      'cluster.execution.completed c-7 [] ["a","b"]',
    );
    expect(renderTemplate('[{{constructor}}][{{data.constructor.constructor}}][{{__proto__}}][{{data.toString}}]', message, 'text')).toBe('[][][][]');
    expect(renderTemplate('{{#data.tags}}<{{.}}>{{/data.tags}}', message, 'text')).toBe('<a><b>');
  });
});

describe('private address classification', () => {
  it.each([
    ['8.8.8.8', false],
    ['1.1.1.1', false],
    ['2606:4700:4700::1111', false],
    ['::ffff:8.8.8.8', false],
    ['127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['169.254.169.254', true],
    ['fd00:ec2::254', true],
    ['not-an-ip', true],
    ['::7f00:1', true],
    ['::ffff:0:7f00:1', true],
    ['64:ff9b:1::1', true],
    ['2002:7f00:1::', true],
    ['fec0::1', true],
    ['100::1', true],
  ])('%s is private: %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});
