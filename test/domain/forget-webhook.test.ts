import { describe, expect, it } from 'vitest';
import {
  FORGOTTEN,
  type WebhookEvent,
  fold,
  hasSensitiveFields,
  mapSensitiveEventFields,
  needsSealing,
  readStoredEvent,
  redactChannel,
  webhookDecider,
} from '../../src/domain/index.js';
import { DeciderSpecification } from '../support/decider-spec.js';
import { command, untrusted } from '../support/webhook-commands.js';
import { T1, T2, created, deleted, httpChannel, slackChannel } from '../support/webhook-fixtures.js';

const { given } = DeciderSpecification.for(webhookDecider);
const forgotten = (at = T1): WebhookEvent => ({ type: 'WebhookForgotten', version: 1, data: { at } });
const forget = (now = T1) => command({ type: 'ForgetWebhook', data: {} }, now);

describe('ForgetWebhook (ADR 0018)', () => {
  it('deletes a live webhook and records that it was forgotten', () => {
    given(created()).when(forget()).then(deleted(), forgotten());
  });

  it('forgets a webhook deleted earlier', () => {
    given(created(), deleted()).when(forget(T2)).then(forgotten(T2));
  });

  it('is idempotent: a forgotten webhook records nothing more', () => {
    given(created(), deleted(), forgotten()).when(forget(T2)).thenNothingHappens();
  });

  it('refuses an unknown webhook, and data it does not take', () => {
    given().when(forget()).thenFails({ type: 'WebhookNotFound' });
    given(created())
      .when(command(untrusted<Parameters<typeof command>[0]>({ type: 'ForgetWebhook', data: { now: true } })))
      .thenFails({ type: 'ValidationFailed' });
  });

  it('keeps when it was forgotten in the deleted state; nothing else can happen to it', () => {
    const state = fold([created(), deleted(), forgotten(T2)]);
    expect(state).toMatchObject({ status: 'deleted', deleted_at: T1, forgotten_at: T2, updated_at: T2 });
    given(created(), deleted(), forgotten())
      .when(command({ type: 'ResumeWebhook', data: {} }))
      .thenFails({ type: 'WebhookNotFound' });
  });

  it('reads a created event whose sealed values read "[forgotten]" (stored events are shape-checked, not re-validated)', () => {
    const event = created({ channels: [httpChannel('https://example.com/hook?token=t'), slackChannel] });
    const shredded = { ...event, data: mapSensitiveEventFields(event.data, (value, field) => (needsSealing(field, value) ? FORGOTTEN : value)) };
    const read = readStoredEvent(shredded);
    expect(read._tag).toBe('Right');
    expect(JSON.stringify(read)).not.toContain('token=t');
  });
});

describe('sensitive channel fields', () => {
  it('seals an HTTP URL only with a query or userinfo, headers only when there are some, every other sensitive field always', () => {
    expect(needsSealing('url', 'https://example.com/hook')).toBe(false);
    expect(needsSealing('url', 'https://example.com/hook?token=t')).toBe(true);
    expect(needsSealing('url', 'https://user:pw@example.com/')).toBe(true);
    expect(needsSealing('headers', {})).toBe(false);
    expect(needsSealing('headers', { Authorization: 'Bearer x' })).toBe(true);
    expect(needsSealing('webhook_url', 'https://hooks.slack.com/services/T/B/X')).toBe(true);
    expect(hasSensitiveFields(created({ channels: [httpChannel()] }).data)).toBe(false);
    expect(hasSensitiveFields(created({ channels: [httpChannel(), slackChannel] }).data)).toBe(true);
    expect(hasSensitiveFields({ webhook_name: 'x' })).toBe(false);
  });

  it('redacts a job copy to the same shape without any sensitive value, clear or sealed', () => {
    const channels = [
      { channel: 'webhook', configs: { url: 'https://example.com/hook?token=t', headers: { Authorization: 'Bearer x' }, timeout: 10, rate_limit: 5 } },
      { channel: 'slack', configs: { webhook_url: 'https://hooks.slack.com/services/T/B/X', channel: '#alerts' } },
      { channel: 'email', configs: { to_addresses: ['a@example.org'], cc: ['c@example.org'] } },
      { channel: 'sms', configs: { phone_numbers: ['+15550001234'] } },
    ];
    expect(channels.map(redactChannel)).toEqual([
      { channel: 'webhook', configs: { url: 'https://example.com/hook', headers: {}, timeout: 10, rate_limit: 5 } },
      { channel: 'slack', configs: { webhook_url: '[redacted]', channel: '#alerts' } },
      { channel: 'email', configs: { to_addresses: [], cc: [] } },
      { channel: 'sms', configs: { phone_numbers: [] } },
    ]);
    const sealed = { channel: 'webhook', configs: { url: 'sealed:v1:AAAA', headers: 'sealed:v1:BBBB', timeout: 10 } };
    expect(redactChannel(sealed)).toEqual({ channel: 'webhook', configs: { url: '[redacted]', headers: {}, timeout: 10 } });
    expect(redactChannel({ channel: 'email', configs: { to_addresses: 'sealed:v1:CCCC' } })).toEqual({ channel: 'email', configs: { to_addresses: [] } });
  });
});
