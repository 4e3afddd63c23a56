import { describe, expect, it } from 'vitest';
import { type WebhookEvent, Channel, TEMPLATE_FIELDS, decide, fold, templateProblems, upcast, webhookDecider } from '../../src/domain/index.js';
import { DeciderSpecification } from '../support/decider-spec.js';
import { command, createWebhook } from '../support/webhook-commands.js';
import { T1, T2, created, httpChannel, meta, withIds } from '../support/webhook-fixtures.js';

const { given } = DeciderSpecification.for(webhookDecider);

const base = {
  webhook: { url: 'https://example.com/hook' },
  slack: { webhook_url: 'https://hooks.slack.com/services/T/B/X' },
  email: { to_addresses: ['ops@example.com'] },
  sms: { phone_numbers: ['+15551234567'] },
} as const;
type Kind = keyof typeof base;
// Through the schema, which leaves templates to the rules (channelProblems), so a broken one still makes a channel.
const channel = (kind: Kind, configs: Record<string, unknown>): Channel => Channel.parse({ channel: kind, configs: { ...base[kind], ...configs } });

const create = (channels: Channel[]) => createWebhook({ webhook_name: 'Templates', event_types: ['cluster.execution.completed'], channels }, meta());

const path = (field: string) => ['channels', 0, 'configs', field];

describe('templates are checked when written', () => {
  it.each<[string, Kind, string, string, string]>([
    ['an unclosed section', 'slack', 'message_template', '{{#data}} oops', 'line 1, column 1: {{#data}} is never closed'],
    ['a partial', 'slack', 'message_template', '{{> constructor}}', 'partials ({{> name}}) are not supported'],
    ['blocks that are not JSON', 'slack', 'blocks_template', 'not json {{event_type}}', 'the output is not JSON'],
    ['blocks that render to an object', 'slack', 'blocks_template', '{"type": "section"}', 'must be a JSON array of blocks, not an object'],
    ['more than 50 blocks', 'slack', 'blocks_template', `[${Array(51).fill('{"type":"divider"}').join(',')}]`, 'Slack accepts at most 50'],
    ['a payload with a section that never closes', 'webhook', 'payload_template', '{"v":"{{#data}}"}', 'line 1, column 7: {{#data}} is never closed'],
    ['a payload that is not JSON', 'webhook', 'payload_template', 'plain text, not JSON', 'rendered for a sample webhook.test event, the output is not JSON'],
    ['a closing tag that closes nothing', 'email', 'subject_template', '{{/data}}', 'closes no open section'],
    ['a body with a helper that does not exist', 'email', 'body_template', '{{#each data.items}}x{{/each}}', 'cannot contain spaces'],
    ['an HTML part with a section that never closes', 'email', 'html_template', '<p>{{#data.items}}</p>', 'is never closed'],
    ['a delimiter change', 'sms', 'message_template', '{{=<% %>=}}', 'changing delimiters'],
    ['an SMS that renders past 1,600 characters', 'sms', 'message_template', '{{data_json}}'.repeat(40), 'output exceeds 1,600 characters'],
  ])('refuses %s, at the field, with the parser’s message', (_name, kind, field, template, message) => {
    given()
      .when(create([channel(kind, { [field]: template })]))
      .thenFails({ type: 'ValidationFailed', details: [{ path: path(field), message: expect.stringContaining(message) }] });
  });

  it('accepts templates that render for the sample event, and records them unchanged', () => {
    const channels = [
      channel('webhook', { headers: {}, timeout: 10, payload_template: '{"type": "{{event_type}}", "data": {{{data_json}}}, "n": "{{data.missing}}"}' }),
      channel('slack', {
        message_template: '<!here> *{{event_type}}*{{#data.message}}: {{.}}{{/data.message}}',
        blocks_template:
          '[{"type":"section","text":{"type":"mrkdwn","text":"{{webhook_name}}: {{data.message}}"}}{{#data.items}},{"type":"divider"}{{/data.items}}]',
      }),
      channel('email', {
        subject_template: '[{{webhook_name}}] {{event_type}}',
        body_template: 'Items:\n{{#data.items}}\n- {{name}}\n{{/data.items}}\n{{^data.items}}none{{/data.items}}\n',
      }),
      channel('sms', { message_template: '{{event_type}} {{! a comment }}{{{data.message}}}' }),
    ];
    given()
      .when(create(channels))
      .then({
        type: 'WebhookCreated',
        version: 2,
        data: {
          webhook_id: 'wh_abc123def4',
          organization_id: 'int_000000000000000000000001',
          webhook_name: 'Templates',
          event_types: ['cluster.execution.completed'],
          channels: withIds(channels),
          is_active: true,
          at: T1,
        },
      });
  });

  it('checks changed channels on PUT/PATCH (UpdateWebhook) and ChangeChannels, reporting every bad field', () => {
    const bad = [channel('slack', { message_template: '{{#a}}', blocks_template: '{}' })];
    for (const edit of [command({ type: 'UpdateWebhook', data: { channels: bad } }, T2), command({ type: 'ChangeChannels', data: { channels: bad } }, T2)]) {
      const { result } = given(created()).when(edit);
      expect(result).toMatchObject({ _tag: 'Left', left: { type: 'ValidationFailed' } });
      if (result._tag === 'Left' && result.left.type === 'ValidationFailed') {
        expect(result.left.details.map((d) => d.path)).toEqual([path('message_template'), path('blocks_template')]);
      }
    }
  });

  it('a webhook stored before these checks, with a template they refuse, stays readable, can be renamed and get more channels; editing that channel needs a fix', () => {
    const old = created({ channels: [channel('slack', { message_template: '{{#data}} oops' })] });
    expect(upcast(JSON.parse(JSON.stringify(old)) as WebhookEvent)._tag).toBe('Right');
    given(old)
      .when(command({ type: 'RenameWebhook', data: { webhook_name: 'Renamed' } }, T2))
      .then({ type: 'WebhookRenamed', version: 1, data: { webhook_name: 'Renamed', at: T2 } });
    // Channels left as they were are not re-checked, so adding one is not blocked by the old one.
    const added = decide(
      command({ type: 'UpdateWebhook', data: { channels: [channel('slack', { message_template: '{{#data}} oops' }), httpChannel()] } }, T2),
      fold([old]),
    );
    expect(added).toMatchObject({ _tag: 'Right', right: [{ type: 'WebhookChannelsChanged' }] });
    given(old)
      .when(command({ type: 'UpdateWebhook', data: { channels: [channel('slack', { message_template: '{{#data}} still broken' })] } }, T2))
      .thenFails({ type: 'ValidationFailed', details: [{ path: path('message_template'), message: expect.stringContaining('never closed') }] });
  });
});

describe('templateProblems', () => {
  it('knows every template field of every channel kind, and nothing else', () => {
    expect(Object.fromEntries(Object.entries(TEMPLATE_FIELDS).map(([k, v]) => [k, Object.keys(v)]))).toEqual({
      webhook: ['payload_template'],
      slack: ['message_template', 'blocks_template'],
      email: ['subject_template', 'body_template', 'html_template'],
      sms: ['message_template'],
    });
    expect(templateProblems({ channel: 'webhook', configs: { url: '{{#', headers: { 'X-A': '{{#' } } })).toEqual([]);
    expect(templateProblems({ channel: 'pigeon', configs: { message_template: '{{#' } })).toEqual([]);
  });
});
