/**
 * Given / when / then for any decider (`Decider` from src/domain/shared/decider.ts):
 *
 *   const { given } = DeciderSpecification.for(webhookDecider);
 *   given(created()).when({ type: 'PauseWebhook', data: {}, metadata: meta(T1) }).then(paused(T1));
 *   given().when(command).thenFails({ type: 'ValidationFailed' });   // toMatchObject on the error
 *   given(created()).when(command).thenNothingHappens();              // Right([])
 *   const { result } = given(...history).when(command);                // the raw Either, for custom checks
 *
 * Commands, events and errors are typed by the decider, so no casts are needed. `then` and
 * `thenFails` use vitest's `expect`, so a failing specification prints a diff of what was decided.
 */
import type { Either } from 'fp-ts/lib/Either.js';
import { expect } from 'vitest';
import type { Decider, DomainEvent } from '../../src/domain/index.js';

/** A part of `T` to match (as `toMatchObject` does): any field may be left out, at any depth; asymmetric matchers fit anywhere. */
export type Expected<T> = T extends readonly (infer Item)[] ? readonly Expected<Item>[] : T extends object ? { readonly [K in keyof T]?: Expected<T[K]> } : T;

/** The outcome of one `when`, with assertions on it. */
export interface Decision<Event, Error> {
  /** The events decided must equal these, in order (a diff shows otherwise). */
  then(...expected: Event[]): void;
  /** The command is accepted and records nothing. */
  thenNothingHappens(): void;
  /** The command is refused with an error matching this (toMatchObject). */
  thenFails(expected?: Expected<Error>): void;
  /** What `decide` returned, for checks the three above do not cover. */
  readonly result: Either<Error, Event[]>;
}

/** Starts a specification from the state after `history`. */
export interface Given<Command, Event, Error> {
  when(command: Command): Decision<Event, Error>;
}

const decision = <Event, Error>(result: Either<Error, Event[]>): Decision<Event, Error> => ({
  result,
  then: (...expected) => {
    expect(result).toEqual({ _tag: 'Right', right: expected });
  },
  thenNothingHappens: () => {
    expect(result).toEqual({ _tag: 'Right', right: [] });
  },
  thenFails: (expected) => {
    expect(result._tag, `expected a refusal, got events: ${JSON.stringify(result)}`).toBe('Left');
    if (expected !== undefined) expect(result).toMatchObject({ _tag: 'Left', left: expected });
  },
});

/** Specifications for one decider: `DeciderSpecification.for(decider).given(...events).when(command).then(...events)`. */
export const DeciderSpecification = {
  for: <Command, Event extends DomainEvent, State, Error>(decider: Decider<Command, Event, State, Error>) => ({
    given: (...history: Event[]): Given<Command, Event, Error> => ({
      when: (command) => decision(decider.decide(command, history.reduce(decider.evolve, decider.initialState()))),
    }),
  }),
};
