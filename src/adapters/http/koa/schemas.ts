import * as z from 'zod';
import { IdentifiedChannel, UpdateWebhook, WebhookSettings } from '../../../domain/index.js';

/** Request bodies are the domain's schemas, so the API, OpenAPI and the domain agree (and a body is validated once). */
export const CreateWebhookBody = WebhookSettings.meta({ id: 'WebhookSettings' });
/** PATCH's body is exactly UpdateWebhook's data: every field optional, a left-out one keeps its value. */
export const PatchWebhookBody = UpdateWebhook.shape.data.meta({ id: 'WebhookPatch' });

export const ListWebhooksBody = z
  .strictObject({
    event_type: z.string().min(1).max(200).optional().describe('only webhooks that would receive this event type'),
    is_active: z.boolean().optional(),
  })
  .meta({ id: 'WebhookListFilter' });

/** A whole number in a query string, from min to max. */
export const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const ListWebhooksQuery = z.strictObject({
  limit: intParam(1, 100).optional().describe('page size, 1-100 (default 20)'),
  offset: intParam(0, 1_000_000_000).optional(),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be a cursor from a previous page')
    .optional(),
});

export const GetWebhookQuery = z.strictObject({
  as_of: z.iso.datetime({ offset: true }).optional().describe('ISO-8601 time: the state at that moment'),
});

export const EmptyQuery = z.strictObject({});

export const HistoryQuery = z.strictObject({
  limit: intParam(1, 100).optional().describe('page size, 1-100 (default 50)'),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,40}$/, 'must be a cursor from a previous page')
    .optional()
    .describe('next_cursor of the previous page'),
});

export const LastError = z.object({ message: z.string(), channel: z.string(), status_code: z.number().int().nullable(), at: z.iso.datetime() }).nullable();

export const WebhookResource = z
  .object({
    webhook_id: z.string(),
    webhook_name: z.string(),
    event_types: z.array(z.string()),
    channels: z
      .array(IdentifiedChannel)
      .describe('each with its channel_id: send it back with an edit to keep the channel’s identity (its queued deliveries follow the edit)'),
    is_active: z.boolean(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
    last_error: LastError,
    version: z.number().int(),
  })
  .meta({ id: 'Webhook' });

export const CreatedWebhookResource = WebhookResource.extend({
  secret: z.string().describe('whsec_… signing secret; shown here and by GET …/secret only'),
}).meta({ id: 'CreatedWebhook' });

export const WebhookList = z
  .object({
    results: z.array(WebhookResource),
    pagination: z.object({
      limit: z.number().int(),
      offset: z.number().int().nullable(),
      next_cursor: z.string().nullable(),
      has_more: z.boolean(),
    }),
    total: z.number().int(),
  })
  .meta({ id: 'WebhookList' });

export const HistoryResource = z
  .object({
    events: z.array(
      z.object({
        revision: z.number().int(),
        type: z.string(),
        data: z.record(z.string(), z.unknown()),
        recorded_at: z.iso.datetime(),
        actor: z.string(),
      }),
    ),
    pagination: z.object({
      limit: z.number().int(),
      next_cursor: z.string().nullable().describe('pass as cursor for the next page; null on the last'),
      has_more: z.boolean(),
    }),
  })
  .meta({ id: 'WebhookHistory' });

export const EventTypeList = z
  .object({
    catalog: z.string(),
    event_types: z.array(
      z.object({
        name: z.string(),
        description: z.string(),
        category: z.string(),
        cache_scope: z.enum(['KEY', 'COLLECTION', 'NAMESPACE']).nullable(),
      }),
    ),
  })
  .meta({ id: 'EventTypeList' });

export const ErrorEnvelope = z
  .object({
    success: z.literal(false),
    status: z.number().int(),
    error: z.object({
      message: z.string(),
      type: z.string(),
      details: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

export const Health = z.object({ status: z.string() }).meta({ id: 'Health' });
