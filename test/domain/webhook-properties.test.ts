import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type WebhookCommand,
  type WebhookEvent,
  type WebhookState,
  WebhookEvent as WebhookEventSchema,
  channelProblems,
  decide,
  destinationProblems,
  dottedCatalog,
  eventTypeProblems,
  evolve,
  fold,
  initialState,
  isLive,
  upcast,
} from '../../src/domain/index.js';
import { untrusted } from '../support/webhook-commands.js';

const names = dottedCatalog.eventTypes.map((t) => t.name);
const eventTypesArb = fc.oneof(
  fc.subarray(names, { minLength: 0, maxLength: 5 }),
  fc.constant(['*']),
  fc.array(fc.constantFrom('object.*', 'cluster.*', 'cluster.execution.*', '*', 'object.created', 'nope', 'x*'), { maxLength: 4 }),
);
const channelArb = fc.oneof(
  fc.constantFrom('https://a.example/h', 'https://b.example/h', 'http://127.0.0.1:9/x', 'not a url').map((url) => ({ channel: 'webhook', configs: { url } })),
  fc.constant({ channel: 'slack', configs: { webhook_url: 'https://hooks.slack.com/services/T/B/X' } }),
  fc.constantFrom('ops@example.com', 'bad@').map((a) => ({ channel: 'email', configs: { to_addresses: [a] } })),
  fc.constantFrom('+15551234567', '0800').map((n) => ({ channel: 'sms', configs: { phone_numbers: [n] } })),
);
const nameArb = fc.oneof(fc.string({ maxLength: 12 }), fc.constant(' padded '), fc.constant('x'.repeat(201)));
const dataArb = fc.oneof(
  fc.record({
    type: fc.constant('CreateWebhook'),
    data: fc.record({
      webhook_id: fc.constant('wh_abc123def4'),
      organization_id: fc.constant('int_1'),
      webhook_name: nameArb,
      event_types: eventTypesArb,
      channels: fc.array(channelArb, { maxLength: 3 }),
      is_active: fc.boolean(),
    }),
  }),
  fc.record({
    type: fc.constant('UpdateWebhook'),
    data: fc.record(
      { webhook_name: nameArb, event_types: eventTypesArb, channels: fc.array(channelArb, { maxLength: 3 }), is_active: fc.boolean() },
      { requiredKeys: [] },
    ),
  }),
  fc.record({ type: fc.constant('RenameWebhook'), data: fc.record({ webhook_name: nameArb }) }),
  fc.record({ type: fc.constant('ChangeEventTypes'), data: fc.record({ event_types: eventTypesArb }) }),
  fc.record({ type: fc.constant('ChangeChannels'), data: fc.record({ channels: fc.array(channelArb, { maxLength: 3 }) }) }),
  fc.record({ type: fc.constantFrom('PauseWebhook', 'ResumeWebhook', 'DeleteWebhook'), data: fc.constant({}) }),
  fc.record({ type: fc.string(), data: fc.anything() }),
);

const at = (step: number) => new Date(Date.UTC(2026, 10, 22) + step * 60_000).toISOString();
const commandsArb = fc.array(dataArb, { maxLength: 25 }).map((list) =>
  // Arbitrary types and data among them: decide checks every command itself.
  list.map((c, i) => untrusted({ ...c, metadata: { now: at(i + 1), catalog: dottedCatalog } })),
);

/** Runs commands through decide/evolve, checking rules after every step. */
const run = (commands: readonly WebhookCommand[]) => {
  let state: WebhookState = initialState();
  const history: WebhookEvent[] = [];
  for (const command of commands) {
    const before = state;
    const result = decide(command, state);
    if (result._tag === 'Left') continue;
    for (const event of result.right) {
      expect(WebhookEventSchema.safeParse(event).success).toBe(true);
      history.push(event);
      state = evolve(state, event);
    }
    assertRulesHold(state);
    if (result.right.length === 0) expect(state).toBe(before);
    if (before.status !== 'initial' && state.status !== 'initial') expect(state.created_at).toBe(before.created_at);
  }
  return { state, history };
};

const assertRulesHold = (state: WebhookState) => {
  if (!isLive(state)) return;
  expect(state.webhook_name).toBe(state.webhook_name.trim());
  expect(state.webhook_name.length).toBeGreaterThanOrEqual(1);
  expect(state.webhook_name.length).toBeLessThanOrEqual(200);
  expect(eventTypeProblems(dottedCatalog, state.event_types)).toEqual([]);
  expect(state.channels.length).toBeGreaterThanOrEqual(1);
  expect(channelProblems(state.channels)).toEqual([]);
  // No command here allows private destinations, so no channel may name one.
  expect(destinationProblems(state.channels)).toEqual([]);
  expect(state.updated_at >= state.created_at).toBe(true);
};

describe('webhook decider properties', () => {
  it('never produces a state that breaks a rule, and never throws', () => {
    fc.assert(
      fc.property(commandsArb, (commands) => void run(commands)),
      { numRuns: 300 },
    );
  });

  it('folding a history twice, or after a JSON round-trip through the upcaster, gives the same state', () => {
    fc.assert(
      fc.property(commandsArb, (commands) => {
        const { state, history } = run(commands);
        expect(fold(history)).toEqual(state);
        expect(fold(history)).toEqual(fold(history));
        const stored = JSON.parse(JSON.stringify(history)) as { type: string; version: number; data: unknown }[];
        const read = stored.map((e) => {
          const r = upcast(e);
          if (r._tag === 'Left') throw new Error(r.left);
          return r.right;
        });
        expect(fold(read)).toEqual(state);
      }),
      { numRuns: 200 },
    );
  });

  it('repeating an accepted command right away records nothing more', () => {
    fc.assert(
      fc.property(commandsArb, (commands) => {
        const { state } = run(commands);
        for (const command of commands) {
          if (command.type === 'CreateWebhook') continue;
          const first = decide(command, state);
          if (first._tag === 'Left') continue;
          const after = fold(first.right, state);
          expect(decide({ ...command, metadata: { ...command.metadata, now: at(999) } }, after)).toEqual({ _tag: 'Right', right: [] });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('answers any value at all with a DomainError or events, never an exception', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (command, data) => {
        for (const input of [command, { type: 'CreateWebhook', data, metadata: { now: at(1), catalog: dottedCatalog } }]) {
          const result = decide(untrusted(input), initialState());
          expect(['Left', 'Right']).toContain(result._tag);
        }
      }),
      { numRuns: 500 },
    );
  });
});
