import { describe, expect, it } from 'vitest';
import { type ChannelInput, type WebhookEvent, upcast, webhookDecider } from '../../src/domain/index.js';
import { DeciderSpecification } from '../support/decider-spec.js';
import { command, createWebhook } from '../support/webhook-commands.js';
import { T1, T2, created } from '../support/webhook-fixtures.js';

const { given } = DeciderSpecification.for(webhookDecider);

const hook = (headers: Record<string, string>): ChannelInput => ({ channel: 'webhook', configs: { url: 'https://example.com/hook', headers } });

const create = (headers: Record<string, string>) => createWebhook({ channels: [hook(headers)] });

const refusedAt = (name: string, message: string) => ({
  type: 'ValidationFailed' as const,
  details: [{ path: ['channels', 0, 'configs', 'headers', name], message: expect.stringContaining(message) }],
});

describe('channel headers: only what can be sent is accepted', () => {
  it.each([
    ['a C0 control character', 'a\u0001b', 'U+0001'],
    ['a line break', 'a\r\nB: c', 'U+000D'],
    ['a NUL', 'a\u0000b', 'U+0000'],
    ['DEL', 'a\u007fb', 'U+007F'],
    ['a C1 control character', 'a\u0085b', 'U+0085'],
    ['a character above U+00FF', 'price €5', "'€' (U+20AC)"],
    ['an emoji', 'ok 😀', 'U+1F600'],
    ['a leading space', ' Bearer x', 'begin or end'],
    ['a trailing tab', 'Bearer x\t', 'begin or end'],
  ])('refuses a value with %s, at the header’s path', (_case, value, message) => {
    given()
      .when(create({ 'X-Value': value }))
      .thenFails(refusedAt('X-Value', message));
  });

  it.each([
    'Connection',
    'Keep-Alive',
    'TE',
    'te',
    'Trailer',
    'Upgrade',
    'Transfer-Encoding',
    'Content-Length',
    'Host',
    'Proxy-Authorization',
    'Proxy-Connection',
    'proxy-anything',
  ])('refuses the hop-by-hop or framing header %s', (name) => {
    given()
      .when(create({ [name]: 'x' }))
      .thenFails(refusedAt(name, 'hop-by-hop or framing header'));
  });

  it.each(['webhook-id', 'Webhook-Timestamp', 'WEBHOOK-SIGNATURE', 'Content-Type'])('refuses %s, which Hookledger sets', (name) => {
    given()
      .when(create({ [name]: 'x' }))
      .thenFails(refusedAt(name, 'set by Hookledger'));
  });

  it.each(['X Team', 'X:Team', 'Ünicode', '', 'x'.repeat(257)])('refuses the name %j, which is not an RFC 9110 token', (name) => {
    given()
      .when(create({ [name]: 'x' }))
      .thenFails({ type: 'ValidationFailed', details: [{ path: ['channels', 0, 'configs', 'headers', name], message: expect.any(String) }] });
  });

  it('refuses a name given twice in different letter case, at the second spelling', () => {
    given()
      .when(create({ 'X-Team': 'a', 'x-team': 'b' }))
      .thenFails(refusedAt('x-team', "repeats 'X-Team'"));
  });

  it('reports every bad header at once', () => {
    const { result } = given().when(create({ TE: 'trailers', 'X-A': 'a\u0001', 'X-B': 'ok' }));
    expect(result).toMatchObject({
      _tag: 'Left',
      left: { details: [{ path: ['channels', 0, 'configs', 'headers', 'TE'] }, { path: ['channels', 0, 'configs', 'headers', 'X-A'] }] },
    });
  });

  it('accepts tokens, printable ASCII, tabs inside, empty values and Latin-1 text as written', () => {
    const headers = {
      Authorization: 'Bearer abc.def',
      "X-!#$%&'*+.^_`|~": 'symbols !"#$%&()*+,-./:;<=>?@[\\]^_`{|}~',
      'X-Latin': 'café naïve © ÿ',
      'X-Tab': 'a\tb',
      'X-Empty': '',
    };
    given()
      .when(create(headers))
      .then(created({ at: T1, channels: [{ channel: 'webhook', configs: { url: 'https://example.com/hook', headers, timeout: 10 } }] }));
  });

  it('checks headers on a channel change too', () => {
    given(created())
      .when(command({ type: 'ChangeChannels', data: { channels: [hook({ Trailer: 'x' })] } }))
      .thenFails(refusedAt('Trailer', 'hop-by-hop'));
  });
});

describe('headers stored under the older, laxer rules', () => {
  const old = created({
    channels: [{ channel: 'webhook', configs: { url: 'https://example.com/hook', headers: { TE: 'trailers', 'X-Price': 'price €5' }, timeout: 10 } }],
  });

  it('given a webhook stored with headers now refused, when its events are read back, then they still parse', () => {
    expect(upcast(JSON.parse(JSON.stringify(old)) as WebhookEvent)._tag).toBe('Right');
  });

  it('given such a webhook, when it is renamed, then the unchanged channel is not re-checked', () => {
    given(old)
      .when(command({ type: 'RenameWebhook', data: { webhook_name: 'Renamed' } }, T2))
      .then({ type: 'WebhookRenamed', version: 1, data: { webhook_name: 'Renamed', at: T2 } });
  });

  it('given such a webhook, when that channel is written again, then its headers must be fixed', () => {
    given(old)
      .when(command({ type: 'ChangeChannels', data: { channels: [hook({ TE: 'trailers', 'X-Price': 'price €6' })] } }, T2))
      .thenFails({
        type: 'ValidationFailed',
        details: [
          { path: ['channels', 0, 'configs', 'headers', 'TE'], message: expect.stringContaining('hop-by-hop') },
          { path: ['channels', 0, 'configs', 'headers', 'X-Price'], message: expect.stringContaining('U+20AC') },
        ],
      });
  });
});
