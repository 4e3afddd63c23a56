import type { Container } from 'inversify';
import { type DeliveryDeps, autoPauseWebhook, currentWebhookReader, sharingSecretReads } from '../application/index.js';
import { deliveryObserver } from './delivery-observer.js';
import { sealedReadModel } from './sealing-wiring.js';
import { TOKENS } from './tokens.js';

/** What the delivery worker needs, from a composed container; pausing goes through the domain, recorded as done by the system. */
export const buildDeliveryDeps = (c: Container): DeliveryDeps => {
  const config = c.get(TOKENS.Config);
  return {
    queue: c.get(TOKENS.Queue),
    notifiers: c.get(TOKENS.Notifiers),
    // A batch of jobs for one webhook reads its secrets once (ADR 0013).
    secrets: sharingSecretReads(c.get(TOKENS.Secrets)),
    clock: c.get(TOKENS.Clock),
    schedule: config.delivery.retrySchedule,
    random: Math.random,
    autoPause: { afterFailures: config.delivery.autoPauseAfterFailures, afterMs: config.delivery.autoPauseAfterMs },
    currentWebhook: currentWebhookReader({ eventStore: c.get(TOKENS.EventStore), readModel: sealedReadModel(c) }),
    observe: deliveryObserver(c.get(TOKENS.Metrics), c.get(TOKENS.Logger)),
    pause: autoPauseWebhook({ ...c.get(TOKENS.Webhooks), organizations: c.get(TOKENS.Organizations) }),
  };
};
