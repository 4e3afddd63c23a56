import type { CatalogError, DomainError } from '../domain/index.js';
import type { HandlerError } from './handle-command.js';
import type { OrganizationError } from './organizations.js';

/** A message id that names nothing addressed to this webhook (or a retry that found nothing to schedule). */
export interface MessageNotFound {
  readonly type: 'MessageNotFound';
  readonly message: string;
}

/** An organization spent its share of a limited resource (the time its event schemas take to check): retry after `retryAfterMs`. */
export interface RateLimited {
  readonly type: 'RateLimited';
  readonly message: string;
  readonly retryAfterMs: number;
}

/** Failures of the delivery use cases beside the domain's own. */
export type DeliveryError = MessageNotFound;

/**
 * Every failure a use case returns as a value: what a caller can act on. Adapters map it in
 * one exhaustive switch (HTTP: `fromApplicationError`), so a new member must be given a meaning there.
 */
export type ApplicationError = DomainError | HandlerError | DeliveryError | OrganizationError | CatalogError | RateLimited;

/** The answer for a webhook that is not the caller's to see (unknown, another organization's, or deleted). */
export const webhookNotFound = (webhookId: string): DomainError => ({ type: 'WebhookNotFound', message: `webhook ${webhookId} not found` });

/** The answer for a message id that names nothing addressed to this webhook. */
export const messageNotFound = (message: string): MessageNotFound => ({ type: 'MessageNotFound', message });
