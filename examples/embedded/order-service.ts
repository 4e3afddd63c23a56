/**
 * An order service that lets its customers subscribe to order events, using
 * only `hookledger/domain`: its own storage (a Map of event lists), its own
 * clock and ids, Hookledger's rules, history and matching.
 */
import { type WebhookCommand, type WebhookEvent, type WebhookState, decide, dottedCatalog, fold, matches } from 'hookledger/domain';

type Outcome = { ok: true; state: WebhookState } | { ok: false; error: string };

export class OrderServiceSubscriptions {
  /** The service's own storage: one event list per subscription. */
  private readonly streams = new Map<string, WebhookEvent[]>();
  private next = 0;

  constructor(private readonly now: () => string) {}

  private run(id: string, command: Omit<WebhookCommand, 'metadata'>): Outcome {
    const history = this.streams.get(id) ?? [];
    const result = decide({ ...command, metadata: { now: this.now(), catalog: dottedCatalog } } as WebhookCommand, fold(history));
    if (result._tag === 'Left') return { ok: false, error: result.left.message };
    this.streams.set(id, [...history, ...result.right]);
    return { ok: true, state: fold(this.streams.get(id)!) };
  }

  subscribe(customer: string, url: string, eventTypes: string[]): { id: string } & Outcome {
    const id = `wh_${String(++this.next).padStart(10, '0')}`;
    const outcome = this.run(id, {
      type: 'CreateWebhook',
      data: {
        webhook_id: id,
        organization_id: customer,
        webhook_name: `${customer} orders`,
        event_types: eventTypes,
        channels: [{ channel: 'webhook', configs: { url } }],
      },
    });
    return { id, ...outcome };
  }

  pause(id: string): Outcome {
    return this.run(id, { type: 'PauseWebhook', data: { reason: 'customer asked' } });
  }

  /** Which subscriptions would receive this event now. */
  recipients(eventType: string): string[] {
    return [...this.streams.entries()]
      .filter(([, events]) => {
        const state = fold(events);
        return state.status === 'active' && matches(state.event_types, eventType);
      })
      .map(([id]) => id);
  }

  history(id: string): string[] {
    return (this.streams.get(id) ?? []).map((e) => e.type);
  }
}
