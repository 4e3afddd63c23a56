import type { ProjectionDeps } from './project-webhooks.js';
import { catchUpWebhookList } from './project-webhooks.js';

type CatchUp = () => Promise<{ position: number }>;

/** One per read model: publishes and delivery attempts of the same loop turn share it. */
const perReadModel = new WeakMap<object, CatchUp>();

/**
 * A catch-up of the webhook list shared by every caller of one turn of the event loop: it
 * starts on the next turn (`setImmediate`), after all of them called, so each sees every
 * webhook event committed before its call, in any process (ADR 0013, 2026-11-25). Under load a
 * turn's publishes and attempts cost one catch-up (a checkpoint read and a log read), not one
 * each; a call made once it started waits for the next.
 */
export const sharedCatchUp = (deps: ProjectionDeps): Promise<{ position: number }> => {
  let catchUp = perReadModel.get(deps.readModel);
  if (catchUp === undefined) {
    let next: Promise<{ position: number }> | undefined;
    catchUp = () =>
      (next ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        next = undefined;
        return catchUpWebhookList(deps);
      }));
    perReadModel.set(deps.readModel, catchUp);
  }
  return catchUp();
};
