import { build } from 'esbuild';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { OrderServiceSubscriptions } from '../../examples/embedded/order-service.js';
import { dottedCatalog } from '../../src/domain/index.js';
import { createEmbeddedHookledger } from '../../src/main/embedded.js';

const root = resolve(import.meta.dirname, '../..');

describe('hookledger/domain embeds anywhere', () => {
  it('bundles for the browser from the domain, zod, fp-ts and ipaddr.js alone, and runs with no Node globals', async () => {
    const result = await build({
      entryPoints: [resolve(root, 'src/domain/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'hookledgerDomain',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    const outside = inputs.filter((i) => !/^(src\/domain\/|node_modules\/(zod|fp-ts|ipaddr\.js)\/)/.test(i));
    expect(outside).toEqual([]);
    expect(inputs.some((i) => i.startsWith('node_modules/zod/'))).toBe(true);

    // A bare JavaScript context with only the web-standard URL that browsers and edge runtimes have:
    // no process, require, Buffer or fs.
    const context: Record<string, unknown> = { URL };
    runInNewContext(`${result.outputFiles[0]!.text}\nthis.domain = hookledgerDomain;`, context);
    const domain = context.domain as typeof import('../../src/domain/index.js');
    const decided = domain.decide(
      {
        type: 'CreateWebhook',
        data: {
          webhook_id: 'wh_abc123def4',
          organization_id: 'o',
          webhook_name: 'Edge',
          event_types: ['object.*'],
          channels: [{ channel: 'webhook', configs: { url: 'https://e.com' } }],
        },
        metadata: { now: '2026-11-22T10:00:00.000Z', catalog: domain.dottedCatalog },
      },
      domain.initialState(),
    );
    expect(JSON.parse(JSON.stringify(decided))).toMatchObject({ _tag: 'Right', right: [{ type: 'WebhookCreated' }] });
    expect(domain.matches(['object.*'], 'object.created')).toBe(true);
    // The destination rule runs there too: an embedder that passes no setting gets the safe default.
    expect(domain.literalPrivateDestination('http://[::ffff:169.254.169.254]/latest')).toContain('linkLocal');
  });

  it('would fail the check if the domain pulled in a Node module', async () => {
    const result = await build({
      stdin: {
        contents: "import { readFileSync } from 'node:fs'; export * from './src/domain/index.ts'; export const r = readFileSync;",
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    }).catch((error: Error) => error);
    expect(result).toBeInstanceOf(Error);
  });
});

describe('examples/embedded: an order service on hookledger/domain with its own storage', () => {
  it('applies Hookledger’s rules, keeps a history and matches events', () => {
    let minute = 0;
    const service = new OrderServiceSubscriptions(() => new Date(Date.UTC(2026, 10, 22, 10, minute++)).toISOString());
    const a = service.subscribe('acme', 'https://acme.example/hooks', ['object.*']);
    const b = service.subscribe('globex', 'https://globex.example/hooks', ['object.deleted']);
    expect(a.ok && b.ok).toBe(true);
    expect(service.subscribe('bad', 'not a url', ['object.*'])).toMatchObject({ ok: false, error: expect.stringContaining('url') });
    expect(service.recipients('object.deleted')).toEqual([a.id, b.id]);
    service.pause(a.id);
    expect(service.recipients('object.deleted')).toEqual([b.id]);
    expect(service.history(a.id)).toEqual(['WebhookCreated', 'WebhookPaused']);
  });
});

describe('hookledger/memory: the use cases in process', () => {
  it('creates, changes, lists and replays webhooks with no server or database', async () => {
    const hl = createEmbeddedHookledger();
    const caller = { organizationId: 'org-1', actor: 'embedded', catalog: dottedCatalog };
    const created = await hl.create(caller, {
      webhook_name: 'In process',
      event_types: ['cluster.*'],
      channels: [{ channel: 'sms', configs: { phone_numbers: ['+15551234567'] } }],
    });
    if (created._tag === 'Left') throw new Error(created.left.message);
    const id = created.right.webhook.webhook_id;
    await hl.execute(caller, id, { type: 'RenameWebhook', data: { webhook_name: 'Renamed' } });
    expect((await hl.get('org-1', id))?.webhook.webhook_name).toBe('Renamed');
    expect((await hl.list('org-1', { eventType: 'cluster.created' })).rows.map((r) => r.webhook.webhook_id)).toEqual([id]);
    expect((await hl.history('org-1', id))?.map((e) => e.type)).toEqual(['WebhookCreated', 'WebhookRenamed']);
    expect(await hl.get('org-2', id)).toBeUndefined();
  });
});

describe('hookledger/memory: private destinations', () => {
  const caller = { organizationId: 'org-1', actor: 'embedded', catalog: dottedCatalog };
  const settings = {
    webhook_name: 'Local',
    event_types: ['cluster.*'],
    channels: [{ channel: 'webhook' as const, configs: { url: 'http://localhost:3000/hook' } }],
  };

  it('refuses a localhost URL by default, and takes it when the embedder allows private destinations', async () => {
    expect(await createEmbeddedHookledger().create(caller, settings)).toMatchObject({
      _tag: 'Left',
      left: { type: 'ValidationFailed', details: [{ path: ['channels', 0, 'configs', 'url'] }] },
    });
    expect((await createEmbeddedHookledger({ allowPrivateDestinations: true }).create(caller, settings))._tag).toBe('Right');
  });
});
