import { describe, expect, it } from 'vitest';
import { type Channel, type CommandMetadata, dottedCatalog, webhookDecider } from '../../src/domain/index.js';
import { DeciderSpecification } from '../support/decider-spec.js';
import { createWebhook, untrustedCreate } from '../support/webhook-commands.js';
import { T0, T1, channelsChanged, created } from '../support/webhook-fixtures.js';

const { given } = DeciderSpecification.for(webhookDecider);

const strict: CommandMetadata = { now: T1, catalog: dottedCatalog };
const open: CommandMetadata = { ...strict, allowPrivateDestinations: true };

const webhook = (url: string) => ({ channel: 'webhook', configs: { url, headers: {}, timeout: 10 } }) as const;
const slack = (webhook_url: string) => ({ channel: 'slack', configs: { webhook_url } }) as const;
const email: Channel = { channel: 'email', configs: { to_addresses: ['ops@localhost.example'] } };

const create = (channels: Channel[], metadata: CommandMetadata = strict) => createWebhook({ channels }, metadata);

const refused = (index: number, field: 'url' | 'webhook_url') => ({
  type: 'ValidationFailed' as const,
  details: [{ path: ['channels', index, 'configs', field], message: expect.stringMatching(/private|this machine/) }],
});

// Each literal a tenant could use to reach the operator's own network.
const privateUrls = [
  ['cloud metadata (link-local)', 'http://169.254.169.254/latest/meta-data'],
  ['IPv4 loopback', 'http://127.0.0.1:8080/x'],
  ['IPv4 loopback written as one number', 'http://2130706433/x'],
  ['IPv4 loopback written short', 'http://127.1/x'],
  ['RFC 1918', 'http://10.0.0.7/x'],
  ['unspecified', 'http://0.0.0.0/x'],
  ['CGNAT', 'http://100.64.0.1/x'],
  ['localhost', 'http://localhost/x'],
  ['localhost with a trailing dot, in capitals', 'http://LOCALHOST./x'],
  ['a *.localhost name', 'https://api.localhost/x'],
  ['IPv6 loopback', 'http://[::1]/x'],
  ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/x'],
  ['IPv4-mapped metadata in hex', 'http://[::ffff:a9fe:a9fe]/x'],
  ['IPv4-compatible loopback', 'http://[::7f00:1]/x'],
  ['SIIT (::ffff:0:0:0/96) loopback', 'http://[::ffff:0:7f00:1]/x'],
  ['NAT64 (64:ff9b::/96) of loopback', 'http://[64:ff9b::7f00:1]/x'],
  ['local-use NAT64 (64:ff9b:1::/48)', 'http://[64:ff9b:1::5db8:d822]/x'],
  ['6to4 (2002::/16) of loopback', 'http://[2002:7f00:1::]/x'],
  ['6to4 of RFC 1918', 'http://[2002:a00:7::1]/x'],
  ['Teredo whose client is loopback', 'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/x'],
  ['site-local (fec0::/10)', 'http://[fec0::1]/x'],
  ['discard (100::/64)', 'http://[100::1]/x'],
  ['IPv6 link-local', 'http://[fe80::1]/x'],
  ['unique-local (AWS metadata over IPv6)', 'http://[fd00:ec2::254]/x'],
  ['documentation', 'http://[2001:db8::1]/x'],
] as const;

const publicUrls = [
  ['a public IPv4 address', 'https://93.184.216.34/hook'],
  ['a public IPv6 address', 'https://[2606:4700::1]/hook'],
  ['a public hostname', 'https://example.com/hook'],
  ['a hostname that merely contains localhost', 'https://localhost.example.com/hook'],
  ['a hostname that resolves privately (checked when delivering)', 'https://internal.corp/hook'],
  ['IPv4-mapped public address', 'http://[::ffff:93.184.216.34]/x'],
  ['NAT64 of a public address', 'http://[64:ff9b::5db8:d822]/x'],
  ['6to4 of a public address', 'http://[2002:5db8:d822::1]/x'],
  ['Teredo whose client is public', 'http://[2001:0:4136:e378:8000:63bf:a247:27cb]/x'],
] as const;

describe('literal private destinations, when the operator does not allow them', () => {
  it.each(privateUrls)('refuses %s as a webhook url, at its path', (_case, url) => {
    given()
      .when(create([webhook(url)]))
      .thenFails(refused(0, 'url'));
  });

  it.each(privateUrls)('refuses %s as a Slack webhook_url, at its path', (_case, url) => {
    given()
      .when(create([email, slack(url)]))
      .thenFails(refused(1, 'webhook_url'));
  });

  it.each(publicUrls)('accepts %s', (_case, url) => {
    given()
      .when(create([webhook(url)]))
      .then(created({ at: T1, channels: [webhook(url)] }));
  });

  it('refuses them also when metadata says false explicitly', () => {
    given()
      .when(create([webhook('http://localhost/x')], { ...strict, allowPrivateDestinations: false }))
      .thenFails(refused(0, 'url'));
  });

  it('refuses metadata whose setting is not a boolean, rather than guessing', () => {
    given()
      .when(untrustedCreate({ channels: [webhook('https://example.com/hook')] }, { ...strict, allowPrivateDestinations: 'yes' }))
      .thenFails({ type: 'ValidationFailed', details: [{ path: ['metadata', 'allowPrivateDestinations'], message: expect.any(String) }] });
  });

  it('refuses a changed channel that points at one, at its index', () => {
    given(created())
      .when({ type: 'ChangeChannels', data: { channels: [webhook('https://example.com/hook'), webhook('http://169.254.169.254/x')] }, metadata: strict })
      .thenFails(refused(1, 'url'));
    given(created())
      .when({ type: 'UpdateWebhook', data: { channels: [slack('http://[::7f00:1]/x')] }, metadata: strict })
      .thenFails(refused(0, 'webhook_url'));
  });

  it('does not re-check a channel that stays as it was, so unrelated edits still work', () => {
    const loopback = webhook('http://127.0.0.1:9000/hook');
    const history = created({ channels: [loopback] });
    given(history)
      .when({ type: 'UpdateWebhook', data: { webhook_name: 'Renamed' }, metadata: strict })
      .then({ type: 'WebhookRenamed', version: 1, data: { webhook_name: 'Renamed', at: T1 } });
    given(history)
      .when({ type: 'ChangeChannels', data: { channels: [loopback, webhook('https://example.com/new')] }, metadata: strict })
      .then(channelsChanged([loopback, webhook('https://example.com/new')]));
  });
});

describe('literal private destinations, when the operator allows them', () => {
  it.each(privateUrls)('accepts %s', (_case, url) => {
    given()
      .when(create([webhook(url)], open))
      .then(created({ at: T1, channels: [webhook(url)] }));
  });

  it('accepts a changed channel too', () => {
    given(created({ at: T0 }))
      .when({ type: 'ChangeChannels', data: { channels: [slack('http://localhost:3000/x')] }, metadata: open })
      // Another kind at the same place is another channel: it gets the next id.
      .then(channelsChanged([{ ...slack('http://localhost:3000/x'), channel_id: 'ch_2' }]));
  });
});
