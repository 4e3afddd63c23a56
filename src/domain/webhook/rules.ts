import type { EventCatalog } from '../catalog/catalog.js';
import { ALL_EVENTS, checkPattern, coveredBy } from '../catalog/matches.js';
import { canonicalJson } from '../shared/canonical-json.js';
import type { ErrorDetail } from '../shared/errors.js';
import { type Channel, channelDestination } from './channels.js';
import { literalPrivateDestination } from './destination.js';
import { headerProblems } from './headers.js';
import { templateProblems } from '../template/channel-templates.js';

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

/**
 * Two channels that deliver to the same destination would send every event
 * twice. Channels being written (not in `unchanged`) must also be sendable:
 * templates that render (ADR 0012) and headers that can go on the wire, so a
 * setting accepted under older rules does not block unrelated edits.
 */
export const channelProblems = (channels: readonly Channel[], unchanged: readonly Channel[] = []): ErrorDetail[] => {
  const kept = new Set(unchanged.map(canonicalJson));
  const first = new Map<string, number>();
  const problems: ErrorDetail[] = [];
  channels.forEach((channel, index) => {
    if (!kept.has(canonicalJson(channel))) {
      problems.push(...templateProblems(channel).map((p) => ({ path: ['channels', index, ...p.path], message: p.message })));
      if (channel.channel === 'webhook') {
        problems.push(...headerProblems(channel.configs.headers).map((p) => ({ path: ['channels', index, 'configs', 'headers', ...p.path], message: p.message })));
      }
    }
    const destination = channelDestination(channel);
    const earlier = first.get(destination);
    if (earlier === undefined) first.set(destination, index);
    else problems.push({ path: ['channels', index], message: `duplicates channels[${earlier}] (same ${channel.channel} destination)` });
  });
  return problems;
};

/** The URL field of channels that deliver over HTTP. */
const urlOf = (channel: Channel): { field: string; url: string } | undefined => {
  switch (channel.channel) {
    case 'webhook':
      return { field: 'url', url: channel.configs.url };
    case 'slack':
      return { field: 'webhook_url', url: channel.configs.webhook_url };
    case 'email':
    case 'sms':
      return undefined;
    default: {
      const unreachable: never = channel;
      return unreachable;
    }
  }
};

/**
 * A URL may not name a private or reserved IP address, or `localhost`,
 * literally (unless the operator allows private destinations; decide checks
 * that). Hostnames resolve only at delivery, where the same classifier runs
 * on every address. Channels listed in `unchanged` are skipped, so a setting
 * accepted earlier does not block unrelated edits.
 */
export const destinationProblems = (channels: readonly Channel[], unchanged: readonly Channel[] = []): ErrorDetail[] => {
  const kept = new Set(unchanged.map(canonicalJson));
  const problems: ErrorDetail[] = [];
  channels.forEach((channel, index) => {
    const target = urlOf(channel);
    if (!target || kept.has(canonicalJson(channel))) return;
    const problem = literalPrivateDestination(target.url);
    if (problem) problems.push({ path: ['channels', index, 'configs', target.field], message: problem });
  });
  return problems;
};
