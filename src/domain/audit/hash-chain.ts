import { canonicalJson } from '../shared/canonical-json.js';

/** What the hash of one stored event covers; see ADR 0008. */
export interface HashedContent {
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly version: number;
  readonly data: unknown;
  readonly metadata: unknown;
}

/** The hash before the first event of a stream, and before the first event of the log. */
export const GENESIS = '0'.repeat(64);

/**
 * The text whose SHA-256 is an event's `hash`: its content and the hash of
 * the previous event of its stream, so editing, removing or reordering an
 * event breaks every hash after it.
 */
export const eventHashInput = (content: HashedContent, previousInStream: string): string =>
  canonicalJson([previousInStream, content.streamId, content.revision, content.eventId, content.type, content.version, content.data, content.metadata]);

/** The text whose SHA-256 is an event's `chain`: the global log's chain so far plus this event's hash. */
export const chainInput = (previousChain: string, hash: string): string => `${previousChain}:${hash}`;
