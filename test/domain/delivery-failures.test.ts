import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { POISON_LIMIT, THROWN_ERROR_LIMIT, type ThrownFailure, abandonedReason, classifyThrownFailure, isPoisoned, isSuspect } from '../../src/domain/index.js';

/** Given what an attempt threw, when it is classified, then it is recorded as this. */
const givenThrown = (thrown: unknown) => ({
  whenClassified: () => ({
    then: (expected: ThrownFailure) => expect(classifyThrownFailure(thrown)).toEqual(expected),
  }),
});

/** Given a job claimed this many times without an outcome, when the worker claims it again, then… */
const givenClaimsWithoutOutcome = (n: number) => ({
  whenClaimedAgain: (limit?: number) => ({
    thenItIsSetAside: () => expect({ poisoned: isPoisoned(n, limit), alone: isSuspect(n) }).toEqual({ poisoned: true, alone: true }),
    thenItRunsAlone: () => expect({ poisoned: isPoisoned(n, limit), alone: isSuspect(n) }).toEqual({ poisoned: false, alone: true }),
    thenItRunsAsUsual: () => expect({ poisoned: isPoisoned(n, limit), alone: isSuspect(n) }).toEqual({ poisoned: false, alone: false }),
  }),
});

const named = (name: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name }, extra);

describe('a failure thrown instead of answered', () => {
  it('is final, with its message, when it says it is deterministic or final', () => {
    givenThrown(Object.assign(new Error('unclosed section "items"'), { deterministic: true }))
      .whenClassified()
      .then({ disposition: 'final', error: 'unclosed section "items"' });
    givenThrown(Object.assign(new Error('blocks_template is not JSON'), { final: true }))
      .whenClassified()
      .then({ disposition: 'final', error: 'blocks_template is not JSON' });
  });

  it('is final for a refused destination, a template failure, a stack overflow or bad JSON', () => {
    givenThrown(named('DestinationRefused', 'destination a.example resolves to 10.0.0.1'))
      .whenClassified()
      .then({ disposition: 'final', error: 'destination a.example resolves to 10.0.0.1' });
    givenThrown(named('TemplateError', 'Unclosed tag at 12')).whenClassified().then({ disposition: 'final', error: 'Unclosed tag at 12' });
    givenThrown(new RangeError('Maximum call stack size exceeded')).whenClassified().then({ disposition: 'final', error: 'Maximum call stack size exceeded' });
    givenThrown(new SyntaxError('Unexpected token } in JSON')).whenClassified().then({ disposition: 'final', error: 'Unexpected token } in JSON' });
  });

  it('is final for a Node invalid-argument error (a header value the tenant wrote)', () => {
    givenThrown(Object.assign(new TypeError('Invalid character in header content ["x-a"]'), { code: 'ERR_INVALID_CHAR' }))
      .whenClassified()
      .then({ disposition: 'final', error: 'Invalid character in header content ["x-a"]' });
  });

  it('is retried otherwise, naming only its code or kind so no internal detail reaches the tenant', () => {
    givenThrown(Object.assign(new Error('SQLITE_BUSY: database /var/lib/hookledger/h.db is locked'), { code: 'SQLITE_BUSY' }))
      .whenClassified()
      .then({ disposition: 'retry', error: 'internal error: SQLITE_BUSY' });
    givenThrown(new Error('connect ECONNREFUSED 10.1.2.3:5432')).whenClassified().then({ disposition: 'retry', error: 'internal error: Error' });
    givenThrown('a string').whenClassified().then({ disposition: 'retry', error: 'internal error: unknown' });
    givenThrown(undefined).whenClassified().then({ disposition: 'retry', error: 'internal error: unknown' });
  });

  it('is classified without throwing whatever was thrown, hostile getters and proxies included, and its text is bounded', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('gotcha');
        },
      },
    );
    givenThrown(hostile).whenClassified().then({ disposition: 'retry', error: 'internal error: unknown' });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    givenThrown(proxy).whenClassified().then({ disposition: 'retry', error: 'internal error: unknown' });
    const long = classifyThrownFailure(named('TemplateError', 'x'.repeat(10_000)));
    expect(long.error.length).toBe(THROWN_ERROR_LIMIT);
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), (thrown) => {
        const failure = classifyThrownFailure(thrown);
        expect(['final', 'retry']).toContain(failure.disposition);
        expect(failure.error.length).toBeGreaterThan(0);
        expect(failure.error.length).toBeLessThanOrEqual(THROWN_ERROR_LIMIT);
      }),
    );
  });
});

describe('a job claimed again after earlier claims ended without an outcome', () => {
  it('runs as usual when every earlier claim had an outcome', () => {
    givenClaimsWithoutOutcome(0).whenClaimedAgain().thenItRunsAsUsual();
  });

  it('runs alone while it may still be innocent (its worker stopped once or twice)', () => {
    givenClaimsWithoutOutcome(1).whenClaimedAgain().thenItRunsAlone();
    givenClaimsWithoutOutcome(2).whenClaimedAgain().thenItRunsAlone();
  });

  it(`is set aside as failed once ${POISON_LIMIT} claims ended without an outcome, with the reason`, () => {
    expect(POISON_LIMIT).toBe(3);
    givenClaimsWithoutOutcome(3).whenClaimedAgain().thenItIsSetAside();
    givenClaimsWithoutOutcome(7).whenClaimedAgain().thenItIsSetAside();
    expect(abandonedReason(3)).toBe('abandoned: started 3 times without an outcome (the worker stopped each time)');
  });

  it('follows a configured limit, never below one claim', () => {
    givenClaimsWithoutOutcome(1).whenClaimedAgain(1).thenItIsSetAside();
    givenClaimsWithoutOutcome(4).whenClaimedAgain(5).thenItRunsAlone();
    givenClaimsWithoutOutcome(0).whenClaimedAgain(0).thenItRunsAsUsual();
  });
});
