import { describe, expect, it } from 'vitest';
import { type Channel, SETTINGS_MAX_BYTES, settingsSize, webhookDecider } from '../../src/domain/index.js';
import { DeciderSpecification } from '../support/decider-spec.js';
import { command, createWebhook as createCommand } from '../support/webhook-commands.js';
import { T0, T1, created } from '../support/webhook-fixtures.js';

const { given } = DeciderSpecification.for(webhookDecider);

const NAME = 'Slack Engineering Alerts';
const TYPES = ['cluster.execution.completed', 'cluster.execution.failed'];

/** Slack channels (up to 10, 10,000-character templates each) whose settings take exactly `bytes` as canonical JSON. */
const channelsOf = (bytes: number, filler = 'x'): Channel[] => {
  const channel = (i: number, text: string): Channel => ({
    channel: 'slack',
    configs: { webhook_url: 'https://hooks.slack.com/services/T/B/X', channel: `#alerts-${i}`, message_template: text },
  });
  const fillerBytes =
    settingsSize({ webhook_name: NAME, event_types: TYPES, channels: [channel(0, filler)] }) -
    settingsSize({ webhook_name: NAME, event_types: TYPES, channels: [channel(0, '')] });
  const channels: Channel[] = [];
  let left = bytes - settingsSize({ webhook_name: NAME, event_types: TYPES, channels: [] });
  for (let i = 0; left > 0; i++) {
    const empty =
      settingsSize({ webhook_name: NAME, event_types: TYPES, channels: [...channels, channel(i, '')] }) -
      settingsSize({ webhook_name: NAME, event_types: TYPES, channels });
    const room = Math.min(Math.floor((left - empty) / fillerBytes), Math.floor(9_000 / filler.length));
    channels.push(channel(i, filler.repeat(room)));
    left = bytes - settingsSize({ webhook_name: NAME, event_types: TYPES, channels });
    if (left > 0 && left < 200) {
      // Close the gap with ASCII on the last template.
      const last = channels.pop()!;
      channels.push({
        ...last,
        configs: { ...last.configs, message_template: `${(last.configs as { message_template: string }).message_template}${'y'.repeat(left)}` },
      } as Channel);
      left = 0;
    }
  }
  expect(settingsSize({ webhook_name: NAME, event_types: TYPES, channels })).toBe(bytes);
  return channels;
};

describe('the size of one webhook’s settings (64 KiB of canonical JSON)', () => {
  it('creates a webhook whose settings take exactly 64 KiB', () => {
    const { result } = given().when(createCommand({ channels: channelsOf(SETTINGS_MAX_BYTES) }));
    expect(result._tag).toBe('Right');
  });

  it('refuses one byte more, at the body’s root, naming the size and the limit', () => {
    given()
      .when(createCommand({ channels: channelsOf(SETTINGS_MAX_BYTES + 1) }))
      .thenFails({
        type: 'ValidationFailed',
        details: [{ path: [], message: `the settings take ${SETTINGS_MAX_BYTES + 1} bytes as canonical JSON; at most 65536 (64 KiB) are allowed` }],
      });
  });

  it('counts UTF-8 bytes, not characters: 2-byte and 4-byte characters weigh what they take on the wire', () => {
    expect(settingsSize({ webhook_name: 'é', event_types: [], channels: [] }) - settingsSize({ webhook_name: 'e', event_types: [], channels: [] })).toBe(1);
    expect(settingsSize({ webhook_name: '🦆', event_types: [], channels: [] }) - settingsSize({ webhook_name: '', event_types: [], channels: [] })).toBe(4);
    expect(given().when(createCommand({ channels: channelsOf(SETTINGS_MAX_BYTES - 1, 'é') })).result._tag).toBe('Right');
    given()
      .when(createCommand({ channels: channelsOf(SETTINGS_MAX_BYTES + 1, 'é') }))
      .thenFails({ type: 'ValidationFailed' });
  });

  it('refuses an edit that takes the settings over the limit, and records nothing', () => {
    given(created({ channels: channelsOf(SETTINGS_MAX_BYTES - 10), at: T0 }))
      .when(command({ type: 'UpdateWebhook', data: { webhook_name: `${NAME} and some more words` } }, T1))
      .thenFails({ type: 'ValidationFailed', details: [{ path: [], message: expect.stringContaining('at most 65536') }] });
  });

  it('lets settings written before the rule shrink or stay as they are, but not grow', () => {
    const big = channelsOf(SETTINGS_MAX_BYTES + 1000);
    given(created({ channels: big, at: T0 }))
      .when(command({ type: 'RenameWebhook', data: { webhook_name: 'Short' } }, T1))
      .then({ type: 'WebhookRenamed', version: 1, data: { webhook_name: 'Short', at: T1 } });
    given(created({ channels: big, at: T0 }))
      .when(command({ type: 'PauseWebhook', data: {} }, T1))
      .then({ type: 'WebhookPaused', version: 1, data: { reason: 'paused on request', automatic: false, at: T1 } });
    given(created({ channels: big, at: T0 }))
      .when(command({ type: 'RenameWebhook', data: { webhook_name: `${NAME}!` } }, T1))
      .thenFails({ type: 'ValidationFailed' });
  });
});
