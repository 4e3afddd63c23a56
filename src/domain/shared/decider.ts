import type { Either } from 'fp-ts/lib/Either.js';

/** What every event of every aggregate has: a past-tense `type`, the schema `version` of its `data`, and the data. */
export interface DomainEvent {
  readonly type: string;
  readonly version: number;
  readonly data: unknown;
}

/**
 * An aggregate as three plain functions (Emmett's decider): `decide` turns a command and the
 * current state into the events to record (or why not; an empty list records nothing),
 * `evolve` applies one recorded event, `initialState` is the state before the first event.
 * Pure: the time and anything else looked up arrive on the command.
 */
export interface Decider<Command, Event extends DomainEvent, State, Error> {
  decide(command: Command, state: State): Either<Error, Event[]>;
  evolve(state: State, event: Event): State;
  initialState(): State;
}
