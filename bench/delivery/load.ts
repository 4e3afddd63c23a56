import { Agent, request } from 'node:http';
import { clockMs, sleep } from './clock.js';
import { type LoadJob, type LoadReport, eventBody } from './protocol.js';

// The load generator, a process of its own (forked by delivery.bench.ts): it
// publishes over keep-alive connections and reports per-event timings over IPC.

type Send = (url: URL, headers: Readonly<Record<string, string>>, body: string) => Promise<number>;

const viaHttp =
  (agent: Agent): Send =>
  (url, headers, body) =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      });
      req.once('error', reject);
      req.end(body);
    });

const viaFetch: Send = async (url, headers, body) => {
  const res = await fetch(url, { method: 'POST', headers, body });
  await res.arrayBuffer();
  return res.status;
};

const run = async (job: LoadJob): Promise<LoadReport> => {
  const targets = job.targets.map((t) => new URL(t));
  const agent = new Agent({ keepAlive: true, maxSockets: Math.ceil(job.concurrency / targets.length) });
  const send = job.client === 'http' ? viaHttp(agent) : viaFetch;
  const report = {
    id: job.id,
    sentAt: new Array<number>(job.total).fill(Number.NaN),
    answeredAt: new Array<number>(job.total).fill(Number.NaN),
    status: new Array<number>(job.total).fill(0),
    lateMs: [] as number[],
    firstError: undefined as string | undefined,
  };
  const one = async (seq: number, target: URL) => {
    try {
      report.status[seq] = await send(target, job.headers, eventBody(job.run, seq));
    } catch (error) {
      report.firstError ??= error instanceof Error ? error.message : String(error);
    }
    report.answeredAt[seq] = clockMs();
  };

  if (job.mode === 'burst') {
    let next = 0;
    await Promise.all(
      Array.from({ length: job.concurrency }, async (_, loop) => {
        const target = targets[loop % targets.length]!;
        while (next < job.total) {
          const seq = next++;
          report.sentAt[seq] = clockMs();
          await one(seq, target);
        }
      }),
    );
  } else {
    // Open loop: each request leaves at its planned time, however the earlier ones fare.
    const interval = 1000 / job.rate!;
    const startAt = job.startAt!;
    const inFlight: Promise<void>[] = [];
    let seq = 0;
    while (seq < job.total) {
      const now = clockMs();
      for (; seq < job.total && startAt + seq * interval <= now; seq++) {
        const planned = startAt + seq * interval;
        report.sentAt[seq] = planned;
        report.lateMs.push(now - planned);
        inFlight.push(one(seq, targets[seq % targets.length]!));
      }
      if (seq < job.total) await sleep(Math.max(0, startAt + seq * interval - clockMs()));
    }
    await Promise.all(inFlight);
  }
  agent.destroy();
  return report;
};

process.on('message', (job: LoadJob) => {
  run(job).then(
    (report) => process.send!(report),
    (error: unknown) => process.send!({ id: job.id, sentAt: [], answeredAt: [], status: [], lateMs: [], firstError: String(error) } satisfies LoadReport),
  );
});
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
