import { expect } from 'vitest';
import {
  type DomainError,
  type WebhookCommand,
  type WebhookEvent,
  decide,
  fold,
} from '../../src/domain/index.js';

/**
 * Given these events, when this command, then these events (or this error).
 * Assertions use toEqual so a failing `then` prints a diff.
 */
export const given = (...history: WebhookEvent[]) => ({
  when: (command: WebhookCommand) => {
    const result = decide(command, fold(history));
    return {
      then: (...expected: WebhookEvent[]) => {
        expect(result).toEqual({ _tag: 'Right', right: expected });
      },
      thenNothingHappens: () => {
        expect(result).toEqual({ _tag: 'Right', right: [] });
      },
      thenFails: (expected: Partial<DomainError> & { details?: unknown }) => {
        expect(result._tag, `expected ${expected.type}, got events: ${JSON.stringify(result)}`).toBe('Left');
        expect(result).toMatchObject({ _tag: 'Left', left: expected });
      },
      result,
    };
  },
});
