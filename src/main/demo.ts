import {
  type Caller,
  type WebhookCommandInput,
  type WebhookDeps,
  createWebhook,
  executeWebhookCommand,
  loadWebhook,
  webhookHistory,
} from '../application/index.js';
import { dottedCatalog, matches } from '../domain/index.js';

const print = (line = '') => process.stdout.write(`${line}\n`);

/** Creates, changes and replays one webhook with the composed use cases (`compose(config).get(TOKENS.Webhooks)`), narrating each step. */
export const runDemo = async (deps: WebhookDeps, where: string): Promise<void> => {
  const caller: Caller = { organizationId: 'int_demo00000000000000000000', actor: 'cli:demo', catalog: dottedCatalog };
  const must = <T>(r: { _tag: 'Left'; left: { message: string } } | { _tag: 'Right'; right: T }): T => {
    if (r._tag === 'Left') throw new Error(r.left.message);
    return r.right;
  };

  print(`Hookledger domain demo on ${where}`);
  const created = must(
    await createWebhook(deps, caller, {
      webhook_name: 'Slack Engineering Alerts',
      event_types: ['cluster.execution.completed', 'cluster.execution.failed'],
      channels: [{ channel: 'slack', configs: { webhook_url: 'https://hooks.slack.com/services/T/B/X', channel: '#alerts' } }],
    }),
  );
  const id = created.webhook.webhook_id;
  print(`  created ${id} (version ${created.version})`);

  const steps: WebhookCommandInput[] = [
    { type: 'ChangeEventTypes', data: { event_types: ['cluster.*'] } },
    { type: 'RenameWebhook', data: { webhook_name: 'Cluster alerts' } },
    { type: 'RenameWebhook', data: { webhook_name: 'Cluster alerts' } },
    { type: 'PauseWebhook', data: { reason: 'planned maintenance' } },
    { type: 'ResumeWebhook', data: {} },
  ];
  for (const step of steps) {
    const view = must(await executeWebhookCommand(deps, caller, id, step));
    const what = view.recorded.length ? view.recorded.map((e) => e.type).join(', ') : 'nothing (no change)';
    print(`  ${step.type.padEnd(17)} -> recorded ${what}; version ${view.version}`);
  }
  const invalid = await executeWebhookCommand(deps, caller, id, { type: 'ChangeEventTypes', data: { event_types: ['cluster.*', 'cluster.created'] } });
  if (invalid._tag === 'Left') print(`  an invalid change is refused: ${invalid.left.message}`);

  print('\nHistory, replayed from the event store:');
  const history = (await webhookHistory(deps, caller.organizationId, id)) ?? [];
  for (const event of history) {
    print(`  #${event.revision} ${event.metadata.recordedAt} ${event.type.padEnd(25)} by ${event.metadata.actor}`);
  }
  const first = history[0];
  const asOfCreation = first ? await loadWebhook(deps, caller.organizationId, id, new Date(first.metadata.recordedAt)) : undefined;
  const now = await loadWebhook(deps, caller.organizationId, id);
  print(`\nAs of creation: ${JSON.stringify(asOfCreation?.webhook.event_types)} (version ${asOfCreation?.version})`);
  print(`Now:            ${JSON.stringify(now?.webhook.event_types)} "${now?.webhook.webhook_name}" ${now?.webhook.status} (version ${now?.version})`);
  print(`Would 'cluster.execution.failed' reach it? ${now ? matches(now.webhook.event_types, 'cluster.execution.failed') : false}`);
};
