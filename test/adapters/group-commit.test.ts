import { describe, expect, it } from 'vitest';
import { GroupCommit, type Settled, allOrEachAlone } from '../../src/adapters/shared/storage/group-commit.js';

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit: the calls of one moment are written together, each answered on its own', () => {
  it('writes the calls of one loop turn as one batch, and the calls made while it is written as the next', async () => {
    const batches: number[][] = [];
    let finish!: () => void;
    const group = new GroupCommit<number, number>(async (batch) => {
      batches.push([...batch]);
      if (batches.length === 1) await new Promise<void>((resolve) => (finish = resolve));
      return batch.map((n): Settled<number> => ({ ok: true, value: n * 10 }));
    });
    const first = [1, 2, 3].map((n) => group.submit(n));
    await flush();
    expect(batches).toEqual([[1, 2, 3]]);
    // Made while the first batch is being written (not yet durable): they wait, and go together.
    const second = [4, 5].map((n) => group.submit(n));
    await flush();
    expect(batches).toEqual([[1, 2, 3]]);
    let answered = false;
    void Promise.all(first).then(() => (answered = true));
    await flush();
    expect(answered).toBe(false); // nobody is answered before their batch is written
    finish();
    expect(await Promise.all(first)).toEqual([10, 20, 30]);
    expect(await Promise.all(second)).toEqual([40, 50]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('answers each caller with its own outcome, and rejects every caller of a batch whose write throws', async () => {
    let fail = false;
    const group = new GroupCommit<number, number>((batch) => {
      if (fail) throw new Error('commit failed');
      return batch.map((n): Settled<number> => (n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n }));
    });
    expect(await Promise.allSettled([group.submit(1), group.submit(-2), group.submit(3)])).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: new Error('bad -2') },
      { status: 'fulfilled', value: 3 },
    ]);
    fail = true;
    const all = await Promise.allSettled([group.submit(4), group.submit(5)]);
    expect(all.map((s) => s.status === 'rejected' && (s.reason as Error).message)).toEqual(['commit failed', 'commit failed']);
    fail = false;
    expect(await group.submit(6)).toBe(6);
  });

  it('splits what waits into batches of at most maxBatch', async () => {
    const sizes: number[] = [];
    const group = new GroupCommit<number, number>((batch) => (sizes.push(batch.length), batch.map((n) => ({ ok: true, value: n }))), { maxBatch: 2 });
    expect(await Promise.all([1, 2, 3, 4, 5].map((n) => group.submit(n)))).toEqual([1, 2, 3, 4, 5]);
    expect(sizes).toEqual([2, 2, 1]);
  });
});

describe('allOrEachAlone: one atomic write for the batch; if it fails, each call alone', () => {
  it('returns the batch write’s results when it succeeds, writing once', async () => {
    const writes: number[][] = [];
    const results = await allOrEachAlone([1, 2], async (inputs) => (writes.push([...inputs]), inputs.map((n) => n * 2)));
    expect(results).toEqual([
      { ok: true, value: 2 },
      { ok: true, value: 4 },
    ]);
    expect(writes).toEqual([[1, 2]]);
  });

  it('fails only the call whose own write fails, and every call when the store does', async () => {
    const bad = new Error('constraint');
    const results = await allOrEachAlone([1, -1, 2], async (inputs) => {
      if (inputs.some((n) => n < 0)) throw bad;
      return inputs.map((n) => n * 2);
    });
    expect(results).toEqual([
      { ok: true, value: 2 },
      { ok: false, error: bad },
      { ok: true, value: 4 },
    ]);
    const down = new Error('store down');
    expect(await allOrEachAlone([1, 2], () => Promise.reject(down))).toEqual([
      { ok: false, error: down },
      { ok: false, error: down },
    ]);
  });
});
