import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Channel, type ChannelInput, type WebhookEvent, assignChannelIds, decide, fold, upcast, webhookDecider } from '../../src/domain/index.js';
import { DeciderSpecification } from '../support/decider-spec.js';
import { command, createWebhook as createCommand } from '../support/webhook-commands.js';
import { T0, T1, T2, channelsChanged, created, httpChannel, paused, slackChannel } from '../support/webhook-fixtures.js';

const { given } = DeciderSpecification.for(webhookDecider);
const change = (channels: readonly ChannelInput[], type: 'ChangeChannels' | 'UpdateWebhook' = 'ChangeChannels', now = T1) =>
  command({ type, data: { channels: [...channels] } }, now);
const a = httpChannel('https://a.example/hook');
const b = httpChannel('https://b.example/hook');
const c = httpChannel('https://c.example/hook');
const email: Channel = { channel: 'email', configs: { to_addresses: ['ops@example.com'] } };
const withHeader = (channel: ReturnType<typeof httpChannel>, value: string) => ({
  ...channel,
  configs: { ...channel.configs, headers: { Authorization: value } },
});
/** A webhook created with channels a (ch_1) and b (ch_2). */
const twoChannels = () => created({ channels: [a, b] });

describe('channel ids: given by the domain on create', () => {
  it('numbers the channels of a new webhook ch_1, ch_2, … in order', () => {
    given()
      .when(createCommand({ channels: [a, slackChannel, email] }))
      .then({
        type: 'WebhookCreated',
        version: 2,
        data: expect.objectContaining({
          channels: [
            { channel_id: 'ch_1', ...a },
            { channel_id: 'ch_2', ...slackChannel },
            { channel_id: 'ch_3', channel: 'email', configs: { to_addresses: ['ops@example.com'] } },
          ],
        }),
      });
  });

  it('refuses an id on create: the webhook has no channel yet, so every id is unknown (422 with the path)', () => {
    given()
      .when(createCommand({ channels: [a, { ...b, channel_id: 'ch_1' }] }))
      .thenFails({
        type: 'ValidationFailed',
        details: [{ path: ['channels', 1, 'channel_id'], message: expect.stringContaining('not a channel of this webhook') }],
      });
  });

  it('refuses an id that is not one the API gives out, by schema', () => {
    given()
      .when(createCommand({ channels: [{ ...a, channel_id: 'my-channel' }] }))
      .thenFails({ type: 'ValidationFailed', details: [{ path: ['channels', 0, 'channel_id'], message: expect.any(String) }] });
  });
});

describe('channel ids: kept across edits of the same channel (ChangeChannels, PUT and PATCH)', () => {
  it('keeps the id of a channel whose URL and headers were repaired in place (same index, same kind)', () => {
    const repaired = withHeader(httpChannel('https://new.example/hook'), 'Bearer new');
    given(twoChannels())
      .when(change([repaired, b]))
      .then(channelsChanged([repaired, b]));
    given(twoChannels())
      .when(change([repaired, b], 'UpdateWebhook'))
      .then(channelsChanged([repaired, b]));
  });

  it('keeps a channel’s id when the client sends it back, wherever the channel moved to', () => {
    const repaired = httpChannel('https://new.example/hook');
    given(twoChannels())
      .when(change([b, { ...repaired, channel_id: 'ch_1' }]))
      .then(
        channelsChanged([
          { ...b, channel_id: 'ch_2' },
          { ...repaired, channel_id: 'ch_1' },
        ]),
      );
  });

  it('follows a channel by its destination when the list is reordered and changed without ids', () => {
    given(twoChannels())
      .when(change([c, b, a]))
      .then(
        channelsChanged([
          { ...c, channel_id: 'ch_3' },
          { ...b, channel_id: 'ch_2' },
          { ...a, channel_id: 'ch_1' },
        ]),
      );
  });

  it('gives a removed channel’s id to nobody: a later new channel gets the next number', () => {
    given(twoChannels(), channelsChanged([a]))
      .when(change([a, c], 'ChangeChannels', T2))
      .then(channelsChanged([a, { ...c, channel_id: 'ch_3' }], T2));
  });

  it('gives a channel of another kind at the same place a new id', () => {
    given(twoChannels())
      .when(change([a, slackChannel]))
      .then(channelsChanged([a, { ...slackChannel, channel_id: 'ch_3' }]));
  });

  it('refuses an unknown id, an id of another kind, and one id named twice, with their paths', () => {
    given(twoChannels())
      .when(change([{ ...a, channel_id: 'ch_9' }]))
      .thenFails({
        type: 'ValidationFailed',
        details: [{ path: ['channels', 0, 'channel_id'], message: expect.stringContaining('ch_9 is not a channel of this webhook') }],
      });
    given(twoChannels())
      .when(change([{ ...slackChannel, channel_id: 'ch_1' }]))
      .thenFails({ type: 'ValidationFailed', details: [{ path: ['channels', 0, 'channel_id'], message: expect.stringContaining('is a webhook channel') }] });
    given(twoChannels())
      .when(
        change(
          [
            { ...a, channel_id: 'ch_1' },
            { ...c, channel_id: 'ch_1' },
          ],
          'UpdateWebhook',
        ),
      )
      .thenFails({
        type: 'ValidationFailed',
        details: [{ path: ['channels', 1, 'channel_id'], message: expect.stringContaining('named by another channel') }],
      });
  });

  it('refuses an unknown id even when the settings are otherwise unchanged', () => {
    given(twoChannels())
      .when(change([a, { ...b, channel_id: 'ch_7' }], 'UpdateWebhook'))
      .thenFails({ type: 'ValidationFailed' });
  });

  it('ignores ids when deciding whether anything changed', () => {
    given(twoChannels())
      .when(change([a, b]))
      .thenNothingHappens();
    given(twoChannels())
      .when(
        change([
          { ...b, channel_id: 'ch_2' },
          { ...a, channel_id: 'ch_1' },
        ]),
      )
      .thenNothingHappens();
    // A channel sent back as the API returned it (with its id and defaults) is no change either.
    const state = fold([twoChannels()]);
    if (state.status !== 'active') throw new Error('fixture');
    given(twoChannels()).when(change(state.channels, 'UpdateWebhook')).thenNothingHappens();
  });

  it('does not re-check settings of a kept channel that the client echoes with its id', () => {
    // Stored before today's template rules; echoing it back unchanged (with its id) must not be refused.
    const legacy = { channel: 'slack', configs: { webhook_url: 'https://hooks.slack.com/x', message_template: '{{#data}} oops' } } as const;
    given(created({ channels: [legacy] }))
      .when(change([{ ...legacy, channel_id: 'ch_1' }, b]))
      .then(channelsChanged([legacy, b]));
    given(created({ channels: [legacy] }))
      .when(change([legacy, b]))
      .then(channelsChanged([legacy, b]));
  });

  it('is deterministic and always gives unique ids, whatever the edit (property)', () => {
    const url = fc.constantFrom('https://a.example/', 'https://b.example/', 'https://c.example/', 'https://d.example/', 'https://e.example/');
    const channel = fc.oneof(
      url.map((u) => httpChannel(u) as Channel),
      url.map((u) => ({ channel: 'slack', configs: { webhook_url: u } }) as Channel),
    );
    const distinct = (cs: Channel[]) => cs.filter((x, i) => cs.findIndex((y) => JSON.stringify(y) === JSON.stringify(x)) === i);
    fc.assert(
      fc.property(fc.array(channel, { minLength: 1, maxLength: 5 }), fc.array(channel, { minLength: 1, maxLength: 5 }), (before, after) => {
        const existing = assignChannelIds(distinct(before), [], 0);
        if (existing._tag === 'Left') throw new Error('ids are never refused without ids given');
        const edit = assignChannelIds(distinct(after), existing.right.channels, existing.right.lastNumber);
        expect(edit).toEqual(assignChannelIds(distinct(after), existing.right.channels, existing.right.lastNumber));
        if (edit._tag === 'Left') throw new Error('ids are never refused without ids given');
        const ids = edit.right.channels.map((x) => x.channel_id);
        expect(new Set(ids).size).toBe(ids.length);
        // A new id is above every id given before: removed ids are never reused.
        for (const id of ids) {
          if (!existing.right.channels.some((x) => x.channel_id === id)) expect(Number(id.slice(3))).toBeGreaterThan(existing.right.lastNumber);
        }
      }),
    );
  });
});

describe('the failure streak restarts when the webhook is resumed or its channels change', () => {
  const resetAt = (...history: WebhookEvent[]) => {
    const state = fold(history);
    return state.status === 'initial' ? undefined : state.failure_streak_reset_at;
  };
  it('starts at creation, moves on resume and on a channel change, and not on a rename or a pause', () => {
    expect(resetAt(created())).toBe(T0);
    expect(resetAt(created(), paused(T1))).toBe(T0);
    expect(resetAt(created(), paused(T1), { type: 'WebhookResumed', version: 1, data: { at: T2 } })).toBe(T2);
    expect(resetAt(created(), channelsChanged([b], T1))).toBe(T1);
    expect(resetAt(created(), { type: 'WebhookRenamed', version: 1, data: { webhook_name: 'x', at: T1 } })).toBe(T0);
  });
});

describe('events recorded before channel ids (version 1) are upcast when read, never rewritten', () => {
  const v1Created = {
    type: 'WebhookCreated',
    version: 1,
    data: {
      webhook_id: 'wh_abc123def4',
      organization_id: 'int_1',
      webhook_name: 'Old',
      event_types: ['*'],
      channels: [a, slackChannel],
      is_active: true,
      at: T0,
    },
  };
  it('gives WebhookCreated v1 channels ids by position', () => {
    const result = upcast(v1Created);
    expect(result).toEqual({
      _tag: 'Right',
      right: {
        ...v1Created,
        version: 2,
        data: {
          ...v1Created.data,
          channels: [
            { channel_id: 'ch_1', ...a },
            { channel_id: 'ch_2', ...slackChannel },
          ],
        },
      },
    });
    expect(v1Created.data.channels[0]).not.toHaveProperty('channel_id');
  });

  it('gives WebhookChannelsChanged v1 channels ids by position, so a queued job of channel index i finds channel ch_<i+1>', () => {
    expect(upcast({ type: 'WebhookChannelsChanged', version: 1, data: { channels: [b, a], at: T1 } })).toEqual({
      _tag: 'Right',
      right: channelsChanged([b, a]),
    });
  });

  it('folds an old stream into a state whose next new channel gets a fresh id', () => {
    const events = [v1Created, { type: 'WebhookChannelsChanged', version: 1, data: { channels: [a, slackChannel, c], at: T1 } }].map((e) => {
      const r = upcast(e);
      if (r._tag === 'Left') throw new Error(r.left);
      return r.right;
    });
    expect(fold(events)).toMatchObject({ last_channel_number: 3 });
    const next = decide(change([a, slackChannel, c, b], 'ChangeChannels', T2), fold(events));
    expect(next).toEqual({ _tag: 'Right', right: [channelsChanged([a, slackChannel, c, { ...b, channel_id: 'ch_4' }], T2)] });
  });

  it('still reports a v1 event whose data is not what it should be', () => {
    expect(upcast({ type: 'WebhookChannelsChanged', version: 1, data: { channels: 'nope', at: T1 } })._tag).toBe('Left');
    expect(upcast({ type: 'WebhookCreated', version: 1, data: null })._tag).toBe('Left');
    expect(upcast({ type: 'WebhookChannelsChanged', version: 2, data: { channels: [a], at: T1 } })._tag).toBe('Left');
  });
});
