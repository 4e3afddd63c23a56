import type { ExistingWebhook } from '../domain/index.js';
import type { ProjectionDeps } from './project-webhooks.js';
import { sharedCatchUp } from './shared-catch-up.js';

/** Webhooks kept at most; past it the cache starts again (it refills from the read model). */
const MAX_KEPT = 10_000;

/**
 * A webhook as it is now (deleted ones included; undefined when unknown), for each delivery
 * attempt (ADR 0015). Every call catches the list projection up first, shared with the other
 * calls of its turn (`sharedCatchUp`: never one that started before the call), so it sees every
 * webhook event committed before it, in any process. The webhook read is kept
 * while the projection stays at the same position: any webhook event moves it and drops them
 * all, so a burst for one webhook costs one read of it, not one per attempt (ADR 0013).
 */
export const currentWebhookReader = (deps: ProjectionDeps): ((webhookId: string) => Promise<ExistingWebhook | undefined>) => {
  let position = Number.NaN;
  let kept = new Map<string, Promise<ExistingWebhook | undefined>>();
  return async (webhookId) => {
    const reached = (await sharedCatchUp(deps)).position;
    if (reached !== position || kept.size >= MAX_KEPT) {
      position = reached;
      kept = new Map();
    }
    let read = kept.get(webhookId);
    if (read === undefined) {
      const into = kept;
      read = deps.readModel.get(webhookId).then((row) => row?.webhook);
      into.set(webhookId, read);
      // A failed read is not kept: the next attempt reads again.
      read.catch(() => into.get(webhookId) === read && into.delete(webhookId));
    }
    return read;
  };
};
