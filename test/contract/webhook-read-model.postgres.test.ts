import { PostgresWebhookReadModel } from '../../src/adapters/store/postgres/postgres-webhook-read-model.js';
import { migratedSchema, onPostgres } from '../support/postgres.js';
import { webhookReadModelContract } from './webhook-read-model.contract.js';

onPostgres('WebhookReadModel contract', () =>
  webhookReadModelContract('PostgreSQL', async () => {
    const t = await migratedSchema();
    return { model: new PostgresWebhookReadModel(t.first), reopen: () => new PostgresWebhookReadModel(t.pool()), cleanup: t.drop };
  }),
);
