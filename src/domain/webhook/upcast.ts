import { type Either, left, right } from 'fp-ts/lib/Either.js';
import type * as z from 'zod';
import { formatPath } from '../shared/errors.js';
import { currentVersions } from '../shared/versioned-events.js';
import { positionalChannelId } from './channel-identity.js';
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
const CURRENT_VERSIONS = currentVersions(WebhookEvent.options);

/**
 * Version 1 channels had no ids: each gets `ch_<position + 1>`, the id queued jobs of that
 * channel index get from the queue's migration, so they keep pointing at the same channel.
 * Anything that is not the expected shape passes through unchanged for the schema to report.
 */
const channelIdsByPosition: Upcaster = (data) => {
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { channels?: unknown }).channels)) return data;
  const { channels } = data as { channels: unknown[] };
  return {
    ...data,
    channels: channels.map((channel, index) =>
      typeof channel === 'object' && channel !== null ? { channel_id: positionalChannelId(index), ...channel } : channel,
    ),
  };
};

/** Every step from an old event version to the next; events are upcast when read, never rewritten (the audit chain hashes them). */
export const webhookUpcasters: Upcasters = {
  WebhookCreated: { 1: channelIdsByPosition },
  WebhookChannelsChanged: { 1: channelIdsByPosition },
};

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

/** The JS type a field must have for `evolve` to read it: derived from the event schemas once. */
type FieldKind = 'string' | 'boolean' | 'number' | 'array' | 'array-of-objects' | 'any';
interface FieldRule {
  readonly field: string;
  readonly kind: FieldKind;
  readonly optional: boolean;
}

const fieldRule = (field: string, schema: z.ZodType): FieldRule => {
  let inner = schema;
  let optional = false;
  while (inner.def.type === 'optional' || inner.def.type === 'default') {
    optional = true;
    inner = (inner.def as unknown as { innerType: z.ZodType }).innerType;
  }
  const type = inner.def.type;
  if (type === 'array') {
    const element = (inner.def as unknown as { element: z.ZodType }).element.def.type;
    return { field, kind: element === 'object' || element === 'union' ? 'array-of-objects' : 'array', optional };
  }
  return { field, kind: type === 'string' || type === 'boolean' || type === 'number' ? type : 'any', optional };
};

const SHAPES = new Map<string, readonly FieldRule[]>(
  WebhookEvent.options.map((schema) => [
    schema.shape.type.value,
    Object.entries((schema.shape.data as unknown as z.ZodObject).shape).map(([field, s]) => fieldRule(field, s as z.ZodType)),
  ]),
);

const fits = (value: unknown, kind: FieldKind): boolean => {
  switch (kind) {
    case 'array':
      return Array.isArray(value);
    case 'array-of-objects':
      return Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null);
    case 'any':
      return true;
    case 'string':
    case 'boolean':
    case 'number':
      return typeof value === kind;
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
};

/**
 * Like `createUpcaster`, for events read back from our own store, which were
 * validated when written (ADR 0016): upcasts, then checks only the shape
 * `evolve` relies on (a known type; data an object whose fields have the JS
 * types their schemas name), not every rule again (URLs, templates, headers).
 * A corrupt store or one newer than this code is still reported.
 */
export const createStoredEventReader =
  (upcasters: Upcasters = webhookUpcasters) =>
  (recorded: RecordedEvent): Either<string, WebhookEvent> => {
    const currentVersion = CURRENT_VERSIONS.get(recorded.type);
    if (currentVersion === undefined) return left(`${recorded.type} is not a webhook event type`);
    let { version, data } = recorded;
    if (version > currentVersion) return left(`${recorded.type} v${version} is newer than this code (v${currentVersion})`);
    while (version < currentVersion) {
      const step = upcasters[recorded.type]?.[version];
      if (!step) return left(`${recorded.type} v${version} has no upcaster to v${version + 1}`);
      data = step(data);
      version += 1;
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      return left(`${recorded.type} v${recorded.version} is unreadable: data is not an object`);
    for (const rule of SHAPES.get(recorded.type)!) {
      const value = (data as Record<string, unknown>)[rule.field];
      if (value === undefined ? !rule.optional : !fits(value, rule.kind)) {
        return left(`${recorded.type} v${recorded.version} is unreadable: ${rule.field}: expected ${rule.kind}`);
      }
    }
    return right({ type: recorded.type, version, data } as WebhookEvent);
  };

/** Reads a stored webhook event of any older schema version as a current one, without re-validating its rules. */
export const readStoredEvent = createStoredEventReader();
