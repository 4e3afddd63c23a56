import { describe, expect, it } from 'vitest';
import { type Channel, upperSnakeCatalog, webhookDecider } from '../../src/domain/index.js';
import { DeciderSpecification } from '../support/decider-spec.js';
import { createWebhook as create, untrustedCreate } from '../support/webhook-commands.js';
import { T1, created, httpChannel, meta, slackChannel } from '../support/webhook-fixtures.js';

const { given } = DeciderSpecification.for(webhookDecider);

describe('CreateWebhook', () => {
  it('records WebhookCreated with defaults filled in and the name trimmed', () => {
    given()
      .when(create({ webhook_name: '  Slack Engineering Alerts ' }))
      .then(created({ at: T1 }));
  });

  it('creates a paused webhook when is_active is false', () => {
    given()
      .when(create({ is_active: false }))
      .then(created({ at: T1, is_active: false }));
  });

  it('refuses to create a webhook twice', () => {
    given(created()).when(create({})).thenFails({ type: 'WebhookAlreadyExists' });
  });

  it.each([
    ['empty name', { webhook_name: '   ' }, ['webhook_name']],
    ['name over 200 characters', { webhook_name: 'x'.repeat(201) }, ['webhook_name']],
    ['no event types', { event_types: [] }, ['event_types']],
    ['unknown event type', { event_types: ['object.exploded'] }, ['event_types', 0]],
    ['duplicate event type', { event_types: ['object.created', 'object.created'] }, ['event_types', 1]],
    ['* beside other names', { event_types: ['object.created', '*'] }, ['event_types', 0]],
    ['a name a wildcard already selects', { event_types: ['cluster.*', 'cluster.created'] }, ['event_types', 1]],
    ['a wildcard inside a wider one', { event_types: ['cluster.execution.*', 'cluster.*'] }, ['event_types', 0]],
    ['a wildcard without its separator', { event_types: ['cluster*'] }, ['event_types', 0]],
    ['a wildcard in the middle', { event_types: ['*.created'] }, ['event_types', 0]],
    ['a wildcard that selects nothing', { event_types: ['widget.*'] }, ['event_types', 0]],
    ['no channels', { channels: [] }, ['channels']],
    ['too many channels', { channels: Array.from({ length: 11 }, (_, i) => httpChannel(`https://example.com/${i}`)) }, ['channels']],
    ['unknown channel kind', { channels: [{ channel: 'pigeon', configs: {} }] }, ['channels', 0, 'channel']],
    ['not a URL', { channels: [{ channel: 'webhook', configs: { url: 'example.com/hook' } }] }, ['channels', 0, 'configs', 'url']],
    ['an ftp URL', { channels: [{ channel: 'webhook', configs: { url: 'ftp://example.com/hook' } }] }, ['channels', 0, 'configs', 'url']],
    ['credentials in the URL', { channels: [{ channel: 'webhook', configs: { url: 'https://u:p@example.com/' } }] }, ['channels', 0, 'configs', 'url']],
    ['a misspelt config key', { channels: [{ channel: 'webhook', configs: { ulr: 'https://example.com' } }] }, ['channels', 0, 'configs']],
    [
      'a reserved header',
      { channels: [{ channel: 'webhook', configs: { url: 'https://example.com', headers: { 'Webhook-Signature': 'x' } } }] },
      ['channels', 0, 'configs', 'headers', 'Webhook-Signature'],
    ],
    [
      'a header value with a line break',
      { channels: [{ channel: 'webhook', configs: { url: 'https://example.com', headers: { 'X-A': 'a\r\nB: c' } } }] },
      ['channels', 0, 'configs', 'headers', 'X-A'],
    ],
    [
      'a timeout over 30 s',
      { channels: [{ channel: 'webhook', configs: { url: 'https://example.com', timeout: 31 } }] },
      ['channels', 0, 'configs', 'timeout'],
    ],
    ['a bad email address', { channels: [{ channel: 'email', configs: { to_addresses: ['ops@'] } }] }, ['channels', 0, 'configs', 'to_addresses', 0]],
    ['no email recipients', { channels: [{ channel: 'email', configs: { to_addresses: [] } }] }, ['channels', 0, 'configs', 'to_addresses']],
    [
      'a phone number not in E.164',
      { channels: [{ channel: 'sms', configs: { phone_numbers: ['555-1234'] } }] },
      ['channels', 0, 'configs', 'phone_numbers', 0],
    ],
    [
      'a Slack channel with spaces',
      { channels: [{ channel: 'slack', configs: { webhook_url: 'https://hooks.slack.com/x', channel: '# a b' } }] },
      ['channels', 0, 'configs', 'channel'],
    ],
    ['two channels to one destination', { channels: [httpChannel(), httpChannel()] }, ['channels', 1]],
    ['a malformed webhook id', { webhook_id: 'wh_short' }, ['webhook_id']],
  ])('rejects %s with the field path', (_name, data, path) => {
    const { result } = given().when(untrustedCreate(data));
    expect(result._tag).toBe('Left');
    if (result._tag === 'Left') {
      expect(result.left.type).toBe('ValidationFailed');
      const paths = 'details' in result.left ? result.left.details.map((d) => d.path) : [];
      expect(paths).toContainEqual(path);
    }
  });

  it('reports every problem at once, not just the first', () => {
    const { result } = given().when(create({ webhook_name: '', event_types: [], channels: [] }));
    expect(result).toMatchObject({ _tag: 'Left', left: { type: 'ValidationFailed' } });
    if (result._tag === 'Left' && result.left.type === 'ValidationFailed') {
      expect(result.left.details.map((d) => d.path[0])).toEqual(['webhook_name', 'event_types', 'channels']);
    }
  });

  it('accepts every channel kind, the * subscription and prefix wildcards', () => {
    const channels: Channel[] = [
      httpChannel(),
      slackChannel,
      { channel: 'email', configs: { to_addresses: ['ops@example.com'], subject_template: '{{event_type}}' } },
      { channel: 'sms', configs: { phone_numbers: ['+15551234567'], message_template: '{{event_type}}' } },
    ];
    for (const event_types of [['*'], ['cluster.*', 'object.created'], ['collection.documents.*']]) {
      expect(given().when(create({ event_types, channels })).result._tag).toBe('Right');
    }
  });

  it('checks event types against the organization’s own catalog', () => {
    const upper = meta(T1, upperSnakeCatalog);
    expect(given().when(create({ event_types: ['FACT_SHEET_*', 'RELATION_SWITCH'] }, upper)).result._tag).toBe('Right');
    given()
      .when(create({ event_types: ['object.created'] }, upper))
      .thenFails({ type: 'ValidationFailed' });
    given()
      .when(create({ event_types: ['FACT_SHEET_CREATED'] }))
      .thenFails({ type: 'ValidationFailed' });
  });
});
