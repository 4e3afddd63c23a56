/** A state folded from the start of its stream up to `revision`. */
export interface Folded<State> {
  readonly state: State;
  readonly revision: number;
}

/** Options of a `StateCache`. */
export interface StateCacheOptions<State> {
  /** Budget for the states kept, as estimated by `sizeOf`; the least recently used go first. Default 32 MiB. */
  readonly maxBytes?: number;
  /** Estimated size of one state in bytes; default its JSON length (measured once, when it is stored). */
  readonly sizeOf?: (state: State) => number;
}

interface Entry<State> extends Folded<State> {
  readonly bytes: number;
  /** Read since it was last passed over for eviction (a second chance: reads never reorder the map). */
  used: boolean;
}

/**
 * Folded states kept between requests of this process, keyed by stream id
 * (ADR 0016). Events are never changed, so an entry stays exact: a reader
 * reads only the events after its revision (usually none) and folds them on
 * top. Other processes' appends are therefore seen on the next read, with no
 * invalidation. Only this process's code folds what is stored here; nothing
 * is persisted, so a state is never older than the `evolve` that made it.
 * States must be treated as immutable (the domain's `evolve` never mutates).
 */
export class StateCache<State> {
  private readonly entries = new Map<string, Entry<State>>();
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly sizeOf: (state: State) => number;

  constructor(options: StateCacheOptions<State> = {}) {
    this.maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
    this.sizeOf = options.sizeOf ?? ((state) => JSON.stringify(state).length);
  }

  /** The latest state folded for the stream, if any; marks it recently used. */
  get(streamId: string): Folded<State> | undefined {
    const entry = this.entries.get(streamId);
    if (entry !== undefined) entry.used = true;
    return entry;
  }

  /** Keeps the state unless one at a later revision is kept already (a slower reader finishing late). */
  set(streamId: string, state: State, revision: number): void {
    const existing = this.entries.get(streamId);
    if (existing !== undefined && existing.revision >= revision) return;
    const bytes = this.sizeOf(state);
    if (existing !== undefined) this.remove(streamId, existing);
    if (bytes > this.maxBytes) return;
    this.entries.set(streamId, { state, revision, bytes, used: false });
    this.bytes += bytes;
    // Oldest first; one read since it was last passed over moves it to the back instead (CLOCK,
    // close to least-recently-used without reordering the map on every read). Each entry is
    // passed over at most once, so this ends.
    let budget = this.entries.size;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      if (entry.used && budget-- > 0) {
        entry.used = false;
        this.entries.delete(oldest);
        this.entries.set(oldest, entry);
        continue;
      }
      this.remove(oldest, entry);
    }
  }

  /** States kept and their estimated bytes (for tests and metrics). */
  get size(): { readonly entries: number; readonly bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private remove(streamId: string, entry: Entry<State>): void {
    this.entries.delete(streamId);
    this.bytes -= entry.bytes;
  }
}
