import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AttemptDisposition,
  type AttemptPlan,
  type AttemptPurpose,
  type AutoPauseDecision,
  type ChannelKind,
  DELIVERY_STATUSES,
  type DeliveryStatus,
  type FailureStreak,
  type NextStep,
  type RepairableJob,
  type WebhookEvent,
  decideAutoPause,
  fold,
  isDeliveryStatus,
  isFinal,
  isRecoverable,
  isRetryable,
  nextStepAfter,
  planAttempt,
  streakDecides,
} from '../../src/domain/index.js';
import { T0, T1, T2, channelsChanged, created, deleted, httpChannel, paused } from '../support/webhook-fixtures.js';

const NOW = Date.parse(T1);
const SCHEDULE = [0, 5000, 300_000];

describe('delivery status: a closed union', () => {
  it('has exactly the six statuses, three of them final', () => {
    expect(DELIVERY_STATUSES).toEqual(['scheduled', 'leased', 'succeeded', 'failed', 'held', 'cancelled']);
    expect(DELIVERY_STATUSES.filter(isFinal)).toEqual(['succeeded', 'failed', 'cancelled']);
    expect([isDeliveryStatus('cancelled'), isDeliveryStatus('done'), isDeliveryStatus(undefined)]).toEqual([true, false, false]);
  });
});

/** Given an attempt's disposition after `made` attempts, when the next step is decided, then … */
const givenAttempt = (disposition: AttemptDisposition, made: number, retryAfterMs?: number) => ({
  then: (expected: NextStep) =>
    expect(nextStepAfter(disposition, { attemptsMade: made, schedule: SCHEDULE, random: 0.5, now: NOW, retryAfterMs })).toEqual(expected),
});

describe('the next step after an attempt', () => {
  it('is done after a success, whatever the schedule', () => {
    givenAttempt('succeeded', 1).then({ status: 'succeeded' });
    givenAttempt('succeeded', 99).then({ status: 'succeeded' });
  });

  it('is the schedule’s next delay after a retryable failure, or a longer Retry-After', () => {
    givenAttempt('retry', 1).then({ status: 'scheduled', at: NOW + 5000 });
    givenAttempt('retry', 2).then({ status: 'scheduled', at: NOW + 300_000 });
    givenAttempt('retry', 1, 60_000).then({ status: 'scheduled', at: NOW + 60_000 });
  });

  it('is failed once the schedule is used up', () => {
    givenAttempt('retry', 3).then({ status: 'failed' });
  });

  it('is failed at once after a final failure or 410 Gone', () => {
    givenAttempt('final', 1).then({ status: 'failed' });
    givenAttempt('gone', 1).then({ status: 'failed' });
  });
});

const RULE = { afterFailures: 3, afterMs: 60_000 };
/** Given an attempt's disposition and the streak (this failure included), when auto-pause is decided, then … */
const givenFailure = (disposition: AttemptDisposition, streak?: FailureStreak) => ({
  then: (expected: AutoPauseDecision) => expect(decideAutoPause({ disposition, channel: 'webhook', streak, now: NOW, rule: RULE })).toEqual(expected),
});

describe('auto-pause', () => {
  it('never pauses after a success', () => {
    givenFailure('succeeded', { count: 50, since: T0 }).then({ pause: false });
    expect(streakDecides('succeeded')).toBe(false);
  });

  it('pauses at once on 410 Gone, without the streak', () => {
    givenFailure('gone').then({ pause: true, reason: 'auto-paused: the webhook endpoint answered 410 Gone' });
    expect(streakDecides('gone')).toBe(false);
  });

  it('pauses when the streak reaches the count', () => {
    expect([streakDecides('retry'), streakDecides('final')]).toEqual([true, true]);
    const since = new Date(NOW - 1000).toISOString();
    givenFailure('retry', { count: 2, since }).then({ pause: false });
    givenFailure('retry', { count: 3, since }).then({ pause: true, reason: `auto-paused: 3 failed delivery attempts in a row since ${since}` });
    givenFailure('final', { count: 3, since }).then({ pause: true, reason: `auto-paused: 3 failed delivery attempts in a row since ${since}` });
  });

  it('pauses when the streak is old enough, however short', () => {
    const since = new Date(NOW - 60_000).toISOString();
    givenFailure('retry', { count: 1, since }).then({ pause: true, reason: `auto-paused: 1 failed delivery attempts in a row since ${since}` });
    givenFailure('retry', { count: 1, since: new Date(NOW - 59_999).toISOString() }).then({ pause: false });
  });

  it('does not pause when the streak is empty (reset by a resume) or could not be read', () => {
    givenFailure('retry', { count: 0, since: undefined }).then({ pause: false });
    givenFailure('retry').then({ pause: false });
    givenFailure('retry', { count: 1, since: 'garbage' }).then({ pause: false });
  });
});

const job = (status: DeliveryStatus, acceptedAt = T1, leaseUntil?: number): RepairableJob => ({ status, acceptedAt, leaseUntil });

describe('what recover sends again', () => {
  it('sends failed and held jobs accepted in the window, both ends included', () => {
    expect(isRecoverable(job('failed'), { since: T1 })).toBe(true);
    expect(isRecoverable(job('held'), { since: T0, until: T1 })).toBe(true);
    expect(isRecoverable(job('failed', T0), { since: T1 })).toBe(false);
    expect(isRecoverable(job('failed', T2), { since: T0, until: T1 })).toBe(false);
  });

  it('leaves every other status alone', () => {
    for (const status of ['scheduled', 'leased', 'succeeded', 'cancelled'] as const) expect(isRecoverable(job(status), { since: T0 })).toBe(false);
  });
});

describe('what a retry of one message sends again', () => {
  it('sends anything but a live lease and a cancelled job, success included', () => {
    for (const status of ['scheduled', 'succeeded', 'failed', 'held'] as const) expect(isRetryable(job(status), NOW)).toBe(true);
    expect(isRetryable(job('cancelled'), NOW)).toBe(false);
    expect(isRetryable(job('leased', T1, NOW + 1), NOW)).toBe(false);
    expect(isRetryable(job('leased', T1, NOW), NOW)).toBe(true);
  });

  it('is total over every status (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DELIVERY_STATUSES), fc.integer(), (status, lease) => typeof isRetryable(job(status, T1, lease), NOW) === 'boolean'),
    );
  });
});

/** Given the webhook's history, when a job for `channelId` is about to be attempted, then … */
const givenWebhook = (...history: WebhookEvent[]) => ({
  whenAttempting: (channelId: string, purpose: AttemptPurpose = 'event', kind: ChannelKind = 'webhook') => ({
    then: (expected: AttemptPlan | Partial<AttemptPlan>) =>
      expect(planAttempt(history.length ? fold(history) : undefined, { channelId, kind }, purpose)).toMatchObject(expected),
  }),
});

describe('before each attempt: the webhook’s current settings decide', () => {
  const repaired = {
    ...httpChannel('https://new.example/hook'),
    configs: { url: 'https://new.example/hook', headers: { Authorization: 'Bearer new' }, timeout: 10 },
  };

  it('sends with the channel as configured now, found by its id', () => {
    givenWebhook(created(), channelsChanged([repaired], T1))
      .whenAttempting('ch_1')
      .then({ kind: 'send', channel: { channel_id: 'ch_1', ...repaired }, webhookName: 'Slack Engineering Alerts', failureStreakResetAt: T1 });
  });

  it('holds an event for a paused webhook, but sends it a test', () => {
    givenWebhook(created(), paused()).whenAttempting('ch_1').then({ kind: 'hold' });
    givenWebhook(created(), paused()).whenAttempting('ch_1', 'test').then({ kind: 'send' });
  });

  it('cancels a job whose channel was removed, with the reason, paused or not', () => {
    const reason = { kind: 'cancel', reason: 'channel-removed', error: 'cancelled: channel ch_1 was removed from the webhook; nothing was sent' } as const;
    givenWebhook(created(), channelsChanged([{ ...httpChannel('https://other.example/'), channel_id: 'ch_2' }]))
      .whenAttempting('ch_1')
      .then(reason);
    givenWebhook(created(), channelsChanged([{ ...httpChannel('https://other.example/'), channel_id: 'ch_2' }]), paused(T2))
      .whenAttempting('ch_1')
      .then(reason);
    // A job queued before ids (its id from its position) whose position now holds another kind of channel.
    givenWebhook(created()).whenAttempting('ch_1', 'event', 'slack').then({ kind: 'cancel', reason: 'channel-removed' });
  });

  it('cancels a deleted (or never known) webhook’s job, tests included', () => {
    const gone = { kind: 'cancel', reason: 'webhook-deleted', error: 'cancelled: the webhook was deleted; nothing was sent' } as const;
    givenWebhook(created(), deleted()).whenAttempting('ch_1').then(gone);
    givenWebhook(created(), deleted()).whenAttempting('ch_1', 'test').then(gone);
    givenWebhook().whenAttempting('ch_1').then(gone);
  });
});
