import createClient from 'openapi-fetch';
import type { components, operations, paths } from './api-types.js';
import { HookledgerApiError } from './errors.js';
import { adminMethods, eventTypeMethods } from './operator-methods.js';
import { cursorPages, itemsOf } from './pages.js';
import { type RetryOptions, retryingFetch } from './retry.js';

/** Every path of the API with its operations, as openapi-typescript generates them from /openapi.json (for `client.raw`). */
export type ApiPaths = paths;
/** Every operation of the API by its operationId. */
export type ApiOperations = operations;
/** The named schemas, headers and shared responses of /openapi.json. */
export type ApiComponents = components;

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
/** The JSON body an operation takes. */
export type RequestBody<Op extends keyof operations> = Json<NonNullable<operations[Op]['requestBody']>>;
/** The query parameters an operation takes. */
export type QueryOf<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;
/** The JSON body of an operation's answer with that status. */
export type ResponseBody<Op extends keyof operations, Status extends keyof operations[Op]['responses']> = Json<operations[Op]['responses'][Status]>;

/** A webhook as the API shows it. */
export type Webhook = ResponseBody<'getWebhook', 200>;
/** One page of `POST …/webhooks/list`. */
export type WebhookPage = ResponseBody<'listWebhooks', 200>;
/** One recorded event of a webhook's history. */
export type HistoryEvent = ResponseBody<'getWebhookHistory', 200>['events'][number];
/** One delivery attempt of the delivery log. */
export type DeliveryAttempt = ResponseBody<'listDeliveryAttempts', 200>['results'][number];

/** Where the API is, the key, and how to retry. */
export interface HookledgerClientOptions {
  /** Where the API is: `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** An API key, `sk_…`. */
  readonly apiKey: string;
  /** Waiting out 429 and 503 (Retry-After, else backoff); `false` turns it off. */
  readonly retry?: RetryOptions | false;
  /** Another fetch (a proxy agent, a test double). */
  readonly fetch?: (request: Request, init?: RequestInit) => Promise<Response>;
}

/** `If-Match` from a version number (`7` → `"7"`). */
const ifMatch = (version: number | undefined) => (version === undefined ? {} : { 'If-Match': `"${version}"` });

/** The operations the client has a method for; a test checks it against every /v1 operation of /openapi.json. */
export const CLIENT_OPERATIONS = [
  'createWebhook',
  'listWebhooks',
  'getWebhook',
  'replaceWebhook',
  'updateWebhook',
  'deleteWebhook',
  'getWebhookHistory',
  'getWebhookSecret',
  'rotateWebhookSecret',
  'publishEvent',
  'testWebhook',
  'listDeliveryAttempts',
  'getDeliveredMessage',
  'retryDelivery',
  'recoverDeliveries',
  'listEventTypes',
  'createEventType',
  'getEventTypeHistory',
  'getEventType',
  'replaceEventType',
  'archiveEventType',
  'listOrganizations',
  'createOrganization',
  'listOrganizationKeys',
  'createOrganizationKey',
  'revokeOrganizationKey',
] as const satisfies readonly (keyof operations)[];

/**
 * A typed client for the /v1 API. Errors are thrown as `HookledgerApiError` (status and envelope);
 * 429 and 503 are retried after Retry-After. `raw` is the underlying openapi-fetch client, typed by
 * the same document, for anything the methods do not cover.
 */
export const createHookledgerClient = (options: HookledgerClientOptions) => {
  const baseFetch = options.fetch ?? ((request: Request, init?: RequestInit) => globalThis.fetch(request, init));
  const raw = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/$/, ''),
    headers: { authorization: `Bearer ${options.apiKey}` },
    fetch: options.retry === false ? baseFetch : retryingFetch(baseFetch, options.retry),
  });
  const ok = async <T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> => {
    const { data, error, response } = await pending;
    if (!response.ok) throw HookledgerApiError.from(response, error);
    return data as T;
  };
  const W = '/v1/organizations/webhooks/{webhook_id}' as const;
  const at = (webhook_id: string) => ({ path: { webhook_id } });

  const webhooks = {
    create: (body: RequestBody<'createWebhook'>) => ok(raw.POST('/v1/organizations/webhooks/', { body })),
    /** One page: `query.limit` (1-100) with `cursor` or `offset`. */
    list: (filter: RequestBody<'listWebhooks'> = {}, query: QueryOf<'listWebhooks'> = {}) =>
      ok(raw.POST('/v1/organizations/webhooks/list', { body: filter, params: { query } })),
    /** Every page, following `next_cursor`. */
    pages: (filter: RequestBody<'listWebhooks'> = {}, pageSize?: number) =>
      cursorPages(
        (cursor) => webhooks.list(filter, { limit: pageSize, cursor }),
        (page) => page.pagination.next_cursor,
      ),
    /** Every webhook that matches, one at a time. */
    all: (filter: RequestBody<'listWebhooks'> = {}, pageSize?: number) => itemsOf(webhooks.pages(filter, pageSize), (page) => page.results),
    /** The webhook now, or as it was at `asOf` (ISO-8601). */
    get: (id: string, asOf?: string) => ok(raw.GET(W, { params: { ...at(id), query: asOf === undefined ? {} : { as_of: asOf } } })),
    /** Replaces the settings; with `ifMatch`, only if the webhook is still at that version (else 412). */
    replace: (id: string, body: RequestBody<'replaceWebhook'>, options: { ifMatch?: number } = {}) =>
      ok(raw.PUT(W, { params: at(id), body, headers: ifMatch(options.ifMatch) })),
    update: (id: string, body: RequestBody<'updateWebhook'>, options: { ifMatch?: number } = {}) =>
      ok(raw.PATCH(W, { params: at(id), body, headers: ifMatch(options.ifMatch) })),
    /** Deletes (idempotent; the history stays readable); `forget: true` also destroys its data key, so its settings read as "[forgotten]". */
    delete: async (id: string, options: { ifMatch?: number; forget?: boolean } = {}): Promise<void> => {
      const query = options.forget === undefined ? {} : { forget: options.forget ? ('true' as const) : ('false' as const) };
      await ok(raw.DELETE(W, { params: { ...at(id), query }, headers: ifMatch(options.ifMatch) }));
    },
    history: (id: string, query: QueryOf<'getWebhookHistory'> = {}) => ok(raw.GET(`${W}/history`, { params: { ...at(id), query } })),
    /** Every recorded event of the webhook, oldest first. */
    allHistory: (id: string, pageSize?: number) =>
      itemsOf(
        cursorPages(
          (cursor) => webhooks.history(id, { limit: pageSize, cursor }),
          (page) => page.pagination.next_cursor,
        ),
        (page) => page.events,
      ),
    secret: (id: string) => ok(raw.GET(`${W}/secret`, { params: at(id) })),
    rotateSecret: (id: string) => ok(raw.POST(`${W}/secret/rotate`, { params: at(id) })),
    /** Sends a `webhook.test` event to the webhook's channels. */
    test: (id: string) => ok(raw.POST(`${W}/test`, { params: at(id) })),
  };

  const deliveries = {
    /** One page of delivery attempts, newest first. */
    list: (webhookId: string, query: QueryOf<'listDeliveryAttempts'> = {}) => ok(raw.GET(`${W}/deliveries`, { params: { ...at(webhookId), query } })),
    /** Every attempt that matches the filters, newest first. */
    all: (webhookId: string, filters: Omit<QueryOf<'listDeliveryAttempts'>, 'cursor'> = {}) =>
      itemsOf(
        cursorPages(
          (cursor) => deliveries.list(webhookId, { ...filters, cursor }),
          (page) => page.pagination.next_cursor,
        ),
        (page) => page.results,
      ),
    /** A delivered message with its data. */
    message: (webhookId: string, messageId: string) =>
      ok(raw.GET(`${W}/messages/{message_id}`, { params: { path: { webhook_id: webhookId, message_id: messageId } } })),
    retry: (webhookId: string, messageId: string) =>
      ok(raw.POST(`${W}/deliveries/{message_id}/retry`, { params: { path: { webhook_id: webhookId, message_id: messageId } } })),
    /** Delivers again every failed message accepted in the window. */
    recover: (webhookId: string, window: RequestBody<'recoverDeliveries'>) => ok(raw.POST(`${W}/recover`, { params: at(webhookId), body: window })),
  };

  return {
    webhooks,
    deliveries,
    events: { publish: (body: RequestBody<'publishEvent'>) => ok(raw.POST('/v1/events', { body })) },
    eventTypes: eventTypeMethods(raw, ok),
    /** Operator keys only. */
    admin: adminMethods(raw, ok),
    raw,
  };
};

/** The client `createHookledgerClient` returns. */
export type HookledgerClient = ReturnType<typeof createHookledgerClient>;
