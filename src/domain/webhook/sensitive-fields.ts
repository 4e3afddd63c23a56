/**
 * Which channel settings are credentials or personal data (ADR 0018): sealed at rest under the
 * webhook's data key, shown as `FORGOTTEN` once that key is destroyed. Pure: the sealing itself
 * is a port; this only says where the sensitive values are.
 */

/** What a sealed field reads as after its webhook was forgotten (its data key destroyed). */
export const FORGOTTEN = '[forgotten]';

/** The sensitive `configs` fields of each channel kind. */
export const SENSITIVE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  webhook: ['url', 'headers'],
  slack: ['webhook_url'],
  email: ['to_addresses', 'cc', 'bcc'],
  sms: ['phone_numbers'],
};

/**
 * Whether a value at a sensitive position carries anything worth sealing: an HTTP URL only
 * with a query or userinfo (its host and path are needed to read the log and are no
 * credential), headers only when there are some; every other sensitive field always.
 */
export const needsSealing = (field: string, value: unknown): boolean => {
  if (value === undefined) return false;
  if (field === 'headers') return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
  if (field === 'url' && typeof value === 'string') {
    try {
      const url = new URL(value);
      return url.search !== '' || url.username !== '' || url.password !== '';
    } catch {
      return true;
    }
  }
  return true;
};

type MapField = (value: unknown, field: string) => unknown;

/** A channel (of any stored version; unknown shapes pass unchanged) with `f` applied to each sensitive value it has. */
export const mapSensitiveChannelFields = <C>(channel: C, f: MapField): C => {
  if (typeof channel !== 'object' || channel === null) return channel;
  const { channel: kind, configs } = channel as { channel?: unknown; configs?: unknown };
  const fields = typeof kind === 'string' ? SENSITIVE_FIELDS[kind] : undefined;
  if (!fields || typeof configs !== 'object' || configs === null) return channel;
  const mapped: Record<string, unknown> = { ...(configs as Record<string, unknown>) };
  for (const field of fields) if (mapped[field] !== undefined) mapped[field] = f(mapped[field], field);
  return { ...channel, configs: mapped };
};

/** Event data with `f` applied to every sensitive channel value; data of events without channels is returned as is. */
export const mapSensitiveEventFields = (data: unknown, f: MapField): unknown => {
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { channels?: unknown }).channels)) return data;
  const { channels } = data as { channels: unknown[] };
  return { ...data, channels: channels.map((channel) => mapSensitiveChannelFields(channel, f)) };
};

/** Whether an event's data has any sensitive value `needsSealing` would seal (so no data key is made for nothing). */
export const hasSensitiveFields = (data: unknown): boolean => {
  let found = false;
  mapSensitiveEventFields(data, (value, field) => {
    found ||= needsSealing(field, value);
    return value;
  });
  return found;
};

const LIST_FIELDS = new Set(['to_addresses', 'cc', 'bcc', 'phone_numbers']);

/**
 * A channel copy without its sensitive values, of the same shape, whether they are clear or
 * sealed (for delivery jobs, which keep a copy only for the log and scheduling: each attempt
 * reads the current settings). An HTTP URL in clear keeps its host and path.
 */
export const redactChannel = <C>(channel: C): C =>
  mapSensitiveChannelFields(channel, (value, field) => {
    if (LIST_FIELDS.has(field)) return [];
    if (field === 'headers') return {};
    if (field === 'url' && typeof value === 'string' && /^https?:\/\//i.test(value)) {
      try {
        const url = new URL(value);
        return `${url.protocol}//${url.host}${url.pathname}`;
      } catch {
        return '[redacted]';
      }
    }
    return '[redacted]';
  });
