import { PostgresEventStore } from '../../src/adapters/store/postgres/postgres-event-store.js';
import { migratedSchema, onPostgres } from '../support/postgres.js';
import { eventStoreContract } from './event-store.contract.js';

onPostgres('EventStore contract', () =>
  eventStoreContract('PostgreSQL', async () => {
    const t = await migratedSchema();
    return { store: new PostgresEventStore(t.first), reopen: async () => new PostgresEventStore(t.pool()), cleanup: t.drop };
  }),
);
