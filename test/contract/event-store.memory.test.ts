import { InMemoryEventStore } from '../../src/adapters/store/memory/memory-event-store.js';
import { eventStoreContract } from './event-store.contract.js';

eventStoreContract('in-memory', async () => ({ store: new InMemoryEventStore(), cleanup: async () => {} }));
