/**
 * `hookledger/client`: a typed client for the /v1 API (generated types, openapi-fetch) and
 * `verifyWebhook` for receivers. It depends on nothing of the server: only fetch, node:crypto and
 * openapi-fetch (a dependency-cruiser rule keeps it so).
 */
export {
  CLIENT_OPERATIONS,
  type DeliveryAttempt,
  type HistoryEvent,
  type HookledgerClient,
  type HookledgerClientOptions,
  type QueryOf,
  type RequestBody,
  type ResponseBody,
  type Webhook,
  type WebhookPage,
  createHookledgerClient,
} from './client.js';
export { type ErrorEnvelope, HookledgerApiError } from './errors.js';
export { cursorPages, itemsOf, offsetPages } from './pages.js';
export { type RetryOptions, retryAfterMs, retryingFetch } from './retry.js';
export {
  type HeaderSource,
  type VerifyOptions,
  type WebhookPayload,
  WebhookVerificationError,
  type WebhookVerificationReason,
  verifyWebhook,
} from './verify-webhook.js';
export type { ApiComponents, ApiOperations, ApiPaths } from './client.js';
