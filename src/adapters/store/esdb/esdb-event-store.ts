import { createHash } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  type Position,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
} from '@eventstore/db-client';
import { GENESIS, chainInput } from '../../../domain/index.js';
import type { AppendResult, EventMetadata, EventStore, NewEvent, ReadAllOptions, ReadStreamOptions, StoredEvent } from '../../../ports/event-store.js';
import { sealEvent } from '../../shared/storage/seal-event.js';
import { sha256 } from '../../shared/storage/sha256.js';

/** What travels in an EventStoreDB event's metadata beside ours: the fields our envelope has and ESDB's does not. */
interface EsdbMetadata extends EventMetadata {
  readonly eventId: string;
  readonly version: number;
  readonly hash: string;
}

const MAX_PAGE = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** ESDB wants UUID ids: ours are used when they are one, otherwise a stable UUID-shaped digest of them. */
const esdbId = (eventId: string) => {
  if (UUID.test(eventId)) return eventId.toLowerCase();
  const h = createHash('sha256').update(eventId).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const isMissing = (error: unknown) => error instanceof StreamNotFoundError;

/**
 * The event log in EventStoreDB (ADR 0010): one stream per webhook, expected
 * revisions checked by the server, `$all` read in order for projections and
 * replay. Our 1-based revisions are ESDB's 0-based ones plus one; a global
 * `position` is the event's prepare position in `$all`.
 *
 * The per-stream hash is computed at append (the expected-revision check makes
 * "the previous event" well defined) and stored in the event's metadata. ESDB
 * orders `$all` itself, so the global chain is derived while reading `$all`
 * from the start; the last one is remembered so paging forward costs nothing extra.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  /** Exact $all positions and chains of events already read, to resume a page after them. */
  private readonly seen = new Map<number, { position: Position; chain: string }>();

  /**
   * `namespace` prefixes every stream this store writes and limits what it reads to them, so
   * several deployments (or test runs) can share one EventStoreDB; the global chain is per namespace.
   */
  constructor(
    connectionString: string,
    private readonly namespace = '',
  ) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  private stream(streamId: string) {
    return `${this.namespace}${streamId}`;
  }

  async append(streamId: string, expectedRevision: number, events: readonly NewEvent[]): Promise<AppendResult> {
    const ids = new Set(events.map((e) => e.eventId));
    if (ids.size !== events.length) throw new Error('an append cannot repeat an event id');
    for (const e of events) JSON.stringify(e.data); // throws on what JSON cannot hold, before anything is written
    const last = await this.lastOf(this.stream(streamId));
    const actual = last ? Number(last.revision) + 1 : 0;
    if (actual !== expectedRevision) return { ok: false, expected: expectedRevision, actual };
    if (events.length === 0) return { ok: true, nextRevision: actual, lastPosition: 0 };
    let previous = last ? (last.metadata as unknown as EsdbMetadata).hash : GENESIS;
    const data = events.map((e, i) => {
      const revision = actual + i + 1;
      // The stream hash only; the chain argument is unused here (derived on read).
      const { hash } = sealEvent(
        { streamId, revision, eventId: e.eventId, type: e.type, version: e.version, data: e.data, metadata: e.metadata },
        previous,
        GENESIS,
      );
      previous = hash;
      const metadata: EsdbMetadata = { ...e.metadata, eventId: e.eventId, version: e.version, hash };
      return jsonEvent({
        id: esdbId(e.eventId),
        type: e.type,
        data: e.data as Record<string, unknown>,
        metadata: metadata as unknown as Record<string, unknown>,
      });
    });
    try {
      const result = await this.client.appendToStream(this.stream(streamId), data, {
        expectedRevision: expectedRevision === 0 ? NO_STREAM : BigInt(expectedRevision - 1),
      });
      return { ok: true, nextRevision: Number(result.nextExpectedRevision) + 1, lastPosition: Number(result.position?.prepare ?? 0n) };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const current = error.actualVersion;
        return { ok: false, expected: expectedRevision, actual: typeof current === 'bigint' ? Number(current) + 1 : 0 };
      }
      throw error;
    }
  }

  private async lastOf(streamId: string) {
    try {
      for await (const resolved of this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) return resolved.event;
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    return undefined;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    const out: StoredEvent[] = [];
    try {
      // Our revision n is ESDB's n - 1, so ESDB's revision `afterRevision` is the first one after it.
      const fromRevision = options.afterRevision ? BigInt(options.afterRevision) : START;
      const maxCount = options.limit === undefined ? {} : { maxCount: options.limit };
      for await (const resolved of this.client.readStream(this.stream(streamId), { direction: FORWARDS, fromRevision, ...maxCount })) {
        const e = resolved.event;
        if (!e) continue;
        const stored = this.toStored(e, e.position?.prepare, '');
        if (options.toRevision !== undefined && stored.revision > options.toRevision) break;
        if (options.until !== undefined && stored.metadata.recordedAt > options.until) break;
        out.push(stored);
      }
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<readonly StoredEvent[]> {
    const after = options.after ?? 0;
    const limit = Math.min(Math.max(1, options.limit ?? 1000), MAX_PAGE);
    // Resume right after a known event; otherwise walk from the start, which also derives the chain.
    const known = after > 0 ? this.seen.get(after) : undefined;
    let chain = known?.chain ?? GENESIS;
    const out: StoredEvent[] = [];
    for await (const resolved of this.client.readAll({ direction: FORWARDS, fromPosition: known?.position ?? START, resolveLinkTos: false })) {
      const e = resolved.event;
      if (!e || e.type.startsWith('$') || !e.streamId.startsWith(this.namespace) || e.streamId.startsWith('$')) continue;
      const position = Number(e.position.prepare);
      const hash = (e.metadata as EsdbMetadata | undefined)?.hash;
      if (typeof hash !== 'string') continue; // not written by Hookledger
      if (position <= after) {
        if (position < after || !known) chain = sha256(chainInput(chain, hash));
        continue;
      }
      chain = sha256(chainInput(chain, hash));
      this.remember(position, e.position, chain);
      if (options.streamPrefix !== undefined && !e.streamId.startsWith(this.stream(options.streamPrefix))) continue;
      out.push(this.toStored(e, e.position.prepare, chain));
      if (out.length >= limit) break;
    }
    return out;
  }

  private remember(position: number, exact: Position, chain: string) {
    this.seen.set(position, { position: exact, chain });
    // Only the resume points of recent pages matter.
    if (this.seen.size > 100_000) this.seen.delete(this.seen.keys().next().value!);
  }

  private toStored(
    e: { streamId: string; revision: bigint; type: string; data: unknown; metadata: unknown },
    prepare: bigint | undefined,
    chain: string,
  ): StoredEvent {
    const { eventId, version, hash, ...metadata } = e.metadata as EsdbMetadata;
    return {
      eventId,
      streamId: e.streamId.slice(this.namespace.length),
      revision: Number(e.revision) + 1,
      position: Number(prepare ?? 0n),
      type: e.type,
      version,
      data: e.data,
      metadata,
      hash,
      chain,
    };
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
