/// <reference lib="dom" />
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/http-harness.js';
import { startReceiver } from '../support/receivers.js';

const root = resolve(import.meta.dirname, '../..');
// Debian's chromium (`apt-get install chromium`; .ci/run installs it), never a download.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// `CONSOLE_SCREENSHOTS=1` refreshes docs/screenshots; other runs leave the tree alone.
const SHOTS = process.env.CONSOLE_SCREENSHOTS === '1' ? join(root, 'docs/screenshots') : undefined;

const suite = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.log(`SKIPPED the console end-to-end tests: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

suite('web console in headless Chromium, against the real API, worker and a loopback receiver', () => {
  let h: Harness;
  let key: string;
  let browser: Browser;
  let page: Page;
  let failing = false;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const dir = mkdtempSync(join(tmpdir(), 'hookledger-console-'));

  beforeAll(async () => {
    // The console as `npm run build` makes it, into a folder of this test's own.
    await build({ configFile: join(root, 'console/vite.config.ts'), build: { outDir: dir, emptyOutDir: true }, logLevel: 'warn' });
    h = await startHarness('sqlite-file', undefined, {
      worker: true,
      realClock: true,
      env: { HOOKLEDGER_CONSOLE_DIR: dir, HOOKLEDGER_RETRY_SCHEDULE: '0,60s' },
    });
    key = (await h.newOrg()).key;
    receiver = await startReceiver((_req, res) => res.writeHead(failing ? 500 : 200).end(failing ? 'receiver down' : 'ok'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Fail fast with the locator's own message rather than at the test's time-out.
    page.setDefaultTimeout(8000);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const shot = async (name: string) => {
    // Clicking a button at the right edge scrolls a wide table; show it from its first column.
    await page.evaluate(() => document.querySelectorAll('.table-wrap').forEach((e) => (e.scrollLeft = 0)));
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };

  it('serves the built files with a strict CSP, and nothing outside its folder', async () => {
    const index = await fetch(`${h.url}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    for (const escape of ['assets/..%2f..%2fpackage.json', 'assets/%2e%2e/%2e%2e/package.json', '..%2fpackage.json']) {
      const res = await fetch(`${h.url}/console/${escape}`);
      expect(await res.text(), escape).not.toContain('"dependencies"');
    }
    expect((await fetch(`${h.url}/console/%E0%A4%A`)).status).toBe(400);
  });

  it('refuses a wrong key in place, then signs in and keeps the key in session storage only', async () => {
    await page.goto(`${h.url}/console/`);
    await page.getByLabel('API key').fill('sk_wrong_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByText('That key was not accepted').isVisible()).toBe(true);
    await shot('sign-in');
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByText('No webhooks yet.').isVisible()).toBe(true);
    expect(await page.evaluate(() => [sessionStorage.getItem('hookledger.apiKey'), localStorage.length, document.cookie])).toEqual([key, 0, '']);
  });

  it('shows the API’s own validation messages in place, then creates a webhook and shows its secret once', async () => {
    await page.getByRole('button', { name: 'New webhook' }).click();
    // The list's "Search by name" is labelled with "name" too: wait for the form, and name its field exactly.
    await expect.poll(() => page.getByRole('heading', { name: 'New webhook' }).isVisible()).toBe(true);
    await page.getByLabel('Name', { exact: true }).fill('Console hook');
    await page.getByLabel('Endpoint URL').fill('not a url');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/problems? to fix/);
    expect(await page.getByLabel('Endpoint URL').getAttribute('aria-invalid')).toBe('true');
    await shot('webhook-form-errors');
    await page.getByText('Object Lifecycle').click();
    await page.getByLabel('object.created').check();
    await page.getByLabel('Endpoint URL').fill(`${receiver.url}/hook`);
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Webhook created' }).isVisible()).toBe(true);
    expect(await page.getByLabel('Signing secret').textContent()).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Open the webhook' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Console hook' }).isVisible()).toBe(true);
  });

  it('sees a delivery arrive, watches one fail, retries it and sees it succeed', async () => {
    const id = page.url().split('/').pop()!;
    const publish = async () =>
      (await h.request('POST', '/v1/events', { key, body: { event_type: 'object.created', data: { from: 'test' } } })).body.message_id as string;
    const rows = (messageId: string, outcome: string) => page.locator(`tr[data-message-id="${messageId}"][data-outcome="${outcome}"]`);
    const refreshUntil = async (check: () => Promise<boolean>) => {
      await expect
        .poll(
          async () => {
            await page.getByRole('button', { name: 'Refresh' }).click();
            return check();
          },
          { timeout: 15_000 },
        )
        .toBe(true);
    };

    const first = await publish();
    await refreshUntil(async () => (await rows(first, 'succeeded').count()) === 1);
    expect(receiver.received).toHaveLength(1);

    failing = true;
    const second = await publish();
    await refreshUntil(async () => (await rows(second, 'failed').count()) === 1);
    await shot('deliveries-failed');
    failing = false;
    await page
      .getByRole('button', { name: `Retry ${second}` })
      .first()
      .click();
    await refreshUntil(async () => (await rows(second, 'succeeded').count()) === 1);
    expect(receiver.received.filter((r) => r.headers['webhook-id'] === second)).toHaveLength(2);
    // The 24 h chart: three attempts, one failed.
    expect(await page.locator('figcaption').first().textContent()).toMatch(/^webhook: 67% of 3 attempts succeeded in the last 24 h; mean latency \d+ ms\.$/);
    expect(await page.getByRole('img', { name: /^webhook: 67% of 3 attempts succeeded/ }).count()).toBe(1);
    expect(await page.getByRole('img', { name: /^webhook: mean latency per hour, highest \d+ ms$/ }).count()).toBe(1);
    await shot('deliveries');
    expect(id).toMatch(/^wh_/);
  });

  it('shows the history as a timeline of changes and the webhook as of an earlier moment', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Resume' }).isVisible()).toBe(true);
    await page.getByRole('tab', { name: 'History' }).click();
    await expect.poll(() => page.getByText('Paused', { exact: true }).isVisible()).toBe(true);
    expect(await page.locator('.timeline .diff').allTextContents()).toContainEqual(expect.stringContaining('is_active: true → false'));
    await page.getByRole('button', { name: 'View as of this' }).first().click();
    await expect.poll(() => page.getByRole('heading', { name: /^As of/ }).isVisible()).toBe(true);
    await expect.poll(() => page.locator('article[aria-live]').textContent()).toContain('active · version 1');
    await shot('history');
  });

  it('edits, rotates, sends a test event, shows each attempt’s request, and deletes only after confirmation', async () => {
    const id = /#\/webhooks\/(wh_\w+)/.exec(page.url())![1]!;
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Pause' }).isVisible()).toBe(true);
    // A header the form has no field for must survive an edit made in the console.
    const url = `${receiver.url}/hook`;
    expect(
      (
        await h.request('PATCH', `/v1/organizations/webhooks/${id}`, {
          key,
          body: { channels: [{ channel: 'webhook', configs: { url, headers: { 'X-Team': 'eng' } } }] },
        })
      ).status,
    ).toBe(200);
    await page.getByRole('button', { name: 'Edit' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Edit webhook' }).isVisible()).toBe(true);
    await page.getByLabel('Name', { exact: true }).fill('Renamed hook');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Renamed hook' }).isVisible()).toBe(true);
    // …and keeps its channel id (the console sends back the ids it was given).
    expect((await h.request('GET', `/v1/organizations/webhooks/${id}`, { key })).body.channels).toEqual([
      { channel_id: 'ch_1', channel: 'webhook', configs: { url, headers: { 'X-Team': 'eng' }, timeout: 10 } },
    ]);
    await page.getByRole('tab', { name: 'History' }).click();
    await expect
      .poll(() => page.locator('.timeline .diff').allTextContents())
      .toContainEqual(expect.stringContaining('webhook_name: Console hook → Renamed hook'));

    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await expect.poll(() => page.getByText(/^New signing secret: whsec_/).isVisible()).toBe(true);
    const before = receiver.received.length;
    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect.poll(() => receiver.received.length).toBe(before + 1);
    expect(JSON.parse(receiver.received.at(-1)!.body).type).toBe('webhook.test');

    await page.getByRole('tab', { name: 'Deliveries' }).click();
    // The payload is not in the attempt list: opening it fetches the message once.
    await page.getByText('payload', { exact: true }).first().click();
    await expect
      .poll(() => page.locator('tbody details[open] pre').first().textContent())
      .toMatch(/^webhook-id: msg_\w+\n\{\n {2}"type": "(webhook\.test|object\.created)",\n {2}"timestamp": "[^"]+",\n {2}"data": \{/);

    // Paused, an event is held; after resuming, recovering the window sends it.
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Resume' }).isVisible()).toBe(true);
    const held = (await h.request('POST', '/v1/events', { key, body: { event_type: 'object.created', data: { while: 'paused' } } })).body.message_id as string;
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Pause' }).isVisible()).toBe(true);
    await page.getByRole('tab', { name: 'Deliveries' }).click();
    const aMinuteAgo = await page.evaluate(() => {
      const d = new Date(Date.now() - 60_000 - new Date().getTimezoneOffset() * 60_000);
      return d.toISOString().slice(0, 16); // the datetime-local format, in the browser's zone
    });
    await page
      .getByRole('group', { name: /Recover/ })
      .getByLabel('From')
      .fill(aMinuteAgo);
    await page.getByRole('button', { name: 'Recover' }).click();
    await expect.poll(() => page.getByText('1 message rescheduled.').isVisible()).toBe(true);
    await expect.poll(() => receiver.received.some((r) => r.headers['webhook-id'] === held)).toBe(true);

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Renamed hook?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    expect((await h.request('GET', `/v1/organizations/webhooks/${id}`, { key })).status).toBe(200);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete webhook' }).click();
    await expect.poll(() => page.getByText('No webhooks yet.').isVisible()).toBe(true);
    expect((await h.request('GET', `/v1/organizations/webhooks/${id}`, { key })).status).toBe(404);
  });

  it('filters the list by name, event type and status, and browses the catalog by category', async () => {
    const make = async (name: string, types: string[], active: boolean) =>
      h.request('POST', '/v1/organizations/webhooks/', {
        key,
        body: { webhook_name: name, event_types: types, is_active: active, channels: [{ channel: 'webhook', configs: { url: `${receiver.url}/x` } }] },
      });
    await make('Orders feed', ['object.*'], true);
    await make('Cluster alerts', ['cluster.created'], false);
    await page.goto(`${h.url}/console/#/webhooks`);
    await page.reload(); // made behind the console's back: load the list again
    const names = () => page.locator('tbody tr td:first-child').allTextContents();
    await expect.poll(names).toEqual(['Orders feed', 'Cluster alerts']);
    await page.getByLabel('Status').selectOption('paused');
    await expect.poll(names).toEqual(['Cluster alerts']);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Receives event type').selectOption('object.created');
    await expect.poll(names).toEqual(['Orders feed']);
    await page.getByLabel('Receives event type').selectOption('');
    await page.getByLabel('Search by name').fill('clus');
    await expect.poll(names).toEqual(['Cluster alerts']);
    await shot('webhooks');

    await page.getByRole('link', { name: 'Event types' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Object Lifecycle' }).isVisible()).toBe(true);
    expect(await page.getByRole('row', { name: /object\.created/ }).textContent()).toContain('KEY');
    await shot('event-types');
  });

  it('can be driven with the keyboard alone: sign in, pick an event type, add a channel, create', async () => {
    const kb = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    kb.setDefaultTimeout(8000);
    try {
      await kb.goto(`${h.url}/console/#/webhooks/new`);
      /** Presses Tab until the focused element matches, as a keyboard user would. */
      const tabTo = async (selector: string) => {
        for (let i = 0; i < 60; i++) {
          if (await kb.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
          await kb.keyboard.press('Tab');
        }
        throw new Error(`Tab never reached ${selector}`);
      };
      await tabTo('input[name="api-key"]');
      await kb.keyboard.type(key);
      await kb.keyboard.press('Enter');
      await expect.poll(() => kb.getByRole('heading', { name: 'New webhook' }).isVisible()).toBe(true);
      await tabTo('input[name="webhook_name"]');
      await kb.keyboard.type('Keyboard hook');
      await tabTo('details summary');
      await kb.keyboard.press('Enter'); // opens Object Lifecycle
      await tabTo('input[value="object.deleted"]');
      await kb.keyboard.press('Space');
      await tabTo('input[name="channel-0-target"]');
      await kb.keyboard.type(`${receiver.url}/keyboard`);
      await kb.keyboard.press('Enter'); // submits the form
      await expect.poll(() => kb.getByRole('heading', { name: 'Webhook created' }).isVisible()).toBe(true);
      const list = (await h.request('POST', '/v1/organizations/webhooks/list', { key, body: {} })).body.results as {
        webhook_name: string;
        event_types: string[];
      }[];
      expect(list.find((w) => w.webhook_name === 'Keyboard hook')?.event_types).toEqual(['object.deleted']);
    } finally {
      await kb.close();
    }
  });

  it('has no serious or critical accessibility violations on its main screens (axe-core)', async () => {
    // axe is injected as a script, which the console's CSP rightly refuses: this page alone ignores the CSP.
    const audit = await browser.newPage({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    audit.setDefaultTimeout(8000);
    await audit.addInitScript((k) => sessionStorage.setItem('hookledger.apiKey', k), key);
    const id = (await h.request('POST', '/v1/organizations/webhooks/list', { key, body: {} })).body.results[0].webhook_id as string;
    const screens: [string, string][] = [
      ['#/webhooks', 'Webhooks'],
      ['#/webhooks/new', 'New webhook'],
      [`#/webhooks/${id}`, 'Deliveries'],
      ['#/event-types', 'Event types'],
    ];
    try {
      for (const [hash, heading] of screens) {
        await audit.goto(`${h.url}/console/${hash}`);
        await audit.reload();
        await expect.poll(() => audit.getByRole('heading', { name: heading }).first().isVisible()).toBe(true);
        await audit.addScriptTag({ path: join(root, 'node_modules/axe-core/axe.min.js') });
        const violations = await audit.evaluate(async () => {
          const result = await (
            window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }
          ).axe.run();
          return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.length})`);
        });
        expect(violations, hash).toEqual([]);
      }
    } finally {
      await audit.close();
    }
  });

  it('pages through the delivery log with “Load older attempts” and fetches a payload once when an attempt is opened', async () => {
    const hook = await h.request('POST', '/v1/organizations/webhooks/', {
      key,
      body: { webhook_name: 'Busy hook', event_types: ['object.updated'], channels: [{ channel: 'webhook', configs: { url: `${receiver.url}/busy` } }] },
    });
    const id = hook.body.webhook_id as string;
    for (let n = 0; n < 55; n++) await h.request('POST', '/v1/events', { key, body: { event_type: 'object.updated', data: { n } } });
    await expect.poll(() => receiver.received.filter((r) => r.url === '/busy').length, { timeout: 15_000 }).toBe(55);
    await expect
      .poll(async () => ((await h.request('GET', `/v1/organizations/webhooks/${id}/deliveries?limit=100`, { key })).body.results as unknown[]).length, {
        timeout: 10_000,
      })
      .toBe(55);
    const messageFetches: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/messages/')) messageFetches.push(r.url());
    });
    await page.goto(`${h.url}/console/#/webhooks/${id}`);
    await page.reload();
    const rows = page.locator('table[aria-label="Delivery attempts"] tbody tr');
    await expect.poll(() => rows.count()).toBe(50);
    await page.getByRole('button', { name: 'Load older attempts' }).click();
    await expect.poll(() => rows.count()).toBe(55);
    expect(await page.getByRole('button', { name: 'Load older attempts' }).count()).toBe(0);
    // The oldest attempt is the first event: its payload comes from GET …/messages/{id}, fetched once.
    const oldest = rows.last();
    await oldest.getByText('payload', { exact: true }).click();
    await expect.poll(() => oldest.locator('details[open] pre').textContent()).toContain('"n": 0');
    await oldest.getByText('payload', { exact: true }).click();
    await oldest.getByText('payload', { exact: true }).click();
    expect(messageFetches).toHaveLength(1);
  });

  it('keeps the channel ids it was given: removing one channel and repairing the other keeps the other’s identity', async () => {
    const channel = (path: string) => ({ channel: 'webhook', configs: { url: `${receiver.url}/${path}` } });
    const made = await h.request('POST', '/v1/organizations/webhooks/', {
      key,
      body: { webhook_name: 'Two channels', event_types: ['object.*'], channels: [channel('first'), channel('second')] },
    });
    const id = made.body.webhook_id as string;
    await page.goto(`${h.url}/console/#/webhooks/${id}/edit`);
    await page.getByRole('button', { name: 'Remove channel 1' }).click();
    await page.locator('input[name="channel-0-target"]').fill(`${receiver.url}/second-repaired`);
    await page.getByRole('button', { name: 'Save changes' }).click();
    // Sent without its id, the repaired channel would take the removed one's place (ch_1) and its queued deliveries.
    await expect
      .poll(async () => (await h.request('GET', `/v1/organizations/webhooks/${id}`, { key })).body.channels)
      .toEqual([{ channel_id: 'ch_2', channel: 'webhook', configs: { url: `${receiver.url}/second-repaired`, headers: {}, timeout: 10 } }]);
  });

  it('works at a phone width, and signing out forgets the key', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${h.url}/console/#/webhooks`);
    await expect.poll(() => page.getByRole('link', { name: 'Orders feed' }).isVisible()).toBe(true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('webhooks-phone');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByLabel('API key').isVisible()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('hookledger.apiKey'))).toBeNull();
  });
});
