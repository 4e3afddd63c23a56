import type { EventCatalog } from '../catalog/catalog.js';
import { ALL_EVENTS, checkPattern, coveredBy } from '../catalog/matches.js';
import type { ErrorDetail } from '../shared/errors.js';
import { type Channel, channelDestination } from './channels.js';

/**
 * Rules on event types that need the organization's catalog: each is a known
 * name, `*`, or a prefix wildcard; no duplicates; `*` stands alone; nothing
 * listed twice through a wildcard (see ADR 0004).
 */
export const eventTypeProblems = (catalog: EventCatalog, eventTypes: readonly string[]): ErrorDetail[] => {
  const problems: ErrorDetail[] = [];
  const seen = new Set<string>();
  eventTypes.forEach((pattern, index) => {
    const path = ['event_types', index];
    if (seen.has(pattern)) {
      problems.push({ path, message: `'${pattern}' is listed twice` });
      return;
    }
    seen.add(pattern);
    const problem = checkPattern(catalog, pattern);
    if (problem) {
      problems.push({ path, message: describe(problem.kind, pattern, catalog) });
      return;
    }
    const cover = coveredBy(eventTypes, pattern);
    if (cover !== undefined) {
      problems.push({
        path,
        message: cover === ALL_EVENTS
          ? `'*' already selects every event; list it alone`
          : `'${pattern}' is already selected by '${cover}'`,
      });
    }
  });
  return problems;
};

const describe = (kind: 'unknown' | 'bad-wildcard' | 'no-match', pattern: string, catalog: EventCatalog): string => {
  switch (kind) {
    case 'unknown':
      return `'${pattern}' is not an event type of the ${catalog.id} catalog (GET /v1/event-types lists them)`;
    case 'bad-wildcard':
      return `'${pattern}' is not a valid wildcard: use '*' or a prefix ending in '${catalog.separator}*'`;
    case 'no-match':
      return `'${pattern}' selects no event type of the ${catalog.id} catalog`;
  }
};

/** Two channels that deliver to the same destination would send every event twice. */
export const channelProblems = (channels: readonly Channel[]): ErrorDetail[] => {
  const first = new Map<string, number>();
  const problems: ErrorDetail[] = [];
  channels.forEach((channel, index) => {
    const destination = channelDestination(channel);
    const earlier = first.get(destination);
    if (earlier === undefined) first.set(destination, index);
    else problems.push({ path: ['channels', index], message: `duplicates channels[${earlier}] (same ${channel.channel} destination)` });
  });
  return problems;
};
