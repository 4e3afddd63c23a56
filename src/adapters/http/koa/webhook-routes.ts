import * as z from 'zod';
import {
  type WebhookDeps,
  type WebhookError,
  type WebhookView,
  createWebhook,
  HISTORY_PAGE,
  executeWebhookCommand,
  loadWebhook,
  webhookHistoryPage,
} from '../../../application/index.js';
import { listWebhooks } from '../../../application/project-webhooks.js';
import type { WebhookReadModel } from '../../../ports/webhook-read-model.js';
import type { WebhookSecrets } from '../../../ports/webhook-secrets.js';
import { HttpError, fromApplicationError } from './errors.js';
import { decodeHistoryCursor, encodeHistoryCursor } from './history-cursor.js';
import { JsonText } from './json-text.js';
import { type LastError, parseIfMatch, presentHistoryEvent, presentWebhook, presentWebhookJson } from './present.js';
import { type Route, type RouteResult, route } from './route.js';
import {
  CreateWebhookBody,
  CreatedWebhookResource,
  EmptyQuery,
  ErrorEnvelope,
  GetWebhookQuery,
  HistoryQuery,
  HistoryResource,
  ListWebhooksBody,
  ListWebhooksQuery,
  PatchWebhookBody,
  WebhookList,
  WebhookResource,
} from './schemas.js';

export interface WebhookRouteDeps {
  readonly webhooks: WebhookDeps;
  readonly readModel: WebhookReadModel;
  readonly secrets: WebhookSecrets;
  /** `whsec_` + base64 of random bytes. */
  readonly newSecret: () => string;
  /** The latest failed delivery attempt of each webhook, for `last_error`. */
  readonly lastErrorsOf: (webhookIds: readonly string[]) => Promise<ReadonlyMap<string, LastError>>;
}

const BASE = '/v1/organizations/webhooks';
const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: ERROR_TEXT[s] ?? 'error', schema: ErrorEnvelope }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'malformed JSON or header',
  401: 'missing or bad API key',
  404: 'no such webhook in this organization',
  409: 'a concurrent change won, even after retries',
  412: 'If-Match names a stale version',
  413: 'body too large',
  415: 'body is not JSON',
  422: 'the body breaks a schema or domain rule',
};
const IF_MATCH = [{ name: 'If-Match', description: 'the version you last saw: "7", W/"7" or 7; a stale one gives 412' }];

const etag = (version: number) => ({ ETag: `"${version}"` });

const viewResult = async (deps: WebhookRouteDeps, status: number, view: WebhookView): Promise<RouteResult> => ({
  status,
  body: new JsonText(presentWebhookJson(view.webhook, view.version, (await deps.lastErrorsOf([view.webhook.webhook_id])).get(view.webhook.webhook_id))),
  headers: etag(view.version),
});

const orFail = (result: { _tag: 'Left'; left: WebhookError } | { _tag: 'Right'; right: WebhookView }): WebhookView => {
  if (result._tag === 'Left') throw fromApplicationError(result.left);
  return result.right;
};

const expectedVersion = (header: string | undefined): number | undefined => {
  const parsed = parseIfMatch(header);
  if (parsed === 'invalid') throw new HttpError(400, 'BadRequest', 'If-Match must name a version, such as "7"');
  return parsed === 'any' ? undefined : parsed;
};

/** Cursors are opaque to clients: the list order key in base 36. */
const encodeCursor = (sequence: number) => `c${sequence.toString(36)}`;
const decodeCursor = (cursor: string): number => {
  const n = /^c[0-9a-z]{1,12}$/.test(cursor) ? parseInt(cursor.slice(1), 36) : NaN;
  if (!Number.isSafeInteger(n)) throw new HttpError(422, 'ValidationError', 'cursor is not one this API issued', [{ path: ['cursor'], message: 'unknown cursor' }]);
  return n;
};

export const webhookRoutes = (deps: WebhookRouteDeps): Route[] => {
  /** PUT and PATCH differ only in their body: both become one UpdateWebhook (left-out fields keep their value). */
  const updateRoute = (method: 'put' | 'patch', operationId: string, summary: string, body: typeof CreateWebhookBody | typeof PatchWebhookBody) =>
    route({
      method,
      path: `${BASE}/{webhook_id}`,
      operationId,
      summary,
      tag: 'Webhooks',
      auth: true,
      body,
      bodyRequired: true,
      headers: IF_MATCH,
      responses: { 200: { description: 'the webhook after the update', schema: WebhookResource }, ...errors(400, 401, 404, 409, 412, 413, 415, 422) },
      handle: async ({ params, body: data, caller, ctx }) =>
        viewResult(
          deps,
          200,
          orFail(
            await executeWebhookCommand(deps.webhooks, caller, params.webhook_id!, { type: 'UpdateWebhook', data }, {
              expectedVersion: expectedVersion(ctx.get('if-match')),
            }),
          ),
        ),
    });

  return [
    route({
      method: 'post',
      path: `${BASE}/`,
      operationId: 'createWebhook',
      summary: 'Create a webhook',
      tag: 'Webhooks',
      auth: true,
      body: CreateWebhookBody,
      bodyRequired: true,
      responses: { 201: { description: 'created; the signing secret is shown once here', schema: CreatedWebhookResource }, ...errors(400, 401, 413, 415, 422) },
      handle: async ({ body, caller }) => {
        const view = orFail(await createWebhook(deps.webhooks, caller, body));
        const secret = deps.newSecret();
        await deps.secrets.issue(view.webhook.webhook_id, secret);
        return {
          status: 201,
          body: { ...presentWebhook(view.webhook, view.version), secret },
          headers: { ...etag(view.version), Location: `${BASE}/${view.webhook.webhook_id}` },
        };
      },
    }),
    route({
      method: 'post',
      path: `${BASE}/list`,
      operationId: 'listWebhooks',
      summary: 'List webhooks, optionally only those that would receive an event type',
      tag: 'Webhooks',
      auth: true,
      body: ListWebhooksBody,
      query: ListWebhooksQuery,
      responses: { 200: { description: 'one page, in a stable order', schema: WebhookList }, ...errors(400, 401, 413, 415, 422) },
      handle: async ({ body, query, caller }) => {
        if (query.offset !== undefined && query.cursor !== undefined) {
          throw new HttpError(422, 'ValidationError', 'use either offset or cursor, not both', [{ path: ['cursor'], message: 'cannot be combined with offset' }]);
        }
        const limit = query.limit ?? 20;
        const page = await listWebhooks(
          { eventStore: deps.webhooks.eventStore, readModel: deps.readModel },
          {
            organizationId: caller.organizationId,
            eventType: body.event_type,
            isActive: body.is_active,
            limit,
            offset: query.cursor === undefined ? (query.offset ?? 0) : undefined,
            afterSequence: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
          },
        );
        const last = page.rows.at(-1);
      const lastErrors = await deps.lastErrorsOf(page.rows.map((row) => row.webhook.webhook_id));
        const seen = query.cursor === undefined ? (query.offset ?? 0) + page.rows.length : undefined;
        const hasMore = page.rows.length === limit && (seen === undefined || seen < page.total);
        const pagination = {
          limit,
          offset: query.cursor === undefined ? (query.offset ?? 0) : null,
          next_cursor: hasMore && last ? encodeCursor(last.sequence) : null,
          has_more: hasMore,
        };
        // `{ results, pagination, total }`, with each webhook's settings serialised once per state.
        const results = page.rows.map((row) => presentWebhookJson(row.webhook, row.version, lastErrors.get(row.webhook.webhook_id))).join(',');
        return { status: 200, body: new JsonText(`{"results":[${results}],"pagination":${JSON.stringify(pagination)},"total":${page.total}}`) };
      },
    }),
    route({
      method: 'get',
      path: `${BASE}/{webhook_id}`,
      operationId: 'getWebhook',
      summary: 'Get a webhook, now or as it was at a past moment',
      tag: 'Webhooks',
      auth: true,
      query: GetWebhookQuery,
      responses: { 200: { description: 'the webhook', schema: WebhookResource }, ...errors(401, 404, 422) },
      handle: async ({ params, query, caller }) => {
        const found = await loadWebhook(deps.webhooks, caller.organizationId, params.webhook_id!, query.as_of ? new Date(query.as_of) : undefined);
        if (!found || found.webhook.status === 'deleted') throw fromApplicationError({ type: 'WebhookNotFound', message: `webhook ${params.webhook_id} not found` });
        // as_of shows the configuration then; last_error is always the latest known.
        const lastError = (await deps.lastErrorsOf([found.webhook.webhook_id])).get(found.webhook.webhook_id);
        return { status: 200, body: new JsonText(presentWebhookJson(found.webhook, found.version, lastError)), headers: etag(found.version) };
      },
    }),
    updateRoute('put', 'replaceWebhook', 'Replace a webhook’s settings (is_active omitted = true)', CreateWebhookBody),
    updateRoute('patch', 'updateWebhook', 'Change some of a webhook’s settings', PatchWebhookBody),
    route({
      method: 'delete',
      path: `${BASE}/{webhook_id}`,
      operationId: 'deleteWebhook',
      summary: 'Delete a webhook (idempotent; its history stays readable)',
      tag: 'Webhooks',
      auth: true,
      headers: IF_MATCH,
      responses: { 204: { description: 'deleted (also when it already was)' }, ...errors(401, 404, 409, 412) },
      handle: async ({ params, caller, ctx }) => {
        orFail(await executeWebhookCommand(deps.webhooks, caller, params.webhook_id!, { type: 'DeleteWebhook', data: {} }, { expectedVersion: expectedVersion(ctx.get('if-match')) }));
        return { status: 204 };
      },
    }),
    route({
      method: 'get',
      path: `${BASE}/{webhook_id}/history`,
      operationId: 'getWebhookHistory',
      summary: 'The full audit trail of a webhook, also after deletion, a page at a time',
      tag: 'Audit',
      auth: true,
      query: HistoryQuery,
      responses: { 200: { description: 'one page of recorded events, oldest first', schema: HistoryResource }, ...errors(401, 404, 422) },
      handle: async ({ params, query, caller }) => {
        const webhookId = params.webhook_id!;
        const limit = query.limit ?? HISTORY_PAGE.defaultLimit;
        const afterRevision = query.cursor === undefined ? 0 : decodeHistoryCursor(webhookId, query.cursor);
        const page = await webhookHistoryPage(deps.webhooks, caller.organizationId, webhookId, { afterRevision, limit });
        if (!page) throw fromApplicationError({ type: 'WebhookNotFound', message: `webhook ${webhookId} not found` });
        const last = page.events.at(-1);
        return {
          status: 200,
          body: {
            events: page.events.map(presentHistoryEvent),
            pagination: { limit, next_cursor: page.hasMore && last ? encodeHistoryCursor(webhookId, last.revision) : null, has_more: page.hasMore },
          },
        };
      },
    }),
    route({
      method: 'get',
      path: `${BASE}/{webhook_id}/secret`,
      operationId: 'getWebhookSecret',
      summary: 'The webhook’s signing secret',
      tag: 'Webhooks',
      auth: true,
      query: EmptyQuery,
      responses: { 200: { description: 'the current secret', schema: z.object({ secret: z.string() }) }, ...errors(401, 404) },
      handle: async ({ params, caller }) => {
        const found = await loadWebhook(deps.webhooks, caller.organizationId, params.webhook_id!);
        if (!found || found.webhook.status === 'deleted') throw fromApplicationError({ type: 'WebhookNotFound', message: `webhook ${params.webhook_id} not found` });
        const secrets = await deps.secrets.get(found.webhook.webhook_id);
        if (!secrets) {
          // Created, but the process stopped before its secret was stored: issue one now.
          const secret = deps.newSecret();
          await deps.secrets.issue(found.webhook.webhook_id, secret);
          return { status: 200, body: { secret: (await deps.secrets.get(found.webhook.webhook_id))?.current ?? secret } };
        }
        return { status: 200, body: { secret: secrets.current } };
      },
    }),
    route({
      method: 'post',
      path: `${BASE}/{webhook_id}/secret/rotate`,
      operationId: 'rotateWebhookSecret',
      summary: 'Rotate the signing secret; the old one keeps signing for 24 h',
      tag: 'Webhooks',
      auth: true,
      responses: { 200: { description: 'the new secret', schema: z.object({ secret: z.string() }) }, ...errors(401, 404, 409) },
      handle: async ({ params, caller }) => {
        const previousValidUntil = new Date(deps.webhooks.clock.now().getTime() + PREVIOUS_SECRET_GRACE_MS).toISOString();
        // The event first: a rotation that happened is always in the history, even if storing the secret then fails.
        const view = orFail(
          await executeWebhookCommand(deps.webhooks, caller, params.webhook_id!, { type: 'RotateWebhookSecret', data: { previous_valid_until: previousValidUntil } }),
        );
        const secrets = await deps.secrets.rotate(view.webhook.webhook_id, deps.newSecret(), previousValidUntil);
        return { status: 200, body: { secret: secrets.current }, headers: etag(view.version) };
      },
    }),
  ];
};
