// @vitest-environment node
/**
 * `presence-widgets/elements` from the packed tarball on a static HTML page (elements-page/):
 * no React installed, no bundler, one `<script type="module">`, served with the strict CSP of
 * test/e2e/csp.test.ts and the emulator mounted at the path an app backend would use. Checked in
 * Chromium: live badges and avatar, one engine for the page (one read per user however many
 * elements show them), the picker setting presence, no CSP violation or console error, and axe.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMockPod, DEFAULT_SESSION_TOKEN } from '../../src/mock-pod';
import { createMockPodMiddleware } from '../../src/mock-pod/node';
import { PRESENCE_CATEGORIES, getCategoryInfo, type PresenceCategory } from '../../src/model';
import { chromiumLaunchOptions } from '../support/chromium';
import { waitUntil } from '../support/waitUntil';
import { installApp } from './installApp';
import { watchPage } from './watchPage';

const STRICT_CSP = "default-src 'self'; style-src 'self'; script-src 'self'";
const INTERNAL = '12987981103236';
const EXTERNAL = '13056700582186';
const AXE = resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js');
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

const pod = createMockPod({ churn: false });
const reports: string[] = [];
let server: Server | undefined;
let browser: Browser | undefined;
let base = '';
let app = '';

beforeAll(async () => {
  app = await installApp(
    { name: 'static', fixture: resolve(import.meta.dirname, 'elements-page'), dependencies: {}, withoutPeers: true },
    inject('tarball'),
  );
  const podMiddleware = createMockPodMiddleware(pod, { basePath: '/api/symphony/pod', sessionToken: DEFAULT_SESSION_TOKEN });
  server = createServer((req, res) => {
    res.setHeader('Content-Security-Policy', `${STRICT_CSP}; report-uri /csp-report`);
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/csp-report') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        reports.push(body);
        res.writeHead(204).end();
      });
      return;
    }
    podMiddleware(req, res, () => {
      const file = path === '/axe.js' ? AXE : join(app, normalize(path === '/' ? '/index.html' : path));
      if (file !== AXE && !file.startsWith(app + sep)) return void res.writeHead(403).end();
      readFile(file).then(
        (data) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(data),
        () => res.writeHead(404).end(),
      );
    });
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch(chromiumLaunchOptions());
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
});

declare global {
  interface Window {
    __violations?: string[];
    axe?: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> };
  }
}

async function open(): Promise<{ page: Page; watch: ReturnType<typeof watchPage> }> {
  const page = await browser!.newPage();
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations!.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  const watch = watchPage(page);
  await page.goto(`${base}/`);
  return { page, watch };
}

const attr = (page: Page, selector: string, name: string) => page.locator(selector).getAttribute(name);

describe('custom elements on a static page, strict CSP', () => {
  it('needs no React: the app has only presence-widgets installed', async () => {
    await expect(readFile(join(app, 'node_modules/react/package.json'))).rejects.toThrow();
  });

  it('shows live presence from one engine, sets it with the picker, without a violation', async () => {
    const { page, watch } = await open();
    await waitUntil('badges ready', 30_000, async () => (await attr(page, '#internal .pw-badge', 'data-status')) === 'ready');
    const internal = pod.getUser(INTERNAL)!.category as PresenceCategory;
    expect(await attr(page, '#internal .pw-badge', 'data-category')).toBe(internal);
    await expect(page.locator('#internal').innerText()).resolves.toBe(getCategoryInfo(internal).label);
    expect(await attr(page, '#again .pw-badge', 'data-category')).toBe(internal);
    expect(await page.locator('#avatar [role=img]').getAttribute('aria-label')).toBe(`Wei Murphy, ${getCategoryInfo(internal).label}`);
    await expect(page.locator('#fixed').innerText()).resolves.toBe('Away');

    // The external user: registered, then read once.
    await waitUntil('external ready', 30_000, async () => (await attr(page, '#external .pw-badge', 'data-status')) === 'ready');
    expect(PRESENCE_CATEGORIES).toContain(await attr(page, '#external .pw-badge', 'data-category'));
    expect(pod.registrations(EXTERNAL).length).toBeGreaterThan(0);
    // Three elements show Wei Murphy; the page's one engine read them once.
    expect(pod.reads(INTERNAL)).toHaveLength(1);
    expect(pod.reads(EXTERNAL)).toHaveLength(1);

    // The picker, by keyboard: open, pick Busy by typing, confirm.
    const trigger = page.locator('#picker button[role=combobox]');
    await waitUntil('picker ready', 15_000, async () => (await trigger.getAttribute('data-category')) !== null);
    await trigger.focus();
    await page.keyboard.press('ArrowDown');
    expect(await trigger.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    const active = await trigger.getAttribute('aria-activedescendant');
    const chosen = (await page.locator(`#${active}`).getAttribute('data-category')) as PresenceCategory;
    await page.keyboard.press('Enter');
    await waitUntil(`${chosen} in the pod`, 15_000, () => pod.getUser(pod.defaultUserId)!.chosenCategory === chosen);
    expect(await trigger.getAttribute('data-category')).toBe(chosen);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('combobox');

    expect(await page.evaluate(() => window.__violations)).toEqual([]);
    expect(reports).toEqual([]);
    expect(watch.problems()).toEqual([]);

    // Control: the same listener does see a violation when there is one.
    await page.evaluate(() => document.body.setAttribute('style', 'color: red'));
    await waitUntil('control violation', 5_000, async () => ((await page.evaluate(() => window.__violations!.length)) > 0));
    await page.close();
  });

  it('passes axe (WCAG 2 A and AA), with the picker open too', async () => {
    const { page } = await open();
    await waitUntil('badges ready', 30_000, async () => (await attr(page, '#internal .pw-badge', 'data-status')) === 'ready');
    // Same-origin file, so the strict CSP allows it.
    await page.addScriptTag({ url: '/axe.js' });
    const run = () =>
      page.evaluate(async () => {
        const result = await window.axe!.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
      });
    expect(await run()).toEqual([]);
    if (process.env.PW_SCREENSHOT_DIR) await page.screenshot({ path: join(process.env.PW_SCREENSHOT_DIR, 'elements-page-closed.png') });
    await page.locator('#picker button[role=combobox]').click();
    expect(await page.locator('#picker [role=listbox]').isVisible()).toBe(true);
    // The list opens right under its button, from the built stylesheet, and the page stays put
    // (the list was once placed against the page: full width at its bottom, scrolling it).
    const box = await page.evaluate(() => {
      const rect = (selector: string) => document.querySelector(selector)!.getBoundingClientRect().toJSON() as DOMRect;
      return { trigger: rect('#picker [role=combobox]'), list: rect('#picker [role=listbox]'), width: innerWidth, scrollY };
    });
    expect(box.list.top - box.trigger.bottom).toBeGreaterThanOrEqual(0);
    expect(box.list.top - box.trigger.bottom).toBeLessThanOrEqual(6);
    expect(Math.min(Math.abs(box.list.left - box.trigger.left), Math.abs(box.list.right - box.trigger.right))).toBeLessThanOrEqual(1);
    expect(box.list.width).toBeLessThan(box.width / 2);
    expect(box.scrollY).toBe(0);
    expect(await run()).toEqual([]);
    if (process.env.PW_SCREENSHOT_DIR) await page.screenshot({ path: join(process.env.PW_SCREENSHOT_DIR, 'elements-page.png') });
    await page.close();
  });
});
