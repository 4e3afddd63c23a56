import { expect, it } from 'vitest';
import type { AcceptedMessage, AttemptRecord, DeliveryQueue, DeliveryTarget } from '../../src/ports/delivery-queue.js';

/**
 * ADR 0013 on every queue adapter: publishes, and outcomes, made at the same moment are written
 * together (group commit), yet each caller gets what it would have got alone: its own result,
 * its own idempotency answer, its own failure.
 */
export interface GroupCommitContext {
  readonly queue: () => DeliveryQueue;
  /** The same store through another connection whose writes cannot commit until `release` (a lock held elsewhere), if the adapter has one. */
  readonly blocked: () => Promise<{ queue: DeliveryQueue; release: () => Promise<void> }> | undefined;
  /** The same store through another connection (another process) that hears of jobs enqueued here, if the store can tell it. */
  readonly listening: () => DeliveryQueue | undefined;
}

const ORG = 'int_aaaaaaaaaaaaaaaaaaaaaaaa';
const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const msg = (n: number): AcceptedMessage => ({
  messageId: `msg_${n}`,
  organizationId: ORG,
  eventType: 'object.created',
  data: { n },
  acceptedAt: new Date(T0).toISOString(),
});
const target = (held = false): DeliveryTarget => ({
  webhookId: 'wh_0000000001',
  webhookName: 'W',
  channelIndex: 0,
  channelId: 'ch_1',
  channel: { channel: 'webhook', configs: { url: 'https://e.com', headers: {}, timeout: 10 } },
  ...(held ? { held: true } : {}),
});
const key = (k: string) => ({ key: k, expiresAt: new Date(T0 + 86_400_000).toISOString() });
const ok = (): AttemptRecord => ({ at: new Date(T0).toISOString(), succeeded: true, statusCode: 200, latencyMs: 5 });
const bad = (): AttemptRecord => ({ at: new Date(T0).toISOString(), succeeded: false, statusCode: 500, latencyMs: 5, error: 'HTTP 500' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until `count` has not changed for 300 ms (late notifications have arrived), at most 5 s. */
const quiet = async (count: () => number) => {
  for (let last = -1, since = Date.now(), end = Date.now() + 5000; Date.now() < end; await sleep(50)) {
    if (count() !== last) [last, since] = [count(), Date.now()];
    else if (Date.now() - since >= 300) return;
  }
};

export const groupCommitCases = (ctx: GroupCommitContext) => {
  const claimed = async (q: DeliveryQueue, now = T0) =>
    (await q.claim({ workerId: 'w1', now, leaseMs: 60_000, limit: 50 })).map((d) => d.message.messageId).sort();

  it('answers each publish of one moment with its own result; a key repeated in that moment gets its first message', async () => {
    const q = ctx.queue();
    const results = await Promise.all([
      q.enqueue(msg(1), [target()], key('k')),
      q.enqueue(msg(2), [target()], key('k')),
      q.enqueue(msg(3), [target()]),
      q.enqueue(msg(4), [target()], key('k2')),
    ]);
    expect(results).toEqual([
      { messageId: 'msg_1', duplicate: false },
      { messageId: 'msg_1', duplicate: true },
      { messageId: 'msg_3', duplicate: false },
      { messageId: 'msg_4', duplicate: false },
    ]);
    // Keys stored by an earlier moment answer the same way, however many repeat them at once.
    const again = await Promise.all([
      q.enqueue(msg(5), [target()], key('k')),
      q.enqueue(msg(6), [target()], key('k2')),
      q.enqueue(msg(7), [target()], key('k')),
    ]);
    expect(again).toEqual([
      { messageId: 'msg_1', duplicate: true },
      { messageId: 'msg_4', duplicate: true },
      { messageId: 'msg_1', duplicate: true },
    ]);
    expect(await claimed(q)).toEqual(['msg_1', 'msg_3', 'msg_4']);
  });

  it('rejects alone a publish whose own rows cannot be stored, and stores the others of its moment', async () => {
    const q = ctx.queue();
    const settled = await Promise.allSettled([q.enqueue(msg(1), [target()]), q.enqueue(msg(2), [target(), target()]), q.enqueue(msg(3), [target()])]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await claimed(q)).toEqual(['msg_1', 'msg_3']);
    // Nothing of the rejected one was written.
    expect(await q.enqueue(msg(2), [target()])).toEqual({ messageId: 'msg_2', duplicate: false });
  });

  it('rejects every publish of a moment whose commit fails, and writes none of them', async () => {
    const blocking = ctx.blocked();
    if (!blocking) return; // one connection only (:memory:)
    const q = ctx.queue();
    const { queue: blocked, release } = await blocking;
    let settled: PromiseSettledResult<unknown>[];
    try {
      settled = await Promise.allSettled([1, 2, 3].map((n) => blocked.enqueue(msg(n), [target()], n === 2 ? key('k') : undefined)));
    } finally {
      await release();
    }
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await claimed(q)).toEqual([]);
    // The key was not taken either: publishing with it again is accepted.
    expect(await q.enqueue(msg(2), [target()], key('k'))).toEqual({ messageId: 'msg_2', duplicate: false });
  });

  it('records the outcomes of one moment, telling each worker whether it still held the lease; a job recorded twice gets one attempt', async () => {
    const q = ctx.queue();
    for (const n of [1, 2, 3]) await q.enqueue(msg(n), [target()]);
    const mine = await q.claim({ workerId: 'w1', now: T0, leaseMs: 1000, limit: 10 });
    expect(mine).toHaveLength(3);
    // w1's leases ran out; w2 took one of its jobs.
    const [stolen] = await q.claim({ workerId: 'w2', now: T0 + 1001, leaseMs: 60_000, limit: 1 });
    const results = await Promise.all([
      ...mine.map((d) => q.record(d.deliveryId, 'w1', ok(), { status: 'succeeded' })),
      q.record(stolen!.deliveryId, 'w2', bad(), { status: 'scheduled', at: T0 + 5000 }),
    ]);
    expect(results).toEqual([...mine.map((d) => d.deliveryId !== stolen!.deliveryId), true]);
    const log = await q.attempts({ organizationId: ORG, webhookId: 'wh_0000000001', limit: 10 });
    expect(log.map((a) => [a.messageId, a.succeeded]).sort()).toEqual(mine.map((d) => [d.message.messageId, d.deliveryId !== stolen!.deliveryId]).sort());
    const [retry] = await q.claim({ workerId: 'w3', now: T0 + 5000, leaseMs: 60_000, limit: 10 });
    expect([retry?.deliveryId, retry?.attempts]).toEqual([stolen!.deliveryId, 1]);
  });

  it('tells its listeners once due jobs are committed (not for held jobs or a repeated key), and no more once they stop', async () => {
    const q = ctx.queue();
    let heard = 0;
    const stop = q.onEnqueued(() => heard++);
    try {
      await q.enqueue(msg(1), [target()], key('k'));
      // Before the publish is answered: a worker in this process may start on it at once.
      expect(heard).toBeGreaterThan(0);
      await quiet(() => heard); // a store that notifies across connections also hears its own notification
      heard = 0;
      await q.enqueue(msg(2), [target(true)]);
      await q.enqueue(msg(3), [target()], key('k'));
      await quiet(() => heard);
      expect(heard).toBe(0);
    } finally {
      stop();
    }
    await q.enqueue(msg(4), [target()]);
    await quiet(() => heard);
    expect(heard).toBe(0);
  });

  it('wakes a listener on another connection when the store can tell it (PostgreSQL NOTIFY)', async () => {
    const other = ctx.listening();
    if (!other) return; // SQLite: other processes poll (ADR 0013)
    const q = ctx.queue();
    let heard = 0;
    const stop = other.onEnqueued(() => heard++);
    try {
      // Listening starts with one call (jobs may have come meanwhile); then only notifications count.
      await expect.poll(() => heard, { timeout: 5000 }).toBeGreaterThan(0);
      await quiet(() => heard);
      heard = 0;
      await q.enqueue(msg(1), [target(true)]);
      await quiet(() => heard);
      expect(heard).toBe(0);
      await q.enqueue(msg(2), [target()]);
      await expect.poll(() => heard, { timeout: 5000 }).toBeGreaterThan(0);
    } finally {
      stop();
    }
  });
};
