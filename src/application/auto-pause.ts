import type { ClaimedDelivery } from '../ports/delivery-queue.js';

/** What pausing reads of the failing delivery: whose webhook it is. */
export type PausedDelivery = Pick<ClaimedDelivery, 'webhookId'> & { readonly message: Pick<ClaimedDelivery['message'], 'organizationId'> };
import type { OrganizationStore } from '../ports/organizations.js';
import { catalogOf } from './organizations.js';
import { type WebhookDeps, executeWebhookCommand } from './webhooks.js';

/** What the worker's pause needs: the command handler's ports and the organizations (for their catalogs). */
export interface AutoPauseDeps extends WebhookDeps {
  readonly organizations: Pick<OrganizationStore, 'findOrganization'>;
}

/**
 * The worker's auto-pause (410 Gone, or failing too long), through the domain and recorded as
 * done by the system. A webhook deleted meanwhile has nothing left to pause; any other refusal
 * (a conflict that outlasted the retries, a rule) is thrown, so the worker reports it and the
 * next failed attempt tries again.
 */
export const autoPauseWebhook =
  (deps: AutoPauseDeps) =>
  async (delivery: PausedDelivery, reason: string): Promise<void> => {
    const organizationId = delivery.message.organizationId;
    const organization = await deps.organizations.findOrganization(organizationId);
    const caller = { organizationId, actor: 'system:delivery', catalog: catalogOf(organization?.catalogId) };
    const result = await executeWebhookCommand(deps, caller, delivery.webhookId, { type: 'PauseWebhook', data: { reason, automatic: true } });
    if (result._tag === 'Left' && result.left.type !== 'WebhookNotFound') {
      throw new Error(`auto-pause of ${delivery.webhookId} refused: ${result.left.type}: ${result.left.message}`);
    }
  };
