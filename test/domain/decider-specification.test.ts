import { left, right } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { Decider } from '../../src/domain/index.js';
import { DeciderSpecification } from '../support/decider-spec.js';

// A decider of its own, so the specification is shown to serve any aggregate, not only webhooks.
type CounterEvent = { type: 'Incremented'; version: 1; data: { by: number } };
type CounterCommand = { type: 'Increment'; by: number };
const counter: Decider<CounterCommand, CounterEvent, number, { type: 'TooBig'; limit: number }> = {
  decide: (command, total) =>
    command.by === 0
      ? right([])
      : total + command.by > 10
        ? left({ type: 'TooBig', limit: 10 })
        : right([{ type: 'Incremented', version: 1, data: { by: command.by } }]),
  evolve: (total, event) => total + event.data.by,
  initialState: () => 0,
};
const { given } = DeciderSpecification.for(counter);
const incremented = (by: number): CounterEvent => ({ type: 'Incremented', version: 1, data: { by } });

describe('DeciderSpecification', () => {
  it('folds the given events, decides the command and compares the events, the refusal or nothing', () => {
    given(incremented(4)).when({ type: 'Increment', by: 2 }).then(incremented(2));
    given(incremented(4), incremented(4)).when({ type: 'Increment', by: 3 }).thenFails({ type: 'TooBig' });
    given().when({ type: 'Increment', by: 0 }).thenNothingHappens();
  });

  it('fails a wrong `then` with both sides for the reporter to diff', () => {
    let failure: unknown;
    try {
      given().when({ type: 'Increment', by: 2 }).then(incremented(3));
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({ showDiff: true, actual: { right: [incremented(2)] }, expected: { right: [incremented(3)] } });
  });

  it('fails `thenFails` when the command was accepted, naming what was decided', () => {
    expect(() => given().when({ type: 'Increment', by: 2 }).thenFails({ type: 'TooBig' })).toThrow(/expected a refusal, got events/);
    expect(() => given().when({ type: 'Increment', by: 2 }).thenNothingHappens()).toThrow();
  });
});
