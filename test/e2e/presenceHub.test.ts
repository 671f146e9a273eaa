// @vitest-environment node
/**
 * The browser side of the presence hub in real Chromium: two tabs of a page that uses the
 * library's `PresenceProvider` and `PresenceBadge` with `source={createHubSource(...)}`, a real
 * hub (`createPresenceHub` behind `toNodeListener`, same origin as the page) and the emulator
 * over HTTP. One stream serves both tabs, changes are pushed, no user is polled through the
 * client; when the hub goes away the page polls through the client instead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockPod, type MockPod } from '../../src/mock-pod';
import { startMockPodServer, type MockPodServer } from '../../src/mock-pod/node';
import type { UserId } from '../../src/model';
import { createPresenceHub, toNodeListener, type PresenceHub } from '../../src/server';
import { chromiumLaunchOptions } from '../support/chromium';

const APP_ROOT = fileURLToPath(new URL('./hub-app/', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

let pod: MockPod;
let podServer: MockPodServer | undefined;
let hub: PresenceHub | undefined;
let hubUp = true;
let vite: ViteDevServer | undefined;
let viteCacheDir: string | undefined;
let browser: Browser | undefined;
let shown: UserId[];
const tabs: Page[] = [];
const pageErrors: string[] = [];

const categoryIn = (page: Page, id: string) => page.locator(`[data-user="${id}"]`).getAttribute('data-category');
const clientReads = (page: Page) => page.evaluate(() => window.__hub?.clientReads ?? -1);

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

describe('presence hub in Chromium: PresenceProvider with a hub source', () => {
  beforeAll(async () => {
    pod = createMockPod({ churn: false });
    podServer = await startMockPodServer(pod);
    const token = pod.createSession({ userId: pod.defaultUserId });
    hub = createPresenceHub({
      podUrl: podServer.url,
      // The page's bearer header stands for the app's user JWT or session.
      getSessionToken: (request) => (request.headers.get('authorization') === 'Bearer e2e-page' ? token : null),
      intervalMs: 2000,
    });
    const listener = toNodeListener(hub.handle);
    const home = pod.users.filter((u) => u.tenantId === pod.homeTenantId && u.id !== pod.defaultUserId).map((u) => u.id);
    const external = pod.users.find((u) => u.tenantId !== pod.homeTenantId && pod.isConnected(pod.defaultUserId, u.id))!.id;
    shown = [...home.slice(0, 5), external];
    viteCacheDir = await mkdtemp(join(tmpdir(), 'pw-hub-vite-'));
    vite = await createServer({
      root: APP_ROOT,
      configFile: false,
      logLevel: 'error',
      cacheDir: viteCacheDir,
      plugins: [
        react(),
        {
          name: 'presence-hub',
          configureServer(server) {
            server.middlewares.use((req, res, next) => {
              if (!req.url?.startsWith('/api/presence-hub/')) return next();
              if (!hubUp) {
                res.writeHead(503, { 'content-type': 'application/json' });
                res.end('{"code":503,"message":"hub down"}');
                return;
              }
              listener(req, res);
            });
          },
        },
      ],
      server: { host: '127.0.0.1', port: 0, hmr: false, watch: null, fs: { allow: [REPO_ROOT] } },
    });
    await vite.listen();
    const base = vite.resolvedUrls?.local[0];
    if (!base) throw new Error('vite dev server has no local URL');
    browser = await chromium.launch(chromiumLaunchOptions());
    const context = await browser.newContext();
    const url = `${base}?pod=${encodeURIComponent(podServer.url)}&ids=${shown.join(',')}&channel=hub-e2e-${Date.now()}`;
    for (let i = 0; i < 2; i++) {
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(url);
      tabs.push(page);
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await vite?.close();
    await hub?.close();
    await podServer?.close();
    if (viteCacheDir) await rm(viteCacheDir, { recursive: true, force: true });
  });

  it('shows every user in both tabs through one stream, and pushes a change without polling', async () => {
    await waitFor(async () => {
      for (const page of tabs) for (const id of shown) if (!(await categoryIn(page, id))) return false;
      return true;
    }, 60_000);
    expect(hub!.stats().streams).toBe(1);
    const target = shown[1]!;
    const before = pod.getUser(target)!.category;
    const next = before === 'IN_A_MEETING' ? 'ON_THE_PHONE' : 'IN_A_MEETING';
    pod.setUserPresence(target, next);
    await waitFor(async () => (await Promise.all(tabs.map((p) => categoryIn(p, target)))).every((c) => c?.toUpperCase().replace(/-/g, '_') === next || c === next.toLowerCase()), 20_000);
    for (const page of tabs) expect(await clientReads(page)).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('falls back to polling through the client when the hub goes away', async () => {
    hubUp = false;
    await hub!.close();
    const target = shown[3]!;
    const next = pod.getUser(target)!.category === 'AWAY' ? 'BUSY' : 'AWAY';
    pod.setUserPresence(target, next);
    // The stream ends, reconnecting fails twice, and the engine polls at its 10 s interval.
    await waitFor(async () => {
      const categories = await Promise.all(tabs.map((p) => categoryIn(p, target)));
      return categories.every((c) => c?.toUpperCase() === next);
    }, 45_000).catch(async (error: unknown) => {
      const seen = await Promise.all(tabs.map((p) => p.evaluate(() => window.__hub)));
      const categories = await Promise.all(tabs.map((p) => categoryIn(p, target)));
      throw new Error(`${String(error)}: tabs saw ${JSON.stringify(seen)}, show ${JSON.stringify(categories)}, want ${next}`);
    });
    const reads = await Promise.all(tabs.map(clientReads));
    // One tab leads and polls for both.
    expect(reads.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
