import { describe, expect, it } from 'vitest';
import { type WebhookEvent, dottedCatalog, fold, webhookDecider } from '../../src/domain/index.js';
import { DeciderSpecification } from '../support/decider-spec.js';
import { type BareCommand, command, untrusted, updateWebhook as update } from '../support/webhook-commands.js';
import { T0, T1, T2, channelsChanged, created, deleted, httpChannel, meta, paused, slackChannel } from '../support/webhook-fixtures.js';

const { given } = DeciderSpecification.for(webhookDecider);

const fullUpdate = {
  webhook_name: 'Slack Engineering Alerts',
  event_types: ['cluster.execution.completed', 'cluster.execution.failed'],
  channels: [{ channel: 'webhook' as const, configs: { url: 'https://example.com/hook' } }],
  is_active: true,
};

describe('UpdateWebhook (full and partial)', () => {
  it('records nothing when a full update changes nothing', () => {
    given(created()).when(update(fullUpdate)).thenNothingHappens();
  });

  it('treats a reordered list as no change', () => {
    given(created())
      .when(update({ ...fullUpdate, event_types: ['cluster.execution.failed', 'cluster.execution.completed'] }))
      .thenNothingHappens();
  });

  it('records only the fields that changed, in a fixed order', () => {
    given(created())
      .when(update({ ...fullUpdate, webhook_name: 'Renamed', channels: [slackChannel], is_active: false }))
      .then({ type: 'WebhookRenamed', version: 1, data: { webhook_name: 'Renamed', at: T1 } }, channelsChanged([{ ...slackChannel, channel_id: 'ch_2' }]), {
        type: 'WebhookPaused',
        version: 1,
        data: { reason: 'paused on request', automatic: false, at: T1 },
      });
  });

  it('leaves out fields that a partial update does not name', () => {
    given(created())
      .when(update({ event_types: ['object.*'] }))
      .then({ type: 'WebhookEventTypesChanged', version: 1, data: { event_types: ['object.*'], at: T1 } });
  });

  it('resumes a paused webhook when is_active becomes true', () => {
    given(created(), paused())
      .when(update({ is_active: true }, T2))
      .then({ type: 'WebhookResumed', version: 1, data: { at: T2 } });
  });

  it('does not re-check unchanged event types against the catalog', () => {
    const retired = created({ event_types: ['object.retired'] }); // no longer in the catalog
    given(retired)
      .when(update({ webhook_name: 'New name' }))
      .then({
        type: 'WebhookRenamed',
        version: 1,
        data: { webhook_name: 'New name', at: T1 },
      });
    given(retired)
      .when(update({ event_types: ['object.retired', 'object.gone'] }))
      .thenFails({ type: 'ValidationFailed' });
  });

  it('rejects a rule broken by the change, naming the field', () => {
    given(created())
      .when(update({ channels: [httpChannel(), httpChannel()] }))
      .thenFails({ type: 'ValidationFailed', details: [{ path: ['channels', 1], message: expect.stringContaining('duplicates') }] });
  });

  it('is not found before creation and after deletion', () => {
    given().when(update(fullUpdate)).thenFails({ type: 'WebhookNotFound' });
    given(created(), deleted())
      .when(update({ webhook_name: 'x' }))
      .thenFails({ type: 'WebhookNotFound' });
  });
});

describe('single-field commands', () => {
  it('renames, changes event types and changes channels', () => {
    given(created())
      .when(command({ type: 'RenameWebhook', data: { webhook_name: 'B' } }))
      .then({ type: 'WebhookRenamed', version: 1, data: { webhook_name: 'B', at: T1 } });
    given(created())
      .when(command({ type: 'ChangeEventTypes', data: { event_types: ['*'] } }))
      .then({ type: 'WebhookEventTypesChanged', version: 1, data: { event_types: ['*'], at: T1 } });
    given(created())
      .when(command({ type: 'ChangeChannels', data: { channels: [slackChannel] } }))
      .then(channelsChanged([{ ...slackChannel, channel_id: 'ch_2' }]));
  });

  it('renaming to the same name records nothing', () => {
    given(created())
      .when(command({ type: 'RenameWebhook', data: { webhook_name: 'Slack Engineering Alerts' } }))
      .thenNothingHappens();
  });
});

describe('pause and resume', () => {
  it('pauses an active webhook with the reason', () => {
    given(created())
      .when(command({ type: 'PauseWebhook', data: { reason: '100 consecutive failed deliveries', automatic: true } }))
      .then({ type: 'WebhookPaused', version: 1, data: { reason: '100 consecutive failed deliveries', automatic: true, at: T1 } });
  });

  it('pausing a paused webhook and resuming an active one are no-ops', () => {
    given(created(), paused())
      .when(command({ type: 'PauseWebhook', data: {} }))
      .thenNothingHappens();
    given(created())
      .when(command({ type: 'ResumeWebhook', data: {} }))
      .thenNothingHappens();
  });

  it('resumes a paused webhook', () => {
    given(created(), paused())
      .when(command({ type: 'ResumeWebhook', data: {} }, T2))
      .then({ type: 'WebhookResumed', version: 1, data: { at: T2 } });
  });
});

describe('secret rotation', () => {
  it('records that the secret rotated and until when the old one signs, never the secret', () => {
    given(created())
      .when(command({ type: 'RotateWebhookSecret', data: { previous_valid_until: T2 } }))
      .then({ type: 'WebhookSecretRotated', version: 1, data: { previous_valid_until: T2, at: T1 } });
    given(created(), deleted())
      .when(command({ type: 'RotateWebhookSecret', data: { previous_valid_until: T2 } }))
      .thenFails({ type: 'WebhookNotFound' });
  });
});

describe('delete', () => {
  it('deletes a live webhook, active or paused', () => {
    given(created())
      .when(command({ type: 'DeleteWebhook', data: {} }))
      .then(deleted());
    given(created(), paused())
      .when(command({ type: 'DeleteWebhook', data: {} }, T2))
      .then(deleted(T2));
  });

  it('is idempotent once deleted and terminal for everything else', () => {
    given(created(), deleted())
      .when(command({ type: 'DeleteWebhook', data: {} }))
      .thenNothingHappens();
    const refused: BareCommand[] = [
      { type: 'PauseWebhook', data: {} },
      { type: 'ResumeWebhook', data: {} },
      { type: 'RenameWebhook', data: { webhook_name: 'x' } },
    ];
    for (const bare of refused) {
      given(created(), deleted()).when(command(bare)).thenFails({ type: 'WebhookNotFound' });
    }
  });

  it('cannot delete what never existed', () => {
    given()
      .when(command({ type: 'DeleteWebhook', data: {} }))
      .thenFails({ type: 'WebhookNotFound' });
  });
});

describe('evolve', () => {
  it('keeps created_at and moves updated_at with every recorded change', () => {
    const history: WebhookEvent[] = [created(), { type: 'WebhookRenamed', version: 1, data: { webhook_name: 'B', at: T1 } }, paused(T2)];
    expect(fold(history)).toEqual({
      status: 'paused',
      paused_reason: 'paused on request',
      paused_automatically: false,
      webhook_id: 'wh_abc123def4',
      organization_id: 'int_000000000000000000000001',
      webhook_name: 'B',
      event_types: ['cluster.execution.completed', 'cluster.execution.failed'],
      channels: [{ channel_id: 'ch_1', ...httpChannel() }],
      last_channel_number: 1,
      failure_streak_reset_at: T0,
      created_at: T0,
      updated_at: T2,
    });
  });

  it('ignores an event that cannot apply (a corrupted stream) instead of inventing state', () => {
    expect(fold([paused()])).toEqual({ status: 'initial' });
    expect(fold([created(), deleted(), { type: 'WebhookResumed', version: 1, data: { at: T2 } }]).status).toBe('deleted');
  });
});

describe('untrusted input', () => {
  it.each([
    ['null', null],
    ['a string', 'CreateWebhook'],
    ['an unknown type', { type: 'Explode', data: {}, metadata: meta() }],
    ['no metadata', { type: 'PauseWebhook', data: {} }],
    ['a bad clock value', { type: 'PauseWebhook', data: {}, metadata: { now: 'yesterday', catalog: dottedCatalog } }],
    ['data that is an array', { type: 'RenameWebhook', data: [], metadata: meta() }],
  ])('turns %s into ValidationFailed without throwing', (_name, command) => {
    given(created()).when(untrusted(command)).thenFails({ type: 'ValidationFailed' });
  });
});
