import type { Decider } from '../shared/decider.js';
import type { DomainError } from '../shared/errors.js';
import type { WebhookCommand } from './commands.js';
import { decide } from './decide.js';
import type { WebhookEvent } from './events.js';
import { evolve } from './evolve.js';
import { type WebhookState, initialState } from './state.js';

/** The webhook aggregate as a decider: `decide`, `evolve` and `initialState` in one value, for handlers and specifications. */
export const webhookDecider: Decider<WebhookCommand, WebhookEvent, WebhookState, DomainError> = { decide, evolve, initialState };
