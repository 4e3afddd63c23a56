/**
 * Hookledger's webhook domain: pure functions and schemas, no I/O.
 * Runs anywhere JavaScript does (Node, browsers, edge runtimes).
 *
 * @example
 * const result = decide({ type: 'PauseWebhook', data: {}, metadata: { now, catalog: dottedCatalog } }, state);
 */
export type { CacheScope, EventCatalog, EventTypeInfo } from './catalog/catalog.js';
export { hasEventType } from './catalog/catalog.js';
export { dottedCatalog } from './catalog/dotted.js';
export { upperSnakeCatalog } from './catalog/upper-snake.js';
export { catalogs, findCatalog } from './catalog/catalogs.js';
export { ALL_EVENTS, matches, patternMatches } from './catalog/matches.js';
export * from './catalog/catalog-api.js';
export type { DomainError, ErrorDetail } from './shared/errors.js';
export { detailsFromIssues, formatPath, validationFailed } from './shared/errors.js';
export * from './webhook/channels.js';
export * from './webhook/settings.js';
export * from './webhook/events.js';
export * from './webhook/commands.js';
export type { ExistingWebhook, LiveWebhook, WebhookState } from './webhook/state.js';
export { initialState, isLive } from './webhook/state.js';
export { decide } from './webhook/decide.js';
export { evolve, fold } from './webhook/evolve.js';
export type { Decider, DomainEvent } from './shared/decider.js';
export { type VersionedEventSchema, currentVersions } from './shared/versioned-events.js';
export { type BucketRate, msUntil, refilled } from './shared/token-bucket.js';
export { webhookDecider } from './webhook/decider.js';
export type { TemplateError, TemplateErrorKind, TemplatePosition } from './template/template-error.js';
export type { EscapeMode } from './template/escape.js';
export { TEMPLATE_LIMITS, TEMPLATE_OUTPUT_LIMITS } from './template/limits.js';
export { type ParsedTemplate, type TemplateName, type TemplateNode, parseTemplate } from './template/parse.js';
export { type RenderOptions, renderParsed } from './template/render.js';
export { type TemplateMessage, type TemplateView, templateView } from './template/view.js';
export {
  type RenderedField,
  type TemplateChannelKind,
  type TemplateFieldOf,
  type TemplateFieldSpec,
  SAMPLE_MESSAGE,
  TEMPLATE_FIELDS,
  renderField,
  templateFieldSpec,
  templateProblems,
} from './template/channel-templates.js';
export { channelProblems, destinationProblems, eventTypeProblems } from './webhook/rules.js';
export { SETTINGS_MAX_BYTES, type SizedSettings, settingsSize, settingsSizeProblems } from './webhook/rules.js';
export { headerNameProblem, headerProblems, headerValueProblem } from './webhook/headers.js';
export type { AddressClass } from './webhook/destination.js';
export { classifyAddress, isLocalhostName, isPrivateAddress, literalPrivateDestination } from './webhook/destination.js';
export type { RecordedEvent, Upcaster, Upcasters } from './webhook/upcast.js';
export { createStoredEventReader, createUpcaster, readStoredEvent, upcast, webhookUpcasters } from './webhook/upcast.js';
export { streamIdOf, webhookIdOfStream, WEBHOOK_STREAM_PREFIX } from './webhook/stream.js';
export {
  FORGOTTEN,
  SENSITIVE_FIELDS,
  hasSensitiveFields,
  mapSensitiveChannelFields,
  mapSensitiveEventFields,
  needsSealing,
  redactChannel,
} from './webhook/sensitive-fields.js';
export { EVENT_DATA_LIMITS, eventDataProblems } from './message/event-data.js';
export { DEFAULT_RETRY_SCHEDULE, nextAttemptDelay, parseRetrySchedule } from './delivery/retry-schedule.js';
export { GENESIS, type HashedContent, chainInput, eventHashInput } from './audit/hash-chain.js';
export { DETERMINISTIC_ERROR_NAMES, THROWN_ERROR_LIMIT, type ThrownFailure, classifyThrownFailure } from './delivery/thrown-failure.js';
export { POISON_LIMIT, abandonedReason, isPoisoned, isSuspect } from './delivery/poison.js';
export { DELIVERY_STATUSES, type DeliveryStatus, isDeliveryStatus, isFinal } from './delivery/status.js';
export { type AttemptDisposition, type NextStep, type NextStepContext, nextStepAfter } from './delivery/next-step.js';
export { type AutoPauseDecision, type AutoPauseRule, type FailureStreak, decideAutoPause, streakDecides } from './delivery/auto-pause.js';
export { RECOVERABLE_STATUSES, type RecoverWindow, type RepairableJob, isRecoverable, isRetryable } from './delivery/recover.js';
export { type AttemptPlan, type AttemptPurpose, type CancelReason, type JobChannel, planAttempt } from './delivery/attempt-plan.js';
export {
  type ClaimSituation,
  type DueJob,
  type EndpointState,
  type FairPick,
  type FairnessPolicy,
  DEFAULT_ENDPOINT_CONCURRENCY,
  WORKER_CEILING,
  endpointAllowance,
  organizationShare,
  pickFairly,
} from './delivery/fair-share.js';
export { MAX_RATE_LIMIT, emissionInterval, paceStart, pacedAfter, rateAllowance } from './delivery/rate-limit.js';
export { assignChannelIds, channelNumber, highestChannelNumber, positionalChannelId } from './webhook/channel-identity.js';
