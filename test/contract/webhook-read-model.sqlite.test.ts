import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../src/adapters/store/sqlite/open-database.js';
import { SqliteWebhookReadModel } from '../../src/adapters/store/sqlite/sqlite-webhook-read-model.js';
import { paused } from '../support/webhook-fixtures.js';
import { ORG_A, idOf, row, webhookReadModelContract } from './webhook-read-model.contract.js';

/** A real SQLite file in a fresh temp folder, every connection closed and the folder removed afterwards. */
const tempDatabase = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookledger-read-model-'));
  const path = join(dir, 'hookledger.db');
  const opened: Database[] = [];
  const open = () => {
    const db = openSqliteDatabase(path);
    opened.push(db);
    return db;
  };
  return {
    open,
    cleanup: async () => {
      for (const db of opened) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

webhookReadModelContract('SQLite file', async () => {
  const t = tempDatabase();
  return { model: new SqliteWebhookReadModel(t.open()), reopen: () => new SqliteWebhookReadModel(t.open()), cleanup: t.cleanup };
});

describe('SqliteWebhookReadModel storage', () => {
  let t: ReturnType<typeof tempDatabase>;
  let db: Database;
  let model: SqliteWebhookReadModel;
  beforeEach(() => {
    t = tempDatabase();
    db = t.open();
    model = new SqliteWebhookReadModel(db);
  });
  afterEach(() => t.cleanup());

  it('writes the filter columns from the folded state and the checkpoint under the name webhook_list', async () => {
    await model.apply([row(1, { event_types: ['object.*', 'cluster.created'] }, paused())], 7);
    expect(db.prepare('SELECT webhook_id, organization_id, sequence, status, event_types, version FROM webhook_list').all()).toEqual([
      { webhook_id: idOf(1), organization_id: ORG_A, sequence: 1, status: 'paused', event_types: '["object.*","cluster.created"]', version: 2 },
    ]);
    expect(db.prepare('SELECT name, position FROM projection_checkpoints').all()).toEqual([{ name: 'webhook_list', position: 7 }]);
  });

  it('applies a batch atomically: a failing row leaves neither rows nor checkpoint behind', async () => {
    await model.apply([row(1)], 5);
    // Two webhooks cannot share a sequence (UNIQUE): the whole batch must roll back.
    const clash = { ...row(2), sequence: 1 };
    await expect(model.apply([row(3), clash], 9)).rejects.toThrow();
    expect(await model.checkpoint()).toBe(5);
    expect(await model.get(idOf(3))).toBeUndefined();
    expect(await model.get(idOf(2))).toBeUndefined();
    expect((await model.list({ organizationId: ORG_A, limit: 10 })).total).toBe(1);
  });

  it('survives closing and reopening the file', async () => {
    await model.apply([row(1), row(2)], 4);
    db.close();
    const reopened = new SqliteWebhookReadModel(t.open());
    expect(await reopened.checkpoint()).toBe(4);
    expect(await reopened.get(idOf(2))).toEqual(row(2));
  });
});
