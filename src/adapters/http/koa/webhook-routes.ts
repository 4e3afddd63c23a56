import * as z from 'zod';
import {
  type ForgetDeps,
  type SecretDeps,
  type WebhookListDeps,
  type WebhookResourceDeps,
  type WebhookResourceView,
  changeWebhook,
  createWebhookWithSecret,
  deleteWebhook,
  forgetWebhook,
  getWebhook,
  historyPage,
  listWebhookPage,
  revealSecret,
  rotateSecret,
} from '../../../application/index.js';
import { HttpError, orFail } from './errors.js';
import { historyCursor, listCursor } from './page-cursors.js';
import { JsonText } from './json-text.js';
import { parseIfMatch, presentHistoryEvent, presentWebhook, presentWebhookJson, presentWebhookPageJson } from './present.js';
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

/** The webhook use cases' dependencies, assembled by the composition root. */
export interface WebhookRouteDeps {
  readonly webhooks: WebhookResourceDeps & SecretDeps & WebhookListDeps & ForgetDeps;
}

const BASE = '/v1/organizations/webhooks';
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, { description: ERROR_TEXT[s] ?? 'error', schema: ErrorEnvelope }]));
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

const viewResult = (status: number, view: WebhookResourceView): RouteResult => ({
  status,
  body: new JsonText(presentWebhookJson(view.webhook, view.version, view.lastError)),
  headers: etag(view.version),
});

const expectedVersion = (header: string | undefined): number | undefined => {
  const parsed = parseIfMatch(header);
  if (parsed === 'invalid') throw new HttpError(400, 'BadRequest', 'If-Match must name a version, such as "7"');
  return parsed === 'any' ? undefined : parsed;
};

export const webhookRoutes = ({ webhooks }: WebhookRouteDeps): Route[] => {
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
      responses: {
        200: { description: 'the webhook after the update', schema: WebhookResource, headers: ['ETag'] },
        ...errors(400, 401, 404, 409, 412, 413, 415, 422),
      },
      handle: async ({ params, body: data, caller, ctx }) => {
        const options = { expectedVersion: expectedVersion(ctx.get('if-match')) };
        return viewResult(200, orFail(await changeWebhook(webhooks, caller, params.webhook_id, { type: 'UpdateWebhook', data }, options)));
      },
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
      responses: {
        201: { description: 'created; the signing secret is shown once here', schema: CreatedWebhookResource, headers: ['ETag', 'Location'] },
        ...errors(400, 401, 413, 415, 422),
      },
      handle: async ({ body, caller }) => {
        const created = orFail(await createWebhookWithSecret(webhooks, caller, body));
        return {
          status: 201,
          body: { ...presentWebhook(created.webhook, created.version), secret: created.secret },
          headers: { ...etag(created.version), Location: `${BASE}/${created.webhook.webhook_id}` },
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
        const request = { eventType: body.event_type, isActive: body.is_active, limit: query.limit, offset: query.offset, cursor: query.cursor };
        const page = orFail(await listWebhookPage(webhooks, caller, request, listCursor));
        const pagination = { limit: page.limit, offset: page.offset, next_cursor: page.nextCursor, has_more: page.hasMore };
        // `{ results, pagination, total }`, with each webhook's settings serialised once per state.
        return { status: 200, body: new JsonText(presentWebhookPageJson(page.rows, pagination, page.total)) };
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
      responses: { 200: { description: 'the webhook', schema: WebhookResource, headers: ['ETag'] }, ...errors(401, 404, 422) },
      // as_of shows the configuration then; last_error is always the latest known.
      handle: async ({ params, query, caller }) =>
        viewResult(200, orFail(await getWebhook(webhooks, caller, params.webhook_id, query.as_of ? new Date(query.as_of) : undefined))),
    }),
    updateRoute('put', 'replaceWebhook', 'Replace a webhook’s settings (is_active omitted = true)', CreateWebhookBody),
    updateRoute('patch', 'updateWebhook', 'Change some of a webhook’s settings', PatchWebhookBody),
    route({
      method: 'delete',
      path: `${BASE}/{webhook_id}`,
      operationId: 'deleteWebhook',
      summary: 'Delete a webhook (idempotent; its history stays readable), or with forget=true also forget it',
      tag: 'Webhooks',
      auth: true,
      headers: IF_MATCH,
      query: z.strictObject({
        forget: z
          .enum(['true', 'false'])
          .optional()
          .describe('true: also destroy its data key; its sealed settings then read as "[forgotten]" everywhere (ADR 0018)'),
      }),
      responses: { 204: { description: 'deleted (also when it already was)' }, ...errors(401, 404, 409, 412, 422) },
      handle: async ({ params, query, caller, ctx }) => {
        const options = { expectedVersion: expectedVersion(ctx.get('if-match')) };
        orFail(
          query.forget === 'true'
            ? await forgetWebhook(webhooks, caller, params.webhook_id, options)
            : await deleteWebhook(webhooks, caller, params.webhook_id, options),
        );
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
        const page = orFail(await historyPage(webhooks, caller, params.webhook_id, query, historyCursor));
        return {
          status: 200,
          body: {
            events: page.events.map(presentHistoryEvent),
            pagination: { limit: page.limit, next_cursor: page.nextCursor, has_more: page.hasMore },
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
      handle: async ({ params, caller }) => ({ status: 200, body: orFail(await revealSecret(webhooks, caller, params.webhook_id)) }),
    }),
    route({
      method: 'post',
      path: `${BASE}/{webhook_id}/secret/rotate`,
      operationId: 'rotateWebhookSecret',
      summary: 'Rotate the signing secret; the old one keeps signing for 24 h',
      tag: 'Webhooks',
      auth: true,
      responses: { 200: { description: 'the new secret', schema: z.object({ secret: z.string() }), headers: ['ETag'] }, ...errors(401, 404, 409) },
      handle: async ({ params, caller }) => {
        const rotated = orFail(await rotateSecret(webhooks, caller, params.webhook_id));
        return { status: 200, body: { secret: rotated.secret }, headers: etag(rotated.version) };
      },
    }),
  ];
};
