import * as z from 'zod';
import {
  type DeliveriesDeps,
  acceptEvent,
  deliveredMessage,
  deliveryAttemptsPage,
  recoverDeliveries,
  retryDelivery,
  testWebhook,
} from '../../../application/index.js';
import { ATTEMPT_MAX_BYTES, DELIVERY_PAGE, DELIVERY_PAGE_MAX_BYTES, attemptCursor, presentAttempt } from './delivery-log.js';
import { orFail } from './errors.js';
import { type Route, route } from './route.js';
import { EmptyQuery, ErrorEnvelope } from './schemas.js';

/** The delivery use cases' dependencies, assembled by the composition root. */
export interface DeliveryRouteDeps {
  readonly deliveries: DeliveriesDeps;
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
  limit: z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(DELIVERY_PAGE.maxLimit))
    .optional()
    .describe(`page size, 1-${DELIVERY_PAGE.maxLimit} (default ${DELIVERY_PAGE.defaultLimit})`),
  cursor: z.string().max(100).optional().describe('next_cursor of the previous page; only valid with the same webhook and filters'),
});

const RecoverBody = z.strictObject({ since: Iso, until: Iso.optional() }).meta({ id: 'RecoverWindow' });

const Attempt = z
  .object({
    message_id: z.string().describe('GET …/messages/{message_id} returns the payload it delivered'),
    event_type: z.string(),
    channel: z.string(),
    attempt: z.number().int(),
    at: z.iso.datetime(),
    status: z.enum(['succeeded', 'failed']),
    status_code: z.number().int().nullable(),
    latency_ms: z.number(),
    response_body: z.string().nullable().describe('the start of the receiver’s answer: at most 4,096 bytes as encoded in this JSON'),
    error: z.string().nullable().describe('at most 1,024 bytes as encoded in this JSON'),
    delivery_status: z.string(),
  })
  .meta({ id: 'DeliveryAttempt' });

const AttemptPage = z
  .object({
    results: z.array(Attempt),
    pagination: z.object({
      limit: z.number().int(),
      next_cursor: z.string().nullable().describe('pass as `cursor` (with the same filters) for the next, older page; null on the last page'),
      has_more: z.boolean(),
    }),
  })
  .meta({ id: 'DeliveryAttemptPage' });

const DeliveredMessage = z
  .object({
    message_id: z.string(),
    event_type: z.string(),
    accepted_at: z.iso.datetime(),
    data: z.unknown().describe('the event data as accepted: every attempt of this message delivered it'),
  })
  .meta({ id: 'DeliveredMessage' });

export const deliveryRoutes = ({ deliveries }: DeliveryRouteDeps): Route[] => [
  route({
    method: 'post',
    path: '/v1/events',
    operationId: 'publishEvent',
    summary: 'Accept an event and deliver it to every matching active webhook',
    tag: 'Events',
    auth: true,
    body: PublishEventBody,
    bodyRequired: true,
    responses: {
      202: { description: 'recorded durably; delivery follows', schema: z.object({ message_id: z.string() }) },
      401: err('missing or bad key'),
      422: err('unknown event type or bad body'),
    },
    handle: async ({ body, caller }) => ({ status: 202, body: { message_id: orFail(await acceptEvent(deliveries, caller, body)).messageId } }),
  }),
  route({
    method: 'post',
    path: `${BASE}/test`,
    operationId: 'testWebhook',
    summary: 'Send a webhook.test event to this webhook’s channels',
    tag: 'Deliveries',
    auth: true,
    responses: { 202: { description: 'queued', schema: z.object({ message_id: z.string() }) }, 401: err('missing or bad key'), 404: err('no such webhook') },
    handle: async ({ params, caller }) => ({ status: 202, body: { message_id: orFail(await testWebhook(deliveries, caller, params.webhook_id)).messageId } }),
  }),
  route({
    method: 'get',
    path: `${BASE}/deliveries`,
    operationId: 'listDeliveryAttempts',
    summary: 'Delivery attempts of this webhook, newest first, one page at a time',
    description:
      `Attempts carry no payload: GET …/messages/{message_id} returns it once per message. ` +
      `Pages hold ${DELIVERY_PAGE.defaultLimit} attempts unless \`limit\` says otherwise (at most ${DELIVERY_PAGE.maxLimit}); ` +
      `follow \`pagination.next_cursor\` for older ones. Each attempt takes at most ${ATTEMPT_MAX_BYTES.toLocaleString('en')} bytes ` +
      '(response body 4,096 and error 1,024 as encoded, event type 256, the rest 512), ' +
      `so a page is never larger than ${DELIVERY_PAGE_MAX_BYTES.toLocaleString('en')} bytes.`,
    tag: 'Deliveries',
    auth: true,
    query: DeliveriesQuery,
    responses: {
      200: { description: 'one page of attempts', schema: AttemptPage },
      401: err('missing or bad key'),
      404: err('no such webhook'),
      422: err('bad filter, a limit over the maximum, or a cursor this API did not issue for these filters'),
    },
    handle: async ({ params, query, caller }) => {
      const filter = {
        webhookId: params.webhook_id,
        status: query.status,
        channel: query.channel,
        eventType: query.event_type,
        since: query.since,
        until: query.until,
      };
      const page = orFail(await deliveryAttemptsPage(deliveries, caller, { ...filter, limit: query.limit, cursor: query.cursor }, attemptCursor));
      return {
        status: 200,
        body: { results: page.attempts.map(presentAttempt), pagination: { limit: page.limit, next_cursor: page.nextCursor, has_more: page.hasMore } },
      };
    },
  }),
  route({
    method: 'get',
    path: `${BASE}/messages/{message_id}`,
    operationId: 'getDeliveredMessage',
    summary: 'A message delivered (or to be delivered) to this webhook, with its data',
    description:
      'The payload the delivery log leaves out. Its size is the event data as accepted by POST /v1/events ' +
      '(a body of at most 1 MiB; numbers are stored as JavaScript writes them, so 1e20 becomes 21 digits: at most 4.4 times that).',
    tag: 'Deliveries',
    auth: true,
    query: EmptyQuery,
    responses: {
      200: { description: 'the message', schema: DeliveredMessage },
      401: err('missing or bad key'),
      404: err('no such webhook, or no such message addressed to it'),
    },
    handle: async ({ params, caller, ctx }) => {
      const found = orFail(await deliveredMessage(deliveries, caller, params.webhook_id, params.message_id));
      // The stored data is JSON already: spliced in as it is rather than parsed and written again.
      ctx.type = 'application/json';
      const head = JSON.stringify({ message_id: found.messageId, event_type: found.eventType, accepted_at: found.acceptedAt });
      return { status: 200, body: `${head.slice(0, -1)},"data":${found.dataJson}}` };
    },
  }),
  route({
    method: 'post',
    path: `${BASE}/deliveries/{message_id}/retry`,
    operationId: 'retryDelivery',
    summary: 'Deliver one message to this webhook again',
    tag: 'Deliveries',
    auth: true,
    responses: {
      202: { description: 'scheduled now', schema: z.object({ rescheduled: z.number().int() }) },
      401: err('missing or bad key'),
      404: err('no such webhook or message'),
    },
    handle: async ({ params, caller }) => ({ status: 202, body: orFail(await retryDelivery(deliveries, caller, params.webhook_id, params.message_id)) }),
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
    responses: {
      202: { description: 'scheduled now', schema: z.object({ rescheduled: z.number().int() }) },
      401: err('missing or bad key'),
      404: err('no such webhook'),
      422: err('bad window'),
    },
    handle: async ({ params, body, caller }) => ({ status: 202, body: orFail(await recoverDeliveries(deliveries, caller, params.webhook_id, body)) }),
  }),
];
