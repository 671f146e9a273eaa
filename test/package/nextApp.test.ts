// @vitest-environment node
/**
 * Next.js App Router from the packed tarball (issue 14): a production build of a minimal app
 * (next-app/) whose page is a server component rendering a presentational badge, and, inside a
 * small client provider, the picker and live badges; the presence proxy is mounted as a route
 * handler in front of the pod emulator. Checked: the widgets are in the server HTML, the page
 * hydrates in Chromium with no warning, and presence is read and set through the route.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMockPod, DEFAULT_SESSION_TOKEN } from '../../src/mock-pod';
import { startMockPodServer, type MockPodServer } from '../../src/mock-pod/node';
import { chromiumLaunchOptions } from '../support/chromium';
import { waitUntil } from '../support/waitUntil';
import { installApp } from './installApp';
import { freePort, startServer, type StartedServer } from './startServer';
import { watchPage } from './watchPage';

const run = promisify(execFile);
const INTERNAL = '12987981103236';

const pod = createMockPod({ churn: false });
let podServer: MockPodServer | undefined;
let next: StartedServer | undefined;
let browser: Browser | undefined;
let buildLog = '';

beforeAll(async () => {
  const app = await installApp(
    {
      name: 'next',
      fixture: resolve(import.meta.dirname, 'next-app'),
      dependencies: { '@tanstack/react-query': '5.108.0', next: '16.4.6', react: '19.3.1', 'react-dom': '19.3.1' },
    },
    inject('tarball'),
  );
  const nextBin = join(app, 'node_modules/next/dist/bin/next');
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
  const built = await run(process.execPath, [nextBin, 'build'], { cwd: app, env, maxBuffer: 16 * 1024 * 1024 });
  buildLog = `${built.stdout}\n${built.stderr}`;
  podServer = await startMockPodServer(pod);
  const port = await freePort();
  next = await startServer(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: app,
    url: `http://127.0.0.1:${port}/api/symphony/pod/v2/user/presence`,
    env: { NODE_ENV: 'production', POD_URL: podServer.url, POD_SESSION_TOKEN: DEFAULT_SESSION_TOKEN },
  });
  browser = await chromium.launch(chromiumLaunchOptions());
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await next?.stop();
  await podServer?.close();
});

const origin = () => new URL(next!.url).origin;

describe('Next.js App Router, production build', () => {
  it('builds with the widgets imported from a server component', () => {
    expect(buildLog).toMatch(/Compiled successfully/);
    expect(buildLog).not.toMatch(/createContext only works in Client Components|Error:/);
  });

  it('renders the badges and the picker into the server HTML', async () => {
    const html = await (await fetch(`${origin()}/`)).text();
    // Model helpers ran on the server.
    expect(html).toContain('<p id="server-label">Be right back</p>');
    // Presentational badge, complete in the HTML.
    expect(html).toMatch(/<span[^>]*data-category="BUSY"[^>]*id="static-badge"[^>]*>.*?<span class="pw-badge__label">Busy<\/span>/s);
    // Picker and live badges, in their loading state until the browser reads presence.
    expect(html).toMatch(/<button[^>]*role="combobox"[^>]*aria-label="Change status"[^>]*id="picker"/);
    expect(html).toMatch(/<span[^>]*data-status="loading"[^>]*id="live-badge"/);
    expect(html).toContain('pw-badge__label">Loading status</span>');
  });

  it('hydrates without a warning, reads presence and sets it through the proxy route', async () => {
    const page = await browser!.newPage();
    const watch = watchPage(page);
    await page.goto(`${origin()}/`);

    // Read: the live badge shows the pod's value for that user, through /api/symphony/pod.
    const live = page.locator('#live-badge');
    await waitUntil('live badge ready', 30_000, async () => (await live.getAttribute('data-status')) === 'ready');
    expect(await live.getAttribute('data-category')).toBe(pod.getUser(INTERNAL)!.category);
    await waitUntil('own badge ready', 30_000, async () => (await page.locator('#self-badge').getAttribute('data-status')) === 'ready');

    // Set: the picker writes the requesting user's presence into the pod behind the route.
    const before = pod.ledger.length;
    await page.locator('#picker').click();
    await page.getByRole('option', { name: /^Away/ }).click();
    await waitUntil('AWAY in the pod', 15_000, () => pod.getUser(pod.defaultUserId)!.chosenCategory === 'AWAY');
    await waitUntil('own badge shows it', 15_000, async () => (await page.locator('#self-badge').getAttribute('data-category')) === 'AWAY');
    const sets = pod.ledger.slice(before).filter((e) => e.route === 'setOwn');
    expect(sets.length).toBeGreaterThan(0);

    // Hydration warnings reach the console as errors; none, and no other warning either.
    expect(watch.problems()).toEqual([]);
    await page.close();
  });
});
