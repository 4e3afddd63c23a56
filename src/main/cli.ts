#!/usr/bin/env node
import { SqliteEventStore } from '../adapters/store/sqlite/sqlite-event-store.js';
import { InMemoryEventStore } from '../adapters/store/memory/memory-event-store.js';
import type { EventStore } from '../ports/event-store.js';
import { parseDatabaseUrl, readConfig } from './config.js';
import { runDemo } from './demo.js';

const HELP = `Usage: hookledger <command>

Commands:
  start     Run Hookledger (until the HTTP API lands: the domain demo below)
  demo      Create, change and replay a webhook on DATABASE_URL, printing each step
  help      Show this help

Environment:
  DATABASE_URL   sqlite:<path> (default sqlite:./data/hookledger.db) or sqlite::memory:
`;

const openEventStore = (databaseUrl: string): { store: EventStore; where: string } => {
  const location = parseDatabaseUrl(databaseUrl);
  return location.kind === 'memory'
    ? { store: new InMemoryEventStore(), where: 'an in-memory store' }
    : { store: SqliteEventStore.open(location.path), where: `SQLite file ${location.path}` };
};

const main = async (argv: readonly string[]): Promise<number> => {
  const [command = 'help'] = argv;
  switch (command) {
    case 'start':
    case 'demo': {
      const { store, where } = openEventStore(readConfig().databaseUrl);
      try {
        await runDemo(store, where);
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return 0;
    default:
      process.stderr.write(`hookledger: unknown command '${command}'\n\n${HELP}`);
      return 2;
  }
};

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`hookledger: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
