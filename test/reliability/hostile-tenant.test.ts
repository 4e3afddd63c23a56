import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../support/receivers.js';
import { waitFor } from '../support/wait-for.js';
import { client, orgAndKey, processes, serviceEnv } from './support.js';

/**
 * Issue 13: one organization writes everything it can to hurt the service; another
 * organization's deliveries keep arriving, the process never dies, and every job
 * ends in a recorded outcome. One real service (API + worker) on a SQLite file,
 * real loopback receivers, everything through the HTTP API.
 */
const W = '/v1/organizations/webhooks';

type Api = ReturnType<typeof client>;
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

describe('hostile tenant (real service process, SQLite file, loopback receivers)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookledger-hostile-'));
  const file = join(dir, 'hookledger.db');
  const procs = processes();
  const receivers: Receiver[] = [];
  let service: { child: ChildProcess; url: string };
  let hostile: Api;
  let hostileKey: string;
  let victim: Api;
  /** When the prototype-walking template was delivered: a polluted prototype crashed the process about 16 s later. */
  let prototypeWalkAt = Date.now();
  let victimTraffic: { stop: () => Promise<void>; sent: Map<number, number>; arrived: Map<number, number> };

  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };
  const create = async (api: Api, body: unknown) => {
    const res = await api('POST', `${W}/`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { webhook_id: string };
  };
  const attemptsOf = async (api: Api, webhookId: string) =>
    (await api('GET', `${W}/${webhookId}/deliveries?limit=100`)).body.results as { status: string; error: string | null; delivery_status: string }[];
  const heapUsed = async () => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    return Number(/^hookledger_nodejs_heap_size_used_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(text)?.[1]);
  };

  beforeAll(async () => {
    const h = await orgAndKey(`sqlite:${file}`, 'hostile');
    const v = await orgAndKey(`sqlite:${file}`, 'victim');
    // A capped heap: a template cache that grew without bound would end the process here.
    service = await procs.start(['start'], serviceEnv(`sqlite:${file}`, { NODE_OPTIONS: '--max-old-space-size=128' }));
    hostileKey = h.key;
    hostile = client(service.url, h.key);
    victim = client(service.url, v.key);

    // The other organization publishes throughout the suite and measures arrival.
    const sent = new Map<number, number>();
    const arrived = new Map<number, number>();
    const fast = await receiver((req, res) => {
      arrived.set((JSON.parse(req.body) as { data: { seq: number } }).data.seq, Date.now());
      res.writeHead(204).end();
    });
    await create(victim, { webhook_name: 'victim', event_types: ['object.*'], channels: [{ channel: 'webhook', configs: { url: fast.url } }] });
    let running = true;
    const loop = (async () => {
      for (let seq = 0; running; seq++) {
        sent.set(seq, Date.now());
        const res = await victim('POST', '/v1/events', { event_type: 'object.created', data: { seq } });
        expect(res.status).toBe(202);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    victimTraffic = {
      sent,
      arrived,
      stop: async () => {
        running = false;
        await loop;
      },
    };
  });

  afterAll(async () => {
    await victimTraffic?.stop();
    procs.killAll();
    await Promise.all(receivers.map((r) => r.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a template that walks prototypes renders nothing, calls nothing and changes nothing', async () => {
    const slack = await receiver((_req, res) => res.writeHead(200).end('ok'));
    const hook = await create(hostile, {
      webhook_name: 'prototype walk',
      event_types: ['object.*'],
      channels: [
        {
          channel: 'slack',
          configs: {
            webhook_url: `${slack.url}/hooks/x`,
            message_template:
              '[{{#data.a.__proto__.__proto__}}{{data.a.push}}{{/data.a.__proto__.__proto__}}][{{event_type.constructor.__proto__.constructor}}][{{data.a.constructor}}][{{data.a.length}}][{{event_type.toString}}]',
          },
        },
      ],
    });
    expect((await hostile('POST', '/v1/events', { event_type: 'object.created', data: { a: [] } })).status).toBe(202);
    const req = await waitFor(() => slack.received[0], 10_000, 'the Slack post');
    prototypeWalkAt = Date.now();
    expect(JSON.parse(req.body).text).toBe('[][][][][]');
    await waitFor(async () => (await attemptsOf(hostile, hook.webhook_id))[0]?.status === 'succeeded', 10_000, 'the recorded success');
  });

  it.each([
    ['message_template', 'slack', '{{#data}} oops'],
    ['message_template', 'slack', '{{> constructor}}'],
    ['blocks_template', 'slack', 'not json {{event_type}}'],
    ['blocks_template', 'slack', '{"type": "section"}'],
    ['payload_template', 'webhook', '{"v":"{{#data}}"}'],
    ['payload_template', 'webhook', 'plain text, not JSON'],
    ['subject_template', 'email', '{{/data}}'],
    ['message_template', 'sms', '{{=<% %>=}}'],
  ])('a %s of a %s channel that cannot render (%j) is refused when written, with its path', async (field, kind, template) => {
    const configs: Record<string, Record<string, unknown>> = {
      slack: { webhook_url: 'https://hooks.slack.com/services/T/B/x' },
      webhook: { url: 'https://example.com/hook' },
      email: { to_addresses: ['ops@example.com'] },
      sms: { phone_numbers: ['+15551234567'] },
    };
    const before = (await hostile('POST', `${W}/list`, {})).body.total as number;
    const res = await hostile('POST', `${W}/`, {
      webhook_name: 'bad template',
      event_types: ['object.*'],
      channels: [{ channel: kind, configs: { ...configs[kind], [field]: template } }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path: ['channels', 0, 'configs', field] }));
    expect((await hostile('POST', `${W}/list`, {})).body.total).toBe(before);
  });

  it('output amplification stops at the limit and ends in a final, recorded failure', async () => {
    const sink = await receiver();
    const hook = await create(hostile, {
      webhook_name: 'amplifier',
      event_types: ['object.*'],
      channels: [{ channel: 'webhook', configs: { url: sink.url, payload_template: '[{{#data.a}}{{data_json}},{{/data.a}}0]' } }],
    });
    const started = Date.now();
    for (const zeros of [5_000, 150_000]) {
      expect((await hostile('POST', '/v1/events', { event_type: 'object.updated', data: { a: Array<number>(zeros).fill(0) } })).status).toBe(202);
    }
    const failed = await waitFor(
      async () => {
        const attempts = await attemptsOf(hostile, hook.webhook_id);
        return attempts.length >= 2 && attempts.every((a) => a.delivery_status === 'failed') ? attempts : undefined;
      },
      20_000,
      'two final failures',
    );
    for (const a of failed) expect(a.error).toMatch(/payload_template.*(exceeds|limit)/i);
    console.log(`amplification: both events failed for good ${Date.now() - started} ms after publishing; the receiver got nothing`);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(sink.received).toEqual([]);
  });

  it('2,000 distinct 10 KB templates are rendered without the template cache growing without bound', async () => {
    const sink = await receiver();
    const pad = (i: number, j: number) => `${i}-${j}-`.padEnd(9_900, String.fromCharCode(97 + ((i * 10 + j) % 26)));
    // Five 10 KB templates per webhook stay under the 64 KiB settings limit: 400 webhooks make 2,000.
    const webhooks = 400;
    const perWebhook = 5;
    for (let i = 0; i < webhooks; i++) {
      await create(hostile, {
        webhook_name: `many templates ${i}`,
        event_types: ['object.deleted'],
        channels: Array.from({ length: perWebhook }, (_, j) => ({
          channel: 'webhook',
          configs: { url: `${sink.url}/t/${i}/${j}`, payload_template: `{"pad":"${pad(i, j)}","type":"{{event_type}}"}` },
        })),
      });
    }
    const before = await heapUsed();
    expect((await hostile('POST', '/v1/events', { event_type: 'object.deleted', data: {} })).status).toBe(202);
    await waitFor(() => sink.received.length >= webhooks * perWebhook, 60_000, 'all 2,000 deliveries');
    const after = await heapUsed();
    console.log(`2,000 distinct 10 KB templates: heap used ${(before / 2 ** 20).toFixed(1)} MiB before, ${(after / 2 ** 20).toFixed(1)} MiB after`);
    expect(after - before, `heap grew from ${before} to ${after}`).toBeLessThan(64 * 1024 * 1024);
    expect(service.child.exitCode).toBeNull();
  });

  it('headers that can never be sent are refused when written', async () => {
    for (const [name, value] of [
      ['X-Ctl', 'a\u0001b'],
      ['X-Price', 'price €5'],
      ['Trailer', 'x'],
      ['TE', 'trailers'],
      ['Connection', 'close'],
      ['Proxy-Authorization', 'Basic x'],
    ] as const) {
      const res = await hostile('POST', `${W}/`, {
        webhook_name: 'bad header',
        event_types: ['object.*'],
        channels: [{ channel: 'webhook', configs: { url: 'https://example.com/hook', headers: { [name]: value } } }],
      });
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(422);
      expect(res.body.error.details[0].path).toEqual(['channels', 0, 'configs', 'headers', name]);
    }
  });

  it('literal private destinations are refused when written where private destinations are not allowed', async () => {
    // A second API process on the same file, run as in production: private destinations not allowed.
    const strict = await procs.start(['start'], serviceEnv(`sqlite:${file}`, { HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS: 'false', HOOKLEDGER_WORKER: 'false' }));
    const h = await orgAndKey(`sqlite:${file}`, 'hostile-strict');
    const strictApi = client(strict.url, h.key);
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[::ffff:127.0.0.1]/x',
      'http://localhost/x',
      'http://api.localhost/x',
      'http://[::7f00:1]/x',
      'http://[::ffff:0:7f00:1]/x',
      'http://[64:ff9b:1::a9fe:a9fe]/x',
      'http://[2002:7f00:1::]/x',
      'http://[fec0::1]/x',
      'http://[100::1]/x',
      'http://127.1/x',
    ]) {
      for (const channel of [
        { channel: 'webhook', configs: { url } },
        { channel: 'slack', configs: { webhook_url: url } },
      ]) {
        const res = await strictApi('POST', `${W}/`, { webhook_name: 'ssrf', event_types: ['object.*'], channels: [channel] });
        expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(422);
        expect(res.body.error.details[0].path).toEqual(['channels', 0, 'configs', channel.channel === 'slack' ? 'webhook_url' : 'url']);
      }
    }
    expect((await strictApi('POST', `${W}/list`, {})).body.total).toBe(0);
    const ok = await strictApi('POST', `${W}/`, {
      webhook_name: 'public',
      event_types: ['object.*'],
      channels: [{ channel: 'webhook', configs: { url: 'https://93.184.216.34/hook' } }],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    strict.child.kill('SIGKILL');
  });

  it('event data nested 5,000 deep is refused before it is stored, and the delivery log keeps answering', async () => {
    const sink = await receiver();
    const hook = await create(hostile, { webhook_name: 'deep', event_types: ['object.*'], channels: [{ channel: 'webhook', configs: { url: sink.url } }] });
    const body = `{"event_type":"object.created","data":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`;
    const res = await fetch(`${service.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hostileKey}`, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { details: { path: unknown[] }[] } }).error.details[0]!.path.slice(0, 2)).toEqual(['data', 'a']);
    const log = await hostile('GET', `${W}/${hook.webhook_id}/deliveries`);
    expect(log.status).toBe(200);
  });

  it('Slack: values from event data are escaped, the owner’s own markup is kept', async () => {
    const slack = await receiver((_req, res) => res.writeHead(200).end('ok'));
    await create(hostile, {
      webhook_name: 'slack escaping',
      event_types: ['object.*'],
      channels: [
        {
          channel: 'slack',
          configs: {
            webhook_url: `${slack.url}/hooks/escape`,
            message_template: '<!here> {{data.note}}',
            blocks_template: '[{"type":"section","text":{"type":"mrkdwn","text":"<!here> {{data.note}}"}}]',
          },
        },
      ],
    });
    const note = 'Deploy <!channel> & <https://evil.example|click>';
    expect((await hostile('POST', '/v1/events', { event_type: 'object.created', data: { note } })).status).toBe(202);
    const payload = JSON.parse((await waitFor(() => slack.received[0], 10_000, 'the Slack post')).body);
    const escaped = 'Deploy &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;';
    expect(payload.text).toBe(`<!here> ${escaped}`);
    expect(payload.blocks[0].text.text).toBe(`<!here> ${escaped}`);
  });

  it('the service stayed up, the other organization’s events all arrived, and every job ended in a recorded outcome', async () => {
    // Long enough after the prototype walk for the crash it used to cause (prom-client's GC observer, ~16 s).
    await new Promise((r) => setTimeout(r, Math.max(0, prototypeWalkAt + 20_000 - Date.now())));
    await victimTraffic.stop();
    await waitFor(() => victimTraffic.arrived.size >= victimTraffic.sent.size, 15_000, 'every event of the other organization');
    const latencies = [...victimTraffic.sent].map(([seq, at]) => victimTraffic.arrived.get(seq)! - at).sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length * 0.5)]!;
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
    console.log(`other organization: ${latencies.length} events, p50 ${p50} ms, p99 ${p99} ms, max ${latencies.at(-1)} ms`);
    expect(latencies.length).toBeGreaterThan(100);
    expect(p50, `p50 ${p50} ms`).toBeLessThan(1_000);
    // The 2,000-delivery burst above is queued ahead of it, but claims go round-robin between
    // organizations (ADR 0014): its events wait for no one's burst (first come, first served, p99 was 7.6 s).
    expect(p99, `p99 ${p99} ms over ${latencies.length} events`).toBeLessThan(1_000);

    expect(service.child.exitCode).toBeNull();
    expect((await fetch(`${service.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);

    const db = new Database(file, { readonly: true });
    try {
      const open = () => db.prepare("SELECT count(*) AS n FROM deliveries WHERE status IN ('scheduled', 'leased')").get() as { n: number };
      await waitFor(() => open().n === 0, 20_000, 'no job left scheduled or leased');
      const without = db
        .prepare(
          "SELECT count(*) AS n FROM deliveries d WHERE status <> 'held' AND NOT EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = d.delivery_id)",
        )
        .get() as { n: number };
      expect(without.n).toBe(0);
    } finally {
      db.close();
    }
  });
});
