import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteChangeStamp } from '../../src/adapters/store/sqlite/sqlite-change-stamp.js';
import { SqliteDeliveryQueue } from '../../src/adapters/store/sqlite/sqlite-delivery-queue.js';
import { SqliteEventStore } from '../../src/adapters/store/sqlite/sqlite-event-store.js';
import { freshEventStore, freshLastErrors, freshStamp } from '../../src/application/fresh-reads.js';
import type { EventStore, NewEvent, ReadStreamOptions } from '../../src/ports/event-store.js';
import { tempSqlite } from '../support/sqlite-temp.js';

const event = (n: number): NewEvent => ({
  eventId: `evt_${n}`,
  type: 'Noted',
  version: 1,
  data: { n },
  metadata: { organizationId: 'org_1', actor: 'test', recordedAt: '2026-01-01T00:00:00.000Z' },
});

/** A new request is handled in a later turn of the event loop than the write its client saw acknowledged. */
const nextTurn = () => new Promise((next) => setImmediate(next));

/** Counts the reads that reach the store. */
const counting = (store: EventStore) => {
  const reads: (ReadStreamOptions | undefined)[] = [];
  const counted: EventStore = {
    append: (s, r, e) => store.append(s, r, e),
    readAll: (o) => store.readAll(o),
    close: () => store.close(),
    readStream: (s, o) => {
      reads.push(o);
      return store.readStream(s, o);
    },
  };
  return { counted, reads };
};

describe('the SQLite change stamp (ADR 0022)', () => {
  let db: ReturnType<typeof tempSqlite>;
  beforeEach(() => {
    db = tempSqlite();
  });
  afterEach(() => db.cleanup());

  it('moves on a write through its own connection and on a commit by another connection, never on a read', async () => {
    const stamp = new SqliteChangeStamp(db.db);
    const ours = new SqliteEventStore(db.db);
    const first = stamp.read();
    await ours.readStream('s-1');
    expect(stamp.read()).toBe(first);
    await ours.append('s-1', 0, [event(1)]);
    const afterOurs = stamp.read();
    expect(afterOurs).not.toBe(first);
    // Another process on the same file: a second connection.
    await new SqliteEventStore(db.reopen()).append('s-1', 1, [event(2)]);
    expect(stamp.read()).not.toBe(afterOurs);
  });
});

describe('fresh reads: "nothing after revision R" answered from memory while the store is unchanged', () => {
  let db: ReturnType<typeof tempSqlite>;
  beforeEach(() => {
    db = tempSqlite();
  });
  afterEach(() => db.cleanup());

  it('reads the store once while nothing changes, and again after a write by another connection (read-your-writes)', async () => {
    const store = new SqliteEventStore(db.db);
    await store.append('s-1', 0, [event(1)]);
    const { counted, reads } = counting(store);
    const fresh = freshEventStore(counted, freshStamp(new SqliteChangeStamp(db.db)));

    expect(await fresh.readStream('s-1', { afterRevision: 0 })).toHaveLength(1);
    expect(await fresh.readStream('s-1', { afterRevision: 1 })).toEqual([]);
    expect(await fresh.readStream('s-1', { afterRevision: 1 })).toEqual([]);
    expect(reads).toHaveLength(1);

    await new SqliteEventStore(db.reopen()).append('s-1', 1, [event(2)]);
    await nextTurn();
    const after = await fresh.readStream('s-1', { afterRevision: 1 });
    expect(after.map((e) => e.revision)).toEqual([2]);
    expect(reads).toHaveLength(2);
  });

  it('sees its own process’s writes at once', async () => {
    const store = new SqliteEventStore(db.db);
    const fresh = freshEventStore(store, freshStamp(new SqliteChangeStamp(db.db)));
    await fresh.append('s-1', 0, [event(1)]);
    expect(await fresh.readStream('s-1', { afterRevision: 0 })).toHaveLength(1);
    await fresh.append('s-1', 1, [event(2)]);
    expect((await fresh.readStream('s-1', { afterRevision: 1 })).map((e) => e.revision)).toEqual([2]);
  });

  it('sends bounded reads (as_of, pages) to the store every time', async () => {
    const store = new SqliteEventStore(db.db);
    await store.append('s-1', 0, [event(1), event(2)]);
    const { counted, reads } = counting(store);
    const fresh = freshEventStore(counted, freshStamp(new SqliteChangeStamp(db.db)));
    expect(await fresh.readStream('s-1', { afterRevision: 0, limit: 1 })).toHaveLength(1);
    expect(await fresh.readStream('s-1', { afterRevision: 0, limit: 1 })).toHaveLength(1);
    expect(await fresh.readStream('s-1', { until: '2030-01-01T00:00:00.000Z' })).toHaveLength(2);
    expect(reads).toHaveLength(3);
  });

  it('reads the stamp once for every call made in the same turn of the event loop', async () => {
    let stampReads = 0;
    const stamp = freshStamp({ read: () => ++stampReads && 1, local: () => 0 });
    const values = await Promise.all(Array.from({ length: 20 }, () => stamp()));
    expect(values).toEqual(Array(20).fill(1));
    expect(stampReads).toBe(1);
    // Still the turn of that reading (its continuations): no request can have arrived since.
    await stamp();
    expect(stampReads).toBe(1);
    // A later turn (another poll phase may have read request bytes): a new reading.
    await new Promise((next) => setTimeout(next, 1));
    await stamp();
    expect(stampReads).toBe(2);
  });

  it('keeps last errors while the store is unchanged and reads them again after an attempt is recorded elsewhere', async () => {
    const queue = new SqliteDeliveryQueue(db.db);
    let calls = 0;
    const lastErrors = freshLastErrors({ lastErrors: (ids) => (calls++, queue.lastErrors(ids)) }, freshStamp(new SqliteChangeStamp(db.db)));
    const first = await lastErrors(['wh_1', 'wh_2']);
    expect(first.size).toBe(0);
    await lastErrors(['wh_1']);
    expect(calls).toBe(1);
    // Any commit by another connection (here a table write) makes the next call read again.
    db.reopen().exec('CREATE TABLE IF NOT EXISTS touched (x); INSERT INTO touched VALUES (1)');
    await nextTurn();
    await lastErrors(['wh_1']);
    expect(calls).toBe(2);
  });
});
