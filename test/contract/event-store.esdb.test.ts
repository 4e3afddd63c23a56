import { randomUUID } from 'node:crypto';
import { afterAll, describe, it } from 'vitest';
import { EsdbEventStore } from '../../src/adapters/store/esdb/esdb-event-store.js';
import { eventStoreContract } from './event-store.contract.js';

/**
 * The EventStore contract on EventStoreDB. It runs against ESDB_URL when set
 * (e.g. `docker run -p 2113:2113 -e EVENTSTORE_INSECURE=true -e EVENTSTORE_MEM_DB=true
 * eventstore/eventstore:24.10` then `ESDB_URL=esdb://127.0.0.1:2113?tls=false npm test`),
 * else in a container started by testcontainers where a Docker engine answers,
 * else it says that it skipped and why. Each test writes under a namespace of its own.
 */
const server = async (): Promise<{ url: string; stop: () => Promise<void> } | { skipped: string }> => {
  if (process.env.ESDB_URL) return { url: process.env.ESDB_URL, stop: async () => {} };
  try {
    const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    const container = await new GenericContainer('eventstore/eventstore:24.10')
      .withEnvironment({ EVENTSTORE_INSECURE: 'true', EVENTSTORE_MEM_DB: 'true', EVENTSTORE_RUN_PROJECTIONS: 'None' })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
      .start();
    return { url: `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`, stop: async () => void (await container.stop()) };
  } catch (error) {
    return { skipped: `ESDB_URL is not set and no Docker engine answers (${(error as Error).message.split('\n')[0]})` };
  }
};

const found = await server();

if ('url' in found) {
  afterAll(found.stop);
  eventStoreContract('EventStoreDB', async () => {
    const namespace = `t${randomUUID().slice(0, 8)}-`;
    const opened = [new EsdbEventStore(found.url, namespace)];
    return {
      store: opened[0]!,
      reopen: async () => {
        const again = new EsdbEventStore(found.url, namespace);
        opened.push(again);
        return again;
      },
      cleanup: async () => {
        await Promise.all(opened.map((s) => s.close()));
      },
    };
  });
} else {
  console.log(`SKIPPED EventStore contract on EventStoreDB: ${found.skipped}`);
  describe.skip(`EventStore contract: EventStoreDB (${found.skipped})`, () => {
    it('needs a server', () => undefined);
  });
}
