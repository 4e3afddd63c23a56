import { InMemoryWebhookReadModel } from '../../src/adapters/store/memory/memory-webhook-read-model.js';
import { webhookReadModelContract } from './webhook-read-model.contract.js';

webhookReadModelContract('in-memory', async () => ({ model: new InMemoryWebhookReadModel(), cleanup: async () => {} }));
