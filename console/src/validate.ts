import { decide, findCatalog, formatPath, initialState } from '../../src/domain/index.js';
import type { ErrorDetail } from './api.js';

/**
 * Checks settings exactly as the API will: the domain's own decision on a
 * creation, with the organization's catalog, so the messages are the API's.
 */
export const validateSettings = (settings: unknown, catalogId: string): ErrorDetail[] => {
  const catalog = findCatalog(catalogId);
  if (!catalog) return [];
  const given = settings as Record<string, unknown>;
  // Channel ids name the webhook's existing channels, which a creation has none of: the server checks them.
  const channels = Array.isArray(given.channels)
    ? given.channels.map((c: unknown) => {
        if (typeof c !== 'object' || c === null) return c;
        const { channel_id: _id, ...rest } = c as Record<string, unknown>;
        return rest;
      })
    : given.channels;
  const data = { ...given, channels, webhook_id: 'wh_0000000000', organization_id: 'int_console' };
  // The console does not know the operator's setting, so it lets private destinations through;
  // the server stays authoritative and its 422 is shown under the field.
  const metadata = { now: new Date().toISOString(), catalog, allowPrivateDestinations: true };
  const result = decide({ type: 'CreateWebhook', data, metadata } as never, initialState());
  if (result._tag === 'Right') return [];
  return 'details' in result.left ? result.left.details.map((d) => ({ path: [...d.path], message: d.message })) : [{ path: [], message: result.left.message }];
};

/** Errors for one field (by its path prefix) as one message. */
export const errorFor = (errors: readonly ErrorDetail[], ...prefix: (string | number)[]): string | undefined => {
  const found = errors.filter((e) => prefix.every((p, i) => e.path[i] === p));
  return found.length
    ? found.map((e) => (e.path.length > prefix.length ? `${formatPath(e.path.slice(prefix.length))}: ` : '') + e.message).join('; ')
    : undefined;
};
