import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clockMs } from './clock.js';

/**
 * The loopback receiver: it notes when each event (by the run and sequence
 * number in its data) first arrives, answering 204 at once; on `/slow/…` it
 * answers only after `slowMs` (a tenant's struggling endpoint).
 */
export const startReceiver = async (slowMs: number) => {
  const arrivals = new Map<string, Map<number, number>>();
  const counts = { duplicates: 0, unreadable: 0, slow: 0 };
  const pending = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = clockMs();
      if (req.url?.startsWith('/slow')) {
        counts.slow++;
        const timer = setTimeout(() => {
          pending.delete(timer);
          res.writeHead(204).end();
        }, slowMs);
        pending.add(timer);
        return;
      }
      try {
        const { data } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { run: string; seq: number } };
        let run = arrivals.get(data.run);
        if (!run) arrivals.set(data.run, (run = new Map()));
        if (run.has(data.seq)) counts.duplicates++;
        else run.set(data.seq, at);
      } catch {
        counts.unreadable++;
      }
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Arrival times (clockMs) of a run's events by sequence number. */
    arrived: (run: string): ReadonlyMap<number, number> => arrivals.get(run) ?? new Map(),
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of pending) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
