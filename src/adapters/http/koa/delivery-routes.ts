import * as z from 'zod';
import { type PublishDeps, loadWebhook, publishEvent, sendTestEvent } from '../../../application/index.js';
import type { DeliveryQueue } from '../../../ports/delivery-queue.js';
import { HttpError, fromApplicationError } from './errors.js';
import { type Route, route } from './route.js';
import { EmptyQuery, ErrorEnvelope } from './schemas.js';

export interface DeliveryRouteDeps {
  readonly publish: PublishDeps;
  readonly queue: DeliveryQueue;
}

const BASE = '/v1/organizations/webhooks/{webhook_id}';
const err = (description: string) => ({ description, schema: ErrorEnvelope });
const Iso = z.iso.datetime({ offset: true });

export const PublishEventBody = z
  .strictObject({
    event_type: z.string().min(1).max(200),
    data: z.unknown().describe('any JSON, nested at most 64 levels; delivered as the payload’s data'),
    idempotency_key: z.string().min(1).max(255).optional().describe('a repeat within 24 h returns the first message_id and delivers nothing new'),
  })
  .meta({ id: 'PublishEvent' });

const DeliveriesQuery = z.strictObject({
  status: z.enum(['succeeded', 'failed']).optional(),
  channel: z.enum(['webhook', 'slack', 'email', 'sms']).optional(),
  event_type: z.string().max(200).optional(),
  since: Iso.optional(),
  until: Iso.optional(),
  limit: z.string().regex(/^\d{1,4}$/).transform(Number).pipe(z.number().int().min(1).max(1000)).optional(),
});

const RecoverBody = z.strictObject({ since: Iso, until: Iso.optional() }).meta({ id: 'RecoverWindow' });

const Attempt = z.object({
  message_id: z.string(),
  event_type: z.string(),
  data: z.unknown().describe('the event data this attempt delivered (its request payload’s data)'),
  channel: z.string(),
  attempt: z.number().int(),
  at: z.iso.datetime(),
  status: z.enum(['succeeded', 'failed']),
  status_code: z.number().int().nullable(),
  latency_ms: z.number(),
  response_body: z.string().nullable(),
  error: z.string().nullable(),
  delivery_status: z.string(),
});

export const deliveryRoutes = (deps: DeliveryRouteDeps): Route[] => {
  /** The caller's live webhook, or the 404 another organization's would get. */
  const ownWebhook = async (organizationId: string, webhookId: string, allowDeleted = false) => {
    const found = await loadWebhook(deps.publish, organizationId, webhookId);
    if (!found || (!allowDeleted && found.webhook.status === 'deleted')) {
      throw fromApplicationError({ type: 'WebhookNotFound', message: `webhook ${webhookId} not found` });
    }
    return found;
  };
  const iso = (t: string | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

  return [
    route({
      method: 'post',
      path: '/v1/events',
      operationId: 'publishEvent',
      summary: 'Accept an event and deliver it to every matching active webhook',
      tag: 'Events',
      auth: true,
      body: PublishEventBody,
      bodyRequired: true,
      responses: { 202: { description: 'recorded durably; delivery follows', schema: z.object({ message_id: z.string() }) }, 401: err('missing or bad key'), 422: err('unknown event type or bad body') },
      handle: async ({ body, caller }) => {
        const result = await publishEvent(deps.publish, caller, body);
        if (result._tag === 'Left') throw fromApplicationError(result.left);
        return { status: 202, body: { message_id: result.right.messageId } };
      },
    }),
    route({
      method: 'post',
      path: `${BASE}/test`,
      operationId: 'testWebhook',
      summary: 'Send a webhook.test event to this webhook’s channels',
      tag: 'Deliveries',
      auth: true,
      responses: { 202: { description: 'queued', schema: z.object({ message_id: z.string() }) }, 401: err('missing or bad key'), 404: err('no such webhook') },
      handle: async ({ params, caller }) => {
        const { webhook, version } = await ownWebhook(caller.organizationId, params.webhook_id!);
        const messageId = await sendTestEvent(deps.publish, caller, { webhook, version, sequence: 0 });
        return { status: 202, body: { message_id: messageId } };
      },
    }),
    route({
      method: 'get',
      path: `${BASE}/deliveries`,
      operationId: 'listDeliveryAttempts',
      summary: 'Delivery attempts of this webhook, newest first',
      tag: 'Deliveries',
      auth: true,
      query: DeliveriesQuery,
      responses: { 200: { description: 'attempts', schema: z.object({ results: z.array(Attempt) }) }, 401: err('missing or bad key'), 404: err('no such webhook'), 422: err('bad filter') },
      handle: async ({ params, query, caller }) => {
        await ownWebhook(caller.organizationId, params.webhook_id!, true);
        const attempts = await deps.queue.attempts({
          organizationId: caller.organizationId,
          webhookId: params.webhook_id!,
          status: query.status,
          channel: query.channel,
          eventType: query.event_type,
          since: iso(query.since),
          until: iso(query.until),
          limit: query.limit ?? 100,
        });
        return {
          status: 200,
          body: {
            results: attempts.map((a) => ({
              message_id: a.messageId,
              event_type: a.eventType,
              data: a.data,
              channel: a.channel,
              attempt: a.attempt,
              at: a.at,
              status: a.succeeded ? 'succeeded' : 'failed',
              status_code: a.statusCode,
              latency_ms: a.latencyMs,
              response_body: a.responseBody ?? null,
              error: a.error ?? null,
              delivery_status: a.deliveryStatus,
            })),
          },
        };
      },
    }),
    route({
      method: 'post',
      path: `${BASE}/deliveries/{message_id}/retry`,
      operationId: 'retryDelivery',
      summary: 'Deliver one message to this webhook again',
      tag: 'Deliveries',
      auth: true,
      responses: { 202: { description: 'scheduled now', schema: z.object({ rescheduled: z.number().int() }) }, 401: err('missing or bad key'), 404: err('no such webhook or message') },
      handle: async ({ params, caller }) => {
        await ownWebhook(caller.organizationId, params.webhook_id!);
        const n = await deps.queue.reschedule({ organizationId: caller.organizationId, webhookId: params.webhook_id!, messageId: params.message_id!, now: deps.publish.clock.now().getTime() });
        if (n === 0) throw new HttpError(404, 'NotFound', `no delivery of ${params.message_id} to this webhook (or it is being attempted right now)`);
        return { status: 202, body: { rescheduled: n } };
      },
    }),
    route({
      method: 'post',
      path: `${BASE}/recover`,
      operationId: 'recoverDeliveries',
      summary: 'Deliver again every failed message accepted in a time window',
      tag: 'Deliveries',
      auth: true,
      body: RecoverBody,
      bodyRequired: true,
      responses: { 202: { description: 'scheduled now', schema: z.object({ rescheduled: z.number().int() }) }, 401: err('missing or bad key'), 404: err('no such webhook'), 422: err('bad window') },
      handle: async ({ params, body, caller }) => {
        await ownWebhook(caller.organizationId, params.webhook_id!);
        if (body.until && Date.parse(body.until) < Date.parse(body.since)) {
          throw new HttpError(422, 'ValidationError', 'until is before since', [{ path: ['until'], message: 'must not be before since' }]);
        }
        const n = await deps.queue.reschedule({
          organizationId: caller.organizationId,
          webhookId: params.webhook_id!,
          since: iso(body.since),
          until: iso(body.until),
          now: deps.publish.clock.now().getTime(),
        });
        return { status: 202, body: { rescheduled: n } };
      },
    }),
  ];
};

export const metricsRoute = (render: () => Promise<{ contentType: string; body: string }>): Route =>
  route({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    tag: 'Operations',
    auth: false,
    query: EmptyQuery,
    responses: { 200: { description: 'Prometheus text format' } },
    handle: async ({ ctx }) => {
      const { contentType, body } = await render();
      ctx.type = contentType;
      return { status: 200, body };
    },
  });
