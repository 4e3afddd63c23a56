/**
 * The append-only event log. One stream per aggregate (`webhook-<id>`);
 * revisions are 1-based within a stream (a new stream is at revision 0), and
 * `position` orders every event of every stream globally.
 */

/** Who and why, recorded beside every event; never used to rebuild state. */
export interface EventMetadata {
  readonly organizationId: string;
  /** `key:<key id>`, `cli`, `system:<component>`, … */
  readonly actor: string;
  readonly correlationId?: string | undefined;
  readonly causationId?: string | undefined;
  /** ISO-8601 time the event was recorded, from the Clock port. */
  readonly recordedAt: string;
}

export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  /** Schema version of `data`, for upcasting when read. */
  readonly version: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export interface StoredEvent extends NewEvent {
  readonly streamId: string;
  readonly revision: number;
  readonly position: number;
  /** SHA-256 of the event and its stream's previous hash (tamper evidence, ADR 0008). */
  readonly hash: string;
  /** SHA-256 chaining this event to the whole log before it. */
  readonly chain: string;
}

/** An event as a projection folds it: its place in the log and what it says, without the audit fields (metadata, hashes). */
export type LoggedEvent = Pick<StoredEvent, 'streamId' | 'revision' | 'position' | 'type' | 'version' | 'data'>;

/** A stored event as `readAllData` returns it, for stores that have no lighter read of their own. */
export const toLoggedEvent = ({ streamId, revision, position, type, version, data }: StoredEvent): LoggedEvent => ({
  streamId,
  revision,
  position,
  type,
  version,
  data,
});

export type AppendResult =
  | { readonly ok: true; readonly nextRevision: number; readonly lastPosition: number }
  | { readonly ok: false; readonly expected: number; readonly actual: number };

export interface ReadStreamOptions {
  /** Exclusive: only events with a greater revision (e.g. those after a cached state). Default 0. */
  readonly afterRevision?: number;
  /** Stop after this revision (inclusive). */
  readonly toRevision?: number;
  /** At most this many events (a page of a long history). Default: all. */
  readonly limit?: number;
  /** Only events recorded at or before this ISO time. */
  readonly until?: string;
}

export interface ReadAllOptions {
  /** Exclusive: events with a greater position are returned. Default 0. */
  readonly after?: number;
  /** Page size; the adapter may cap it. Default 1000. */
  readonly limit?: number;
  /** Only streams whose id starts with this prefix. */
  readonly streamPrefix?: string;
}

export interface EventStore {
  /**
   * Appends all events or none. `expectedRevision` is the revision the caller
   * folded (0 = the stream must not exist yet); any other current revision is
   * reported as `{ ok: false }`, never thrown.
   */
  append(streamId: string, expectedRevision: number, events: readonly NewEvent[]): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<readonly StoredEvent[]>;
  /** One page of the global log in position order. */
  readAll(options?: ReadAllOptions): Promise<readonly StoredEvent[]>;
  /**
   * The same page as `readAll`, without the audit fields: what a projection needs, read for less.
   * Optional: where an adapter leaves it out, projections use `readAll`.
   */
  readAllData?(options?: ReadAllOptions): Promise<readonly LoggedEvent[]>;
  close(): Promise<void>;
}
