import { type Either, left, right } from 'fp-ts/lib/Either.js';
import type { Decider as DomainDecider, DomainEvent } from '../domain/index.js';
import type { Clock } from '../ports/clock.js';
import type { EventMetadata, EventStore, ReadStreamOptions, StoredEvent } from '../ports/event-store.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { Folded, StateCache } from './state-cache.js';

/** The domain's decider (decide, evolve, initial state), plus how to read a stored event back (upcasting). */
export interface Decider<Command, Event extends DomainEvent, State, Error> extends DomainDecider<Command, Event, State, Error> {
  /** Stored event → current event; throws when the store holds something unreadable. */
  read(stored: StoredEvent): Event;
}

/** Failures of the handler itself, beside the decider's own errors. */
export type HandlerError =
  | { readonly type: 'PreconditionFailed'; readonly message: string; readonly expected: number; readonly actual: number }
  | { readonly type: 'ConcurrencyConflict'; readonly message: string; readonly attempts: number };

/** What a successful command produced: the new events, the state after them and the stream revision. */
export interface Handled<State, Event> {
  readonly state: State;
  /** Stream revision after the command (unchanged when nothing was recorded). */
  readonly revision: number;
  readonly recorded: readonly Event[];
}

/** What the command handler needs: an event store, a clock and ids. */
export interface HandlerDeps {
  readonly eventStore: EventStore;
  readonly clock: Clock;
  readonly ids: Pick<IdGenerator, 'eventId'>;
}

/** Options of one `handleCommand` call: expected revision (If-Match) and conflict retries. */
export interface HandleOptions<State, Error> {
  /** The revision the caller last saw (If-Match); a different one fails instead of retrying. */
  readonly expectedRevision?: number | undefined;
  /** Attempts when another writer wins the race; default 5. */
  readonly maxAttempts?: number;
  readonly metadata: Omit<EventMetadata, 'recordedAt'>;
  /** Runs on the folded state before deciding (e.g. tenancy: another organization's webhook is not found). */
  readonly guard?: (state: State) => Error | undefined;
  /** Folded states kept between calls: only the events after the cached revision are read and folded. */
  readonly states?: StateCache<State> | undefined;
}

/**
 * Reads a stream and folds it; given `from` (a state folded earlier up to its
 * revision), reads and folds only the events after it. `events` are those read.
 */
export const aggregateStream = async <Command, Event extends { type: string; version: number; data: unknown }, State, Error>(
  eventStore: EventStore,
  decider: Decider<Command, Event, State, Error>,
  streamId: string,
  options?: ReadStreamOptions,
  from?: Folded<State>,
): Promise<{ state: State; revision: number; events: readonly StoredEvent[] }> => {
  const events = await eventStore.readStream(streamId, from ? { ...options, afterRevision: from.revision } : options);
  let state = from ? from.state : decider.initialState();
  for (const stored of events) state = decider.evolve(state, decider.read(stored));
  return { state, revision: events.at(-1)?.revision ?? from?.revision ?? 0, events };
};

/** The current state of a stream through a cache of folded states: reads only what was appended since. */
export const currentState = async <Command, Event extends { type: string; version: number; data: unknown }, State, Error>(
  eventStore: EventStore,
  decider: Decider<Command, Event, State, Error>,
  streamId: string,
  states: StateCache<State> | undefined,
): Promise<Folded<State>> => {
  const cached = states?.get(streamId);
  const { state, revision } = await aggregateStream(eventStore, decider, streamId, undefined, cached);
  // Revision 0 is the initial state: not kept, so ids that do not exist cannot fill the cache.
  if (states !== undefined && revision > (cached?.revision ?? 0)) states.set(streamId, state, revision);
  return { state, revision };
};

/**
 * Load, decide, append with the expected revision. When another writer
 * appended first, the command is decided again on the fresh state, a bounded
 * number of times; with an explicit expected revision it fails at once.
 */
export const handleCommand = async <Command, Event extends { type: string; version: number; data: unknown }, State, Error>(
  deps: HandlerDeps,
  decider: Decider<Command, Event, State, Error>,
  streamId: string,
  command: (now: string) => Command,
  options: HandleOptions<State, Error>,
): Promise<Either<Error | HandlerError, Handled<State, Event>>> => {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = await currentState(deps.eventStore, decider, streamId, options.states);
    const refused = options.guard?.(state);
    if (refused !== undefined) return left(refused);
    if (options.expectedRevision !== undefined && options.expectedRevision !== revision) {
      return left(preconditionFailed(options.expectedRevision, revision));
    }
    const now = deps.clock.now().toISOString();
    const decision = decider.decide(command(now), state);
    if (decision._tag === 'Left') return decision;
    const events = decision.right;
    if (events.length === 0) return right({ state, revision, recorded: [] });

    const metadata: EventMetadata = { ...options.metadata, recordedAt: now };
    const appended = await deps.eventStore.append(
      streamId,
      revision,
      events.map((e) => ({ eventId: deps.ids.eventId(), type: e.type, version: e.version, data: e.data, metadata })),
    );
    if (appended.ok) {
      const after = events.reduce(decider.evolve, state);
      options.states?.set(streamId, after, appended.nextRevision);
      return right({ state: after, revision: appended.nextRevision, recorded: events });
    }
    if (options.expectedRevision !== undefined) return left(preconditionFailed(options.expectedRevision, appended.actual));
    if (attempt >= maxAttempts) {
      return left({ type: 'ConcurrencyConflict', message: `lost the race to other writers ${attempt} times; try again`, attempts: attempt });
    }
  }
};

const preconditionFailed = (expected: number, actual: number): HandlerError => ({
  type: 'PreconditionFailed',
  message: `the webhook is at version ${actual}, not ${expected}`,
  expected,
  actual,
});
