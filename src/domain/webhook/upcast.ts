import { type Either, left, right } from 'fp-ts/lib/Either.js';
import { formatPath } from '../shared/errors.js';
import { WebhookEvent } from './events.js';

/** An event as stored: any schema version it was written with. */
export interface RecordedEvent {
  readonly type: string;
  readonly version: number;
  readonly data: unknown;
}

/** Turns `data` of version N into version N + 1. */
export type Upcaster = (data: unknown) => unknown;
/** `upcasters[type][n]` lifts that event type from version n to n + 1. */
export type Upcasters = Readonly<Record<string, Readonly<Record<number, Upcaster>>>>;

/** Each event type's current schema version, read from its schema. */
const CURRENT_VERSIONS = new Map<string, number>(
  WebhookEvent.options.map((schema) => [schema.shape.type.value, schema.shape.version.value]),
);

/** None yet: every webhook event is still at version 1. Add one here when a schema changes. */
export const webhookUpcasters: Upcasters = {};

/**
 * The one place old event versions become current ones. Unknown types,
 * versions with no path to the current one, or data that does not fit the
 * schema are reported (the store is corrupt or newer than this code).
 */
export const createUpcaster =
  (upcasters: Upcasters = webhookUpcasters) =>
  (recorded: RecordedEvent): Either<string, WebhookEvent> => {
    const currentVersion = CURRENT_VERSIONS.get(recorded.type);
    if (currentVersion === undefined) return left(`${recorded.type} is not a webhook event type`);
    let { version, data } = recorded;
    while (version < currentVersion) {
      const step = upcasters[recorded.type]?.[version];
      if (!step) return left(`${recorded.type} v${version} has no upcaster to v${version + 1}`);
      data = step(data);
      version += 1;
    }
    const parsed = WebhookEvent.safeParse({ type: recorded.type, version, data });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return left(`${recorded.type} v${recorded.version} is unreadable: ${issue ? `${formatPath(issue.path.map(String))}: ${issue.message}` : 'invalid'}`);
    }
    return right(parsed.data);
  };

/** Brings a stored webhook event of any older schema version to the current one. */
export const upcast = createUpcaster();
