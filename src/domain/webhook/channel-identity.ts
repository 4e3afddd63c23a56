import { type Either, left, right } from 'fp-ts/lib/Either.js';
import type { ErrorDetail } from '../shared/errors.js';
import { type Channel, type IdentifiedChannel, channelDestination } from './channels.js';

/** The number in a `ch_<n>` id (0 for anything else, which the schema never lets through). */
export const channelNumber = (channelId: string): number => {
  const match = /^ch_([1-9][0-9]*)$/.exec(channelId);
  return match ? Number(match[1]) : 0;
};

/** The highest channel number among `channels`, or `from` when that is higher. */
export const highestChannelNumber = (channels: readonly { readonly channel_id: string }[], from = 0): number =>
  channels.reduce((max, c) => Math.max(max, channelNumber(c.channel_id)), from);

/** The id a channel at `index` gets when nothing else names it: stored events before version 2 and queued jobs are read this way. */
export const positionalChannelId = (index: number): string => `ch_${index + 1}`;

const withId = (channel: Channel, channelId: string): IdentifiedChannel => {
  const { channel_id: _given, ...content } = channel;
  return { channel_id: channelId, ...content } as IdentifiedChannel;
};

/**
 * Which channels of an edit are the webhook's existing channels, so jobs already queued for
 * them follow the edit (ADR 0015). In order of precedence, for each channel given:
 * 1. it names an existing `channel_id` of this webhook (of the same kind): it keeps that id;
 *    an id the webhook does not have, or one named twice, is refused with its path;
 * 2. it has the destination of an existing channel not matched yet: it keeps that one's id;
 * 3. an existing channel not matched yet sits at the same index with the same kind: it keeps
 *    that one's id (the owner repaired the URL of that channel);
 * 4. otherwise it is new and gets `ch_<last + 1>`; ids are never reused.
 * Pure and deterministic: the same edit of the same state gives the same ids.
 */
export const assignChannelIds = (
  given: readonly Channel[],
  existing: readonly IdentifiedChannel[],
  lastNumber: number,
): Either<ErrorDetail[], { channels: IdentifiedChannel[]; lastNumber: number }> => {
  const byId = new Map(existing.map((c) => [c.channel_id, c]));
  const ids: (string | undefined)[] = given.map(() => undefined);
  const matched = new Set<string>();
  const problems: ErrorDetail[] = [];

  given.forEach((channel, index) => {
    const id = channel.channel_id;
    if (id === undefined) return;
    const path = ['channels', index, 'channel_id'];
    const known = byId.get(id);
    if (!known) problems.push({ path, message: `${id} is not a channel of this webhook: leave channel_id out for a new channel` });
    else if (known.channel !== channel.channel)
      problems.push({ path, message: `${id} is a ${known.channel} channel: leave channel_id out for a ${channel.channel} channel` });
    else if (matched.has(id)) problems.push({ path, message: `${id} is named by another channel of this list` });
    else {
      ids[index] = id;
      matched.add(id);
    }
  });
  if (problems.length > 0) return left(problems);

  const unmatched = (c: IdentifiedChannel) => !matched.has(c.channel_id);
  given.forEach((channel, index) => {
    if (ids[index] !== undefined || channel.channel_id !== undefined) return;
    const destination = channelDestination(channel);
    const same = existing.find((c) => unmatched(c) && channelDestination(c) === destination);
    if (same) {
      ids[index] = same.channel_id;
      matched.add(same.channel_id);
    }
  });
  given.forEach((channel, index) => {
    if (ids[index] !== undefined) return;
    const there = existing[index];
    if (there && unmatched(there) && there.channel === channel.channel) {
      ids[index] = there.channel_id;
      matched.add(there.channel_id);
    }
  });

  let last = highestChannelNumber(existing, lastNumber);
  const channels = given.map((channel, index) => withId(channel, ids[index] ?? `ch_${++last}`));
  return right({ channels, lastNumber: last });
};
