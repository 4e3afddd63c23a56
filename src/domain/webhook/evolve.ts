import { highestChannelNumber } from './channel-identity.js';
import type { WebhookEvent } from './events.js';
import { type WebhookState, initialState, isLive } from './state.js';

/**
 * Applies one recorded event. Total: an event that cannot apply to the state
 * (only possible in a corrupted stream, which `verify` reports) leaves it as it was.
 */
export const evolve = (state: WebhookState, event: WebhookEvent): WebhookState => {
  switch (event.type) {
    case 'WebhookCreated': {
      if (state.status !== 'initial') return state;
      // One literal, not spreads that add fields: V8 adds a field to a spread copy through its slow path (µs per replayed webhook).
      // A webhook created paused (rare) takes that path once.
      const { webhook_id, organization_id, webhook_name, event_types, channels, is_active, at } = event.data;
      const active = {
        webhook_id,
        organization_id,
        webhook_name,
        event_types,
        channels,
        last_channel_number: highestChannelNumber(channels),
        failure_streak_reset_at: at,
        created_at: at,
        updated_at: at,
        status: 'active' as const,
      };
      return is_active ? active : { ...active, status: 'paused', paused_reason: 'created paused', paused_automatically: false };
    }
    case 'WebhookRenamed':
      return isLive(state) ? { ...state, webhook_name: event.data.webhook_name, updated_at: event.data.at } : state;
    case 'WebhookEventTypesChanged':
      return isLive(state) ? { ...state, event_types: event.data.event_types, updated_at: event.data.at } : state;
    case 'WebhookChannelsChanged':
      return isLive(state)
        ? {
            ...state,
            channels: event.data.channels,
            last_channel_number: highestChannelNumber(event.data.channels, state.last_channel_number),
            // New settings, a new chance: failures against the old ones do not count towards auto-pause.
            failure_streak_reset_at: event.data.at,
            updated_at: event.data.at,
          }
        : state;
    case 'WebhookPaused':
      return state.status === 'active'
        ? {
            ...state,
            status: 'paused',
            paused_reason: event.data.reason,
            paused_automatically: event.data.automatic,
            updated_at: event.data.at,
          }
        : state;
    case 'WebhookResumed': {
      if (state.status !== 'paused') return state;
      const { paused_reason: _reason, paused_automatically: _automatic, ...rest } = state;
      return { ...rest, status: 'active', failure_streak_reset_at: event.data.at, updated_at: event.data.at };
    }
    case 'WebhookSecretRotated':
      return isLive(state) ? { ...state, updated_at: event.data.at } : state;
    case 'WebhookDeleted':
      return isLive(state) ? { ...state, status: 'deleted', deleted_at: event.data.at, updated_at: event.data.at } : state;
    case 'WebhookForgotten':
      return state.status === 'deleted' ? { ...state, forgotten_at: event.data.at, updated_at: event.data.at } : state;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
};

/** The state after a whole stream. */
export const fold = (events: Iterable<WebhookEvent>, from: WebhookState = initialState()): WebhookState => {
  let state = from;
  for (const event of events) state = evolve(state, event);
  return state;
};
