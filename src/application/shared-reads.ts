import type { WebhookSecrets } from '../ports/webhook-secrets.js';

/**
 * Calls that arrive while `run` is running share the next run, started after they arrived,
 * never the one already running (it may have read the store before their caller's own write).
 * Under load, many callers cost two runs instead of one each.
 */
export const sharedFreshRuns = <T>(run: () => Promise<T>): (() => Promise<T>) => {
  let running: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const start = (): Promise<T> => {
    const current = run().finally(() => {
      if (running === current) running = undefined;
    });
    running = current;
    return current;
  };
  return () => {
    if (!running) return start();
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
};

/**
 * The secrets store with concurrent reads of one webhook's secrets sharing one read (a batch of
 * jobs for the same webhook costs one round trip, not one each). Nothing is kept after a read
 * ends: an attempt that joins a read under way signs as it would have a moment earlier, and one
 * whose read starts after a rotation signs with the new secret.
 */
export const sharingSecretReads = (secrets: WebhookSecrets): WebhookSecrets => {
  const reading = new Map<string, ReturnType<WebhookSecrets['get']>>();
  return {
    issue: (webhookId, secret) => secrets.issue(webhookId, secret),
    rotate: (webhookId, secret, previousExpiresAt) => secrets.rotate(webhookId, secret, previousExpiresAt),
    get: (webhookId) => {
      const shared = reading.get(webhookId);
      if (shared) return shared;
      const read = secrets.get(webhookId).finally(() => reading.delete(webhookId));
      reading.set(webhookId, read);
      return read;
    },
  };
};
