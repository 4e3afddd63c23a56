import {
  type AppendResult,
  type EventStore,
  type LoggedEvent,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  toLoggedEvent,
} from '../../../ports/event-store.js';
import { GENESIS } from '../../../domain/index.js';
import { sealEvent } from '../../shared/storage/seal-event.js';

const MAX_PAGE = 10_000;

/** A JSON round-trip: the same copies and the same failures (bigint) as a real store. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The event log in memory: for tests, demos and services embedding the application layer. */
export class InMemoryEventStore implements EventStore {
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly eventIds = new Set<string>();

  async append(streamId: string, expectedRevision: number, events: readonly NewEvent[]): Promise<AppendResult> {
    const stream = this.streams.get(streamId) ?? [];
    const actual = stream.length;
    if (actual !== expectedRevision) return { ok: false, expected: expectedRevision, actual };
    // Validate everything before writing anything: appends are all or nothing.
    const prepared = events.map((e) => copy({ eventId: e.eventId, type: e.type, version: e.version, data: e.data, metadata: e.metadata }));
    const ids = new Set<string>();
    for (const e of prepared) {
      if (this.eventIds.has(e.eventId) || ids.has(e.eventId)) throw new Error(`duplicate event id ${e.eventId}`);
      ids.add(e.eventId);
    }
    let position = this.log.at(-1)?.position ?? 0;
    let previousInStream = stream.at(-1)?.hash ?? GENESIS;
    let previousChain = this.log.at(-1)?.chain ?? GENESIS;
    prepared.forEach((e, i) => {
      position += 1;
      const revision = actual + i + 1;
      const seal = sealEvent({ ...e, streamId, revision }, previousInStream, previousChain);
      previousInStream = seal.hash;
      previousChain = seal.chain;
      const stored: StoredEvent = { ...e, streamId, revision, position, ...seal };
      stream.push(stored);
      this.log.push(stored);
      this.eventIds.add(e.eventId);
    });
    if (prepared.length > 0) this.streams.set(streamId, stream);
    return { ok: true, nextRevision: stream.length, lastPosition: this.log.at(-1)?.position ?? 0 };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    const toRevision = options.toRevision ?? Number.MAX_SAFE_INTEGER;
    const afterRevision = options.afterRevision ?? 0;
    return (this.streams.get(streamId) ?? [])
      .filter((e) => e.revision > afterRevision && e.revision <= toRevision && (options.until === undefined || e.metadata.recordedAt <= options.until))
      .slice(0, options.limit)
      .map(copy);
  }

  async readAll(options: ReadAllOptions = {}): Promise<readonly StoredEvent[]> {
    const after = options.after ?? 0;
    const limit = Math.min(Math.max(1, options.limit ?? 1000), MAX_PAGE);
    const page: StoredEvent[] = [];
    // Positions are 1..n without gaps, so the page starts at index `after`.
    for (let i = after; i < this.log.length && page.length < limit; i++) {
      const e = this.log[i]!;
      if (options.streamPrefix === undefined || e.streamId.startsWith(options.streamPrefix)) page.push(copy(e));
    }
    return page;
  }

  async readAllData(options: ReadAllOptions = {}): Promise<readonly LoggedEvent[]> {
    return (await this.readAll(options)).map(toLoggedEvent);
  }

  async close(): Promise<void> {}
}
