import { describe, expect, it } from 'vitest';
import { CHECKPOINT_FORMAT, checkpointSigningInput, compareWithCheckpoint } from '../../src/domain/audit/checkpoint.js';
import { columnCopyProblems } from '../../src/domain/audit/column-copies.js';
import { isPrunableKey, isPrunableMessage, pruneCutoffs, retentionSettingsProblem } from '../../src/domain/retention/retention-rule.js';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-11-22T10:00:00.000Z');
const settings = { retentionDays: 30, idempotencyWindowMs: DAY };
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const cutoffs = pruneCutoffs(now, settings);

describe('the retention rule: what may be deleted, given the time and the settings', () => {
  it('takes its cutoffs from now: the retention period, the idempotency window, expiry at now', () => {
    expect(cutoffs).toEqual({ messagesAcceptedBefore: ago(30 * DAY), unaddressedAcceptedBefore: ago(DAY), keysExpiredBy: now.toISOString() });
  });

  it.each([
    ['finished, older than the period', ago(30 * DAY + 1), ['succeeded', 'failed', 'cancelled'], true],
    ['finished, exactly the period old', ago(30 * DAY), ['succeeded'], false],
    ['finished, younger', ago(29 * DAY), ['succeeded'], false],
    ['held (its webhook paused), older', ago(31 * DAY), ['held'], true],
    ['a job still scheduled, however old', ago(400 * DAY), ['succeeded', 'scheduled'], false],
    ['a job being attempted, however old', ago(400 * DAY), ['leased'], false],
    ['addressed to no webhook, past the key window', ago(DAY + 1), [], true],
    ['addressed to no webhook, within the key window', ago(DAY - 1), [], false],
  ])('a message %s: prunable %s', (_name, acceptedAt, jobStatuses, prunable) => {
    expect(isPrunableMessage({ acceptedAt, jobStatuses }, cutoffs)).toBe(prunable);
  });

  it('drops an idempotency key once its window is over, not before', () => {
    expect(isPrunableKey({ expiresAt: now.toISOString() }, cutoffs)).toBe(true);
    expect(isPrunableKey({ expiresAt: new Date(now.getTime() + 1).toISOString() }, cutoffs)).toBe(false);
  });

  it('refuses settings that cannot be right', () => {
    expect(retentionSettingsProblem(settings)).toBeUndefined();
    expect(retentionSettingsProblem({ ...settings, retentionDays: 0.5 })).toBe('retention must be at least the idempotency window (1 day(s))');
    expect(retentionSettingsProblem({ ...settings, retentionDays: Number.NaN })).toMatch(/positive number of days/);
  });
});

describe('column copies: the columns queries read must say what the hashed metadata says', () => {
  const hashed = { organizationId: 'int_a', recordedAt: '2026-11-22T10:00:00.000Z' };
  it('finds nothing when they agree, and names each column that does not', () => {
    expect(columnCopyProblems(hashed, { position: 1, ...hashed })).toEqual([]);
    expect(columnCopyProblems(hashed, { position: 1, organizationId: 'int_b', recordedAt: '2020-01-01T00:00:00.000Z' })).toEqual([
      "its organization_id column was changed to 'int_b' (the hashed metadata says 'int_a')",
      "its recorded_at column was changed to '2020-01-01T00:00:00.000Z' (the hashed metadata says '2026-11-22T10:00:00.000Z')",
    ]);
  });
});

describe('a checkpoint against the log as it is now', () => {
  const cp = { format: CHECKPOINT_FORMAT, position: 10, events: 8, head: 'a'.repeat(64), taken_at: '2026-11-22T10:00:00.000Z' } as const;
  it('is consistent when the event at its position has its chain and as many events lead to it', () => {
    expect(compareWithCheckpoint(cp, { chainAtPosition: cp.head, eventsUpToPosition: 8, lastPosition: 12 })).toEqual({ kind: 'consistent' });
  });
  it('finds a cut tail, a removed head, a changed count before it and a changed chain', () => {
    expect(compareWithCheckpoint(cp, { chainAtPosition: undefined, eventsUpToPosition: 6, lastPosition: 8 }).kind).toBe('cut-tail');
    expect(compareWithCheckpoint(cp, { chainAtPosition: undefined, eventsUpToPosition: 7, lastPosition: 11 })).toMatchObject({
      kind: 'rewritten-past',
      detail: expect.stringContaining('is gone'),
    });
    expect(compareWithCheckpoint(cp, { chainAtPosition: cp.head, eventsUpToPosition: 7, lastPosition: 10 })).toMatchObject({
      kind: 'rewritten-past',
      detail: expect.stringContaining('7 event(s) lead'),
    });
    expect(compareWithCheckpoint(cp, { chainAtPosition: 'b'.repeat(64), eventsUpToPosition: 8, lastPosition: 10 })).toMatchObject({
      kind: 'rewritten-past',
      detail: expect.stringContaining('rewritten'),
    });
  });
  it('of an empty log vouches for nothing; its signed text covers every field but the signature', () => {
    expect(compareWithCheckpoint({ ...cp, position: 0, events: 0 }, { chainAtPosition: undefined, eventsUpToPosition: 0, lastPosition: 0 }).kind).toBe(
      'consistent',
    );
    expect(checkpointSigningInput(cp)).toBe(`["${CHECKPOINT_FORMAT}",10,8,"${'a'.repeat(64)}","2026-11-22T10:00:00.000Z"]`);
  });
});
