import type { Notification, Pool, PoolClient } from 'pg';
import { JOBS_DUE_CHANNEL } from './delivery-batches.js';

const RECONNECT_MS = 1000;

/**
 * Holds one pooled connection that LISTENs for jobs committed as due (by any process) and
 * calls `onNotify` for each notification, until the returned function is called. A lost
 * connection is replaced after a second, and `onNotify` is called once listening again, since
 * notifications sent meanwhile were missed (the worker's poll covers that second).
 * Notifications whose payload is `self` (sent by this process, which calls its own listeners
 * directly) are skipped.
 */
export const listenForJobsDue = (pool: Pool, onNotify: () => void, self?: string): (() => void) => {
  let stopped = false;
  let client: PoolClient | undefined;
  let retry: NodeJS.Timeout | undefined;
  const later = () => {
    if (!stopped) retry = setTimeout(() => void connect(), RECONNECT_MS);
  };
  const notified = (message: Notification) => {
    if (self === undefined || message.payload !== self) onNotify();
  };
  const drop = (c: PoolClient, error?: Error) => {
    if (client !== c) return;
    client = undefined;
    c.removeListener('notification', notified);
    // Destroyed, never pooled again: it would keep LISTENing for whoever took it next.
    c.release(error ?? true);
    later();
  };
  const connect = async () => {
    retry = undefined;
    let c: PoolClient;
    try {
      c = await pool.connect();
    } catch {
      later();
      return;
    }
    if (stopped) {
      c.release();
      return;
    }
    client = c;
    c.on('notification', notified);
    c.on('error', (error) => drop(c, error));
    c.on('end', () => drop(c));
    try {
      await c.query(`LISTEN ${JOBS_DUE_CHANNEL}`);
    } catch (error) {
      drop(c, error as Error);
      return;
    }
    onNotify();
  };
  void connect();
  return () => {
    stopped = true;
    clearTimeout(retry);
    if (client) {
      const c = client;
      client = undefined;
      c.removeListener('notification', notified);
      c.release(true);
    }
  };
};
