import type { EventCatalog } from '../catalog/catalog.js';
import { ALL_EVENTS, checkPattern, coveredBy } from '../catalog/matches.js';
import { canonicalJson } from '../shared/canonical-json.js';
import type { ErrorDetail } from '../shared/errors.js';
import { type Channel, channelContent, channelDestination } from './channels.js';
import { literalPrivateDestination } from './destination.js';
import { headerProblems } from './headers.js';
import { templateProblems } from '../template/channel-templates.js';

/**
 * Rules on event types that need the organization's catalog: each is a known
 * name, `*`, or a prefix wildcard; no duplicates; `*` stands alone; nothing
 * listed twice through a wildcard (see ADR 0004).
 */
export const eventTypeProblems = (catalog: EventCatalog, eventTypes: readonly string[], kept: readonly string[] = []): ErrorDetail[] => {
  const problems: ErrorDetail[] = [];
  const seen = new Set<string>();
  eventTypes.forEach((pattern, index) => {
    const path = ['event_types', index];
    if (seen.has(pattern)) {
      problems.push({ path, message: `'${pattern}' is listed twice` });
      return;
    }
    seen.add(pattern);
    // A pattern the webhook already has stays valid (its type may have been archived since: ADR 0020).
    const problem = kept.includes(pattern) ? undefined : checkPattern(catalog, pattern);
    if (problem) {
      problems.push({ path, message: describe(problem.kind, pattern, catalog) });
      return;
    }
    const cover = coveredBy(eventTypes, pattern);
    if (cover !== undefined) {
      problems.push({
        path,
        message: cover === ALL_EVENTS ? `'*' already selects every event; list it alone` : `'${pattern}' is already selected by '${cover}'`,
      });
    }
  });
  return problems;
};

const describe = (kind: 'unknown' | 'bad-wildcard' | 'no-match' | 'archived', pattern: string, catalog: EventCatalog): string => {
  switch (kind) {
    case 'archived':
      return `'${pattern}' is archived: it cannot be newly subscribed to`;
    case 'unknown':
      return `'${pattern}' is not an event type of the ${catalog.id} catalog (GET /v1/event-types lists them)`;
    case 'bad-wildcard':
      return `'${pattern}' is not a valid wildcard: use '*' or a prefix ending in '${catalog.separator}*'`;
    case 'no-match':
      return `'${pattern}' selects no event type of the ${catalog.id} catalog`;
  }
};

// Whether a channel is unchanged is a question of its settings, not of its id.
const contentKey = (channel: Channel): string => canonicalJson(channelContent(channel));

/**
 * Two channels that deliver to the same destination would send every event
 * twice. Channels being written (not in `unchanged`) must also be sendable:
 * templates that render (ADR 0012) and headers that can go on the wire, so a
 * setting accepted under older rules does not block unrelated edits.
 */
export const channelProblems = (channels: readonly Channel[], unchanged: readonly Channel[] = []): ErrorDetail[] => {
  const kept = new Set(unchanged.map(contentKey));
  const first = new Map<string, number>();
  const problems: ErrorDetail[] = [];
  channels.forEach((channel, index) => {
    if (!kept.has(contentKey(channel))) {
      problems.push(...templateProblems(channel).map((p) => ({ path: ['channels', index, ...p.path], message: p.message })));
      if (channel.channel === 'webhook') {
        problems.push(
          ...headerProblems(channel.configs.headers).map((p) => ({ path: ['channels', index, 'configs', 'headers', ...p.path], message: p.message })),
        );
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
  const kept = new Set(unchanged.map(contentKey));
  const problems: ErrorDetail[] = [];
  channels.forEach((channel, index) => {
    const target = urlOf(channel);
    if (!target || kept.has(contentKey(channel))) return;
    const problem = literalPrivateDestination(target.url);
    if (problem) problems.push({ path: ['channels', index, 'configs', target.field], message: problem });
  });
  return problems;
};

/** The most bytes one webhook's settings take as canonical JSON (UTF-8): every read, write and delivery of them stays bounded (ADR 0016). */
export const SETTINGS_MAX_BYTES = 64 * 1024;

/** What the size rule measures: the settings a user writes (name, event types, channels). */
export interface SizedSettings {
  readonly webhook_name: string;
  readonly event_types: readonly string[];
  readonly channels: readonly unknown[];
}

/** UTF-8 length of a string, without Node's Buffer (the domain has no I/O modules). */
const utf8Length = (text: string): number => {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
};

/** The size rule measures this: the settings as canonical JSON, in UTF-8 bytes. */
export const settingsSize = (settings: SizedSettings): number =>
  utf8Length(canonicalJson({ webhook_name: settings.webhook_name, event_types: settings.event_types, channels: settings.channels }));

/**
 * Settings over `SETTINGS_MAX_BYTES`, reported at the body's root with their size. Given the
 * settings before the change, a change that does not make them larger passes, so settings
 * accepted before this rule do not block edits that shrink them or leave them as they are.
 */
export const settingsSizeProblems = (settings: SizedSettings, before?: SizedSettings): ErrorDetail[] => {
  const bytes = settingsSize(settings);
  if (bytes <= SETTINGS_MAX_BYTES || (before !== undefined && bytes <= settingsSize(before))) return [];
  return [{ path: [], message: `the settings take ${bytes} bytes as canonical JSON; at most ${SETTINGS_MAX_BYTES} (64 KiB) are allowed` }];
};
