import type { Caller } from '../../src/application/index.js';
import { dottedCatalog } from '../../src/domain/index.js';

/** Two organizations' callers, for use-case tests that check tenancy. */
export const orgA: Caller = { organizationId: 'int_aaaaaaaaaaaaaaaaaaaaaaaa', actor: 'key:a', catalog: dottedCatalog };
export const orgB: Caller = { organizationId: 'int_bbbbbbbbbbbbbbbbbbbbbbbb', actor: 'key:b', catalog: dottedCatalog };

/** A minimal valid webhook, as a client writes it. */
export const opsSettings = {
  webhook_name: 'Ops',
  event_types: ['object.created'],
  channels: [{ channel: 'webhook' as const, configs: { url: 'https://example.com/hook' } }],
};

/** The Right of an Either, or a failure that prints the Left. */
export const unwrap = <T>(result: { _tag: 'Left'; left: unknown } | { _tag: 'Right'; right: T }): T => {
  if (result._tag === 'Left') throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};
