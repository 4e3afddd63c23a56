import { describe, expect, it } from 'vitest';
import { sharedFreshRuns, sharingSecretReads } from '../../src/application/index.js';
import type { WebhookSecretSet, WebhookSecrets } from '../../src/ports/webhook-secrets.js';

/** A run whose end the test decides. */
const controlled = <T>() => {
  const runs: { resolve: (value: T) => void; reject: (error: unknown) => void }[] = [];
  const run = () => new Promise<T>((resolve, reject) => runs.push({ resolve, reject }));
  return { run, runs };
};
const settledOf = <T>(p: Promise<T>) => {
  const s: { value?: T; error?: unknown; done: boolean } = { done: false };
  p.then(
    (value) => Object.assign(s, { value, done: true }),
    (error: unknown) => Object.assign(s, { error, done: true }),
  );
  return s;
};
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('sharedFreshRuns: callers share a run that started after they arrived, never an earlier one', () => {
  it('gives a caller that arrives during a run the next run, shared with everyone else who arrived meanwhile', async () => {
    const { run, runs } = controlled<string>();
    const shared = sharedFreshRuns(run);
    const first = settledOf(shared());
    const second = settledOf(shared());
    const third = settledOf(shared());
    expect(runs).toHaveLength(1);
    runs[0]!.resolve('before the others arrived');
    await flush();
    expect(first).toEqual({ value: 'before the others arrived', done: true });
    // The first run may have read the store before their callers' own writes: they wait for a new one.
    expect([second.done, third.done]).toEqual([false, false]);
    expect(runs).toHaveLength(2);
    runs[1]!.resolve('after they arrived');
    await flush();
    expect([second.value, third.value]).toEqual(['after they arrived', 'after they arrived']);
    // Idle again: the next caller starts a run of its own at once.
    const fourth = settledOf(shared());
    expect(runs).toHaveLength(3);
    runs[2]!.resolve('alone');
    await flush();
    expect(fourth.value).toBe('alone');
  });

  it('runs the next one after a failed run, and a failure reaches only the callers of its run', async () => {
    const { run, runs } = controlled<string>();
    const shared = sharedFreshRuns(run);
    const first = settledOf(shared());
    const second = settledOf(shared());
    runs[0]!.reject(new Error('store down'));
    await flush();
    expect((first.error as Error).message).toBe('store down');
    expect(second.done).toBe(false);
    runs[1]!.resolve('back');
    await flush();
    expect(second.value).toBe('back');
  });
});

describe('sharingSecretReads: concurrent reads of one webhook share a read; nothing is kept after it', () => {
  const store = () => {
    const reads: { webhookId: string; resolve: (s: WebhookSecretSet) => void }[] = [];
    const secrets: WebhookSecrets = {
      issue: async () => undefined,
      rotate: async (_id, secret) => ({ current: secret }),
      get: (webhookId) => new Promise((resolve) => reads.push({ webhookId, resolve })),
    };
    return { secrets, reads };
  };

  it('reads once for the jobs of one webhook in flight together, once per webhook', async () => {
    const { secrets, reads } = store();
    const shared = sharingSecretReads(secrets);
    const got = [shared.get('wh_1'), shared.get('wh_1'), shared.get('wh_2'), shared.get('wh_1')];
    expect(reads.map((r) => r.webhookId)).toEqual(['wh_1', 'wh_2']);
    reads[0]!.resolve({ current: 'whsec_one' });
    reads[1]!.resolve({ current: 'whsec_two' });
    expect((await Promise.all(got)).map((s) => s?.current)).toEqual(['whsec_one', 'whsec_one', 'whsec_two', 'whsec_one']);
  });

  it('reads again once the shared read has ended, so a rotation is seen by the next attempt', async () => {
    const { secrets, reads } = store();
    const shared = sharingSecretReads(secrets);
    const before = shared.get('wh_1');
    reads[0]!.resolve({ current: 'whsec_old' });
    expect((await before)?.current).toBe('whsec_old');
    const after = shared.get('wh_1');
    expect(reads).toHaveLength(2);
    reads[1]!.resolve({ current: 'whsec_new' });
    expect((await after)?.current).toBe('whsec_new');
    expect(await shared.rotate('wh_1', 'whsec_newer', '2026-11-23T00:00:00.000Z')).toEqual({ current: 'whsec_newer' });
  });
});
