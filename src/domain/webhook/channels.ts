import * as z from 'zod';
import { MAX_RATE_LIMIT } from '../delivery/rate-limit.js';
import { headerMap } from './headers.js';

/** Limits that keep one webhook's fan-out and payload bounded; see ADR 0004. */
export const LIMITS = {
  channels: 10,
  eventTypes: 100,
  recipients: 50,
  phoneNumbers: 20,
  headers: 20,
  urlLength: 2048,
  templateLength: 10_000,
  nameLength: 200,
} as const;

/** http(s) only, no user:password (it would leak into logs; use a header), no fragment. */
export const httpUrl = z
  .string()
  .max(LIMITS.urlLength)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must use http or https' });
    } else if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must not contain credentials; send them in a header instead' });
    } else if (url.hash) {
      ctx.addIssue({ code: 'custom', message: 'must not contain a #fragment' });
    }
  });

// Whether a template parses and renders is a rule in channelProblems (ADR 0012), not a refinement
// here: stored events are read through this schema, and must stay readable.
const template = z.string().max(LIMITS.templateLength);

// A channel's extra headers: RFC 9110 names and values Node can send, none the signature or transport owns (headers.ts).
const headers = headerMap(LIMITS.headers);

const emailList = (min: number) => z.array(z.email()).min(min).max(LIMITS.recipients);

/** Deliveries per second to this channel at most (ADR 0014); over it, jobs wait, never dropped. */
const rateLimit = z.number().positive().max(MAX_RATE_LIMIT).optional();

/** A channel's id within its webhook: `ch_` and a number, given out by the domain (ADR 0015). */
export const CHANNEL_ID = /^ch_[1-9][0-9]{0,8}$/;
/** A channel id as a zod schema: clients send back the ids the API returned, never invent them. */
export const ChannelId = z.string().regex(CHANNEL_ID, 'must be a channel id the API returned, such as ch_1');
// Optional where a client writes a channel: an edit that names the id keeps the channel's identity (channel-identity.ts).
const channelId = ChannelId.optional();

/** The `webhook` channel: an http(s) URL, extra headers, a timeout and an optional payload template; signed per Standard Webhooks. */
export const HttpChannel = z.strictObject({
  channel: z.literal('webhook'),
  channel_id: channelId,
  configs: z.strictObject({
    url: httpUrl,
    headers: headers.default({}),
    /** Seconds to wait for the response. */
    timeout: z.number().int().min(1).max(30).default(10),
    payload_template: template.optional(),
    rate_limit: rateLimit,
  }),
});

/** Any Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): see ADR 0004. */
export const SlackChannel = z.strictObject({
  channel: z.literal('slack'),
  channel_id: channelId,
  configs: z.strictObject({
    webhook_url: httpUrl,
    channel: z
      .string()
      .regex(/^[#@]?[\w.-]{1,80}$/, 'must be a channel such as #alerts, @user or a channel id')
      .optional(),
    username: z.string().min(1).max(80).optional(),
    icon_emoji: z
      .string()
      .regex(/^:[\w+-]+:$/, 'must look like :emoji_name:')
      .optional(),
    message_template: template.optional(),
    blocks_template: template.optional(),
    rate_limit: rateLimit,
  }),
});

/**
 * The `email` channel: recipients (to, cc, bcc) and optional templates for the
 * subject, the text body and an HTML alternative (values HTML-escaped).
 */
export const EmailChannel = z.strictObject({
  channel: z.literal('email'),
  channel_id: channelId,
  configs: z.strictObject({
    to_addresses: emailList(1),
    cc: emailList(0).optional(),
    bcc: emailList(0).optional(),
    subject_template: z.string().max(998).optional(),
    body_template: template.optional(),
    html_template: template.optional(),
    rate_limit: rateLimit,
  }),
});

/** The `sms` channel: E.164 phone numbers and a Mustache text template. */
export const SmsChannel = z.strictObject({
  channel: z.literal('sms'),
  channel_id: channelId,
  configs: z.strictObject({
    phone_numbers: z.array(z.e164()).min(1).max(LIMITS.phoneNumbers),
    message_template: z.string().max(1600).optional(),
    rate_limit: rateLimit,
  }),
});

/** One delivery channel: `webhook` (HTTP), `slack`, `email` or `sms`, each with strict `configs`. */
export const Channel = z.discriminatedUnion('channel', [HttpChannel, SlackChannel, EmailChannel, SmsChannel]);
export type Channel = z.output<typeof Channel>;
/** A channel as a client writes it, before defaults (e.g. the HTTP timeout) are filled in. */
export type ChannelInput = z.input<typeof Channel>;
/** A channel's kind: `webhook`, `slack`, `email` or `sms`. */
export type ChannelKind = Channel['channel'];

/** A channel as the webhook keeps it: always with the `channel_id` the domain gave it (recorded events, state, the API's answers). */
export const IdentifiedChannel = z.discriminatedUnion('channel', [
  HttpChannel.extend({ channel_id: ChannelId }),
  SlackChannel.extend({ channel_id: ChannelId }),
  EmailChannel.extend({ channel_id: ChannelId }),
  SmsChannel.extend({ channel_id: ChannelId }),
]);
export type IdentifiedChannel = z.output<typeof IdentifiedChannel>;

/** What a channel is, without its id: two channels with the same content are the same settings whatever their ids. */
export const channelContent = (channel: Channel): Channel => {
  const { channel_id: _id, ...content } = channel;
  return content as Channel;
};

const sorted = (values: readonly string[]): string =>
  [...values]
    .map((v) => v.toLowerCase())
    .sort()
    .join(',');

/** Where a channel delivers to: two channels with the same destination are duplicates. */
export const channelDestination = (channel: Channel): string => {
  switch (channel.channel) {
    case 'webhook':
      return `webhook:${channel.configs.url}`;
    case 'slack':
      return `slack:${channel.configs.webhook_url}#${channel.configs.channel ?? ''}`;
    case 'email':
      return `email:${sorted(channel.configs.to_addresses)}`;
    case 'sms':
      return `sms:${sorted(channel.configs.phone_numbers)}`;
    default: {
      const unreachable: never = channel;
      return unreachable;
    }
  }
};
