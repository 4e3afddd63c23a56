import type { Channel } from '../../src/domain/index.js';

/** The console talks only to the public /v1 API, with the key kept in this tab's session storage. */
const KEY = 'hookledger.apiKey';
export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (key: string) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

export interface ErrorDetail {
  path: (string | number)[];
  message: string;
}
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

export interface Webhook {
  webhook_id: string;
  webhook_name: string;
  event_types: string[];
  channels: Channel[];
  is_active: boolean;
  created_at: string;
  updated_at: string;
  last_error: { message: string; channel: string; status_code: number | null; at: string } | null;
  version: number;
}
export interface EventType {
  name: string;
  description: string;
  category: string;
  cache_scope: string | null;
}
export interface HistoryEvent {
  revision: number;
  type: string;
  data: Record<string, unknown>;
  recorded_at: string;
  actor: string;
}
/** One attempt of the delivery log; the payload is fetched once per message (`webhooks.message`). */
export interface Attempt {
  message_id: string;
  event_type: string;
  channel: string;
  attempt: number;
  at: string;
  status: 'succeeded' | 'failed';
  status_code: number | null;
  latency_ms: number;
  response_body: string | null;
  error: string | null;
  delivery_status: string;
}
export interface AttemptPage {
  results: Attempt[];
  pagination: { limit: number; next_cursor: string | null; has_more: boolean };
}
export interface DeliveredMessage {
  message_id: string;
  event_type: string;
  accepted_at: string;
  data: unknown;
}

export const api = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, key = session.key()): Promise<T> => {
  const res = await fetch(path, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const e = (json as { error?: { type?: string; message?: string; details?: ErrorDetail[] } } | undefined)?.error;
    if (res.status === 401 && key && key === session.key()) {
      // The key was revoked (or deleted) while signed in: forget it and show the sign-in again.
      session.signOut();
      window.dispatchEvent(new Event('hookledger:signed-out'));
    }
    throw new ApiError(res.status, e?.type ?? 'Error', e?.message ?? `HTTP ${res.status}`, e?.details ?? []);
  }
  return json as T;
};

const W = '/v1/organizations/webhooks';
export const webhooks = {
  list: (filter: { event_type?: string; is_active?: boolean }) => api<{ results: Webhook[]; total: number }>('POST', `${W}/list?limit=100`, filter),
  get: (id: string, asOf?: string) => api<Webhook>('GET', `${W}/${id}${asOf ? `?as_of=${encodeURIComponent(asOf)}` : ''}`),
  create: (settings: unknown) => api<Webhook & { secret: string }>('POST', `${W}/`, settings),
  update: (id: string, settings: unknown, version: number) => api<Webhook>('PUT', `${W}/${id}`, settings, { 'if-match': `"${version}"` }),
  setActive: (id: string, active: boolean) => api<Webhook>('PATCH', `${W}/${id}`, { is_active: active }),
  remove: (id: string) => api<void>('DELETE', `${W}/${id}`),
  history: (id: string) => api<{ events: HistoryEvent[] }>('GET', `${W}/${id}/history`),
  rotate: (id: string) => api<{ secret: string }>('POST', `${W}/${id}/secret/rotate`),
  test: (id: string) => api<{ message_id: string }>('POST', `${W}/${id}/test`),
  /** One page of attempts, newest first; pass the previous page's `next_cursor` as `cursor` (with the same filters) for the next. */
  attempts: (id: string, query: Record<string, string>) =>
    api<AttemptPage>('GET', `${W}/${id}/deliveries?${new URLSearchParams(Object.entries(query).filter(([, v]) => v !== ''))}`),
  message: (id: string, messageId: string) => api<DeliveredMessage>('GET', `${W}/${id}/messages/${encodeURIComponent(messageId)}`),
  retry: (id: string, messageId: string) => api<unknown>('POST', `${W}/${id}/deliveries/${messageId}/retry`),
  recover: (id: string, since: string, until?: string) => api<{ rescheduled: number }>('POST', `${W}/${id}/recover`, until ? { since, until } : { since }),
};
export const eventTypes = () => api<{ catalog: string; event_types: EventType[] }>('GET', '/v1/event-types');
