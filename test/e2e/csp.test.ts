// @vitest-environment node
/**
 * Issue 7, "Strict CSP": the widgets work in a production build served with
 * `Content-Security-Policy: default-src 'self'; style-src 'self'; script-src 'self'` and cause
 * no violation. The fixture app (csp-app/) is built with Vite in production mode, served by a
 * plain node:http server that also mounts the mock pod at the same-origin path an app backend
 * would use (adding the session token server side), and driven in real Chromium.
 *
 * A violation is looked for four ways: `securitypolicyviolation` events (seen by a listener the
 * page installs and by one Playwright injects before any page script), `report-uri` reports
 * POSTed to the server, Chromium's console, and computed styles (a blocked stylesheet raises no
 * error in the page, but the widgets then lose their size and colours). The negative controls
 * at the end prove that each of those detectors fires, so a clean run means something.
 *
 * The tests run in order and share the build, the server and the browser; the last one relies
 * on the reports the negative controls caused.
 */
import { chromiumLaunchOptions } from '../support/chromium';
import { waitUntil } from '../support/waitUntil';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockPod, DEFAULT_SESSION_TOKEN, type MockPod } from '../../src/mock-pod';
import { createMockPodMiddleware } from '../../src/mock-pod/node';
import { settableCategories, type PresenceCategory, type UserId } from '../../src/model';
import type { CspViolation } from './csp-app/cspProbe';

const APP_ROOT = fileURLToPath(new URL('./csp-app/', import.meta.url));
const POD_PATH = '/api/symphony/pod';
const REPORT_PATH = '/csp-report';
/** The policy under test, exactly as issue 7 states it. */
const STRICT_CSP = "default-src 'self'; style-src 'self'; script-src 'self'";
/** Served per page with `?csp=<name>`; every variant reports to REPORT_PATH. */
const POLICIES = {
  strict: STRICT_CSP,
  // Control: the same policy, but stylesheets are refused too.
  'no-styles': "default-src 'self'; style-src 'none'; script-src 'self'",
} as const;
type PolicyName = keyof typeof POLICIES;
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** One `report-uri` report, as Chromium POSTs it (`application/csp-report`). */
interface CspReport {
  documentUri: string;
  effectiveDirective: string;
  blockedUri: string;
}

/** Everything one page said about itself. */
interface PageLog {
  page: Page;
  context: BrowserContext;
  tag: string;
  console: Array<{ type: string; text: string }>;
  pageErrors: string[];
  failedRequests: string[];
}

declare global {
  interface Window {
    /** Violations seen by the listener Playwright installs before any page script runs. */
    __cspEarly?: Array<{ effectiveDirective: string; blockedURI: string }>;
  }
}


function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

function parseReport(text: string): CspReport {
  const body = JSON.parse(text) as { 'csp-report'?: Record<string, unknown> };
  const r = body['csp-report'] ?? {};
  const str = (key: string) => (typeof r[key] === 'string' ? (r[key] as string) : '');
  return { documentUri: str('document-uri'), effectiveDirective: str('effective-directive'), blockedUri: str('blocked-uri') };
}

let outDir: string;
let pod: MockPod;
let server: Server | undefined;
let baseUrl: string;
let browser: Browser | undefined;
const contexts = new Set<BrowserContext>();
const reports: CspReport[] = [];
/** Pod requests that arrived from the browser with a session token of their own. */
let podRequestsWithToken = 0;
let podRequests = 0;
let colleagues: UserId[];
let buildMs = 0;

/** Serves the build with the CSP header, the pod under POD_PATH and the report sink. */
function handle(req: IncomingMessage, res: ServerResponse, podMiddleware: ReturnType<typeof createMockPodMiddleware>): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const policy = POLICIES[(url.searchParams.get('csp') ?? 'strict') as PolicyName] ?? STRICT_CSP;
  // On every response, as helmet and most servers do; only documents are governed by it.
  res.setHeader('Content-Security-Policy', `${policy}; report-uri ${REPORT_PATH}`);

  if (url.pathname === REPORT_PATH && req.method === 'POST') {
    readBody(req)
      .then((text) => {
        reports.push(parseReport(text));
        res.writeHead(204).end();
      })
      .catch(() => res.writeHead(400).end());
    return;
  }
  if (url.pathname === POD_PATH || url.pathname.startsWith(`${POD_PATH}/`)) {
    podRequests += 1;
    if (req.headers.sessiontoken !== undefined) podRequestsWithToken += 1;
    // What an app backend does: the browser never sees the token.
    req.headers.sessiontoken = DEFAULT_SESSION_TOKEN;
    podMiddleware(req, res);
    return;
  }
  const file = resolve(outDir, `.${url.pathname === '/' ? '/index.html' : decodeURIComponent(url.pathname)}`);
  if (!file.startsWith(`${outDir}${sep}`) || req.method !== 'GET') {
    res.writeHead(404).end();
    return;
  }
  readFile(file)
    .then((content) => {
      res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(content);
    })
    .catch(() => res.writeHead(404).end());
}

/** Opens the fixture in a fresh context (no cross-tab sharing between pages), recording everything it logs. */
async function openPage(tag: string, policy: PolicyName = 'strict'): Promise<PageLog> {
  const context = await browser!.newContext({ colorScheme: 'light' });
  contexts.add(context);
  // Injected through CDP, which CSP does not govern: catches violations before the app's own listener exists.
  await context.addInitScript(() => {
    const early: Array<{ effectiveDirective: string; blockedURI: string }> = [];
    window.__cspEarly = early;
    document.addEventListener(
      'securitypolicyviolation',
      (e) => early.push({ effectiveDirective: e.effectiveDirective, blockedURI: e.blockedURI }),
      true,
    );
  });
  const page = await context.newPage();
  const log: PageLog = { page, context, tag, console: [], pageErrors: [], failedRequests: [] };
  page.on('console', (msg) => log.console.push({ type: msg.type(), text: msg.text() }));
  page.on('pageerror', (error) => log.pageErrors.push(error.message));
  page.on('requestfailed', (request) => log.failedRequests.push(`${request.url()}: ${request.failure()?.errorText ?? '?'}`));
  const query = new URLSearchParams({ tag, ids: colleagues.join(','), csp: policy });
  await page.goto(`${baseUrl}/?${query}`);
  return log;
}

async function closePage(log: PageLog): Promise<void> {
  contexts.delete(log.context);
  await log.context.close();
}

/** The page's own listener's record; a missing probe must fail, not read as "no violation". */
async function violationsIn(page: Page): Promise<CspViolation[]> {
  const found = await page.evaluate(() => window.__csp?.violations ?? null);
  if (!found) throw new Error('the page did not install its violation listener (window.__csp)');
  return found;
}

async function earlyViolationsIn(page: Page): Promise<Array<{ effectiveDirective: string; blockedURI: string }>> {
  const found = await page.evaluate(() => window.__cspEarly ?? null);
  if (!found) throw new Error('the init script did not run (window.__cspEarly)');
  return found;
}
const reportsFor = (tag: string) => reports.filter((r) => new URL(r.documentUri, baseUrl).searchParams.get('tag') === tag);
const mentionsCsp = (text: string) => /content security policy/i.test(text);

/**
 * Computed styles that only presence-widgets.css produces; with the stylesheet missing or
 * blocked, every entry differs (an SVG without CSS size is 300x150, for one).
 */
function readStyles(page: Page) {
  return page.evaluate(() => {
    const one = (selector: string) => {
      const el = document.querySelector(selector);
      if (!el) throw new Error(`no ${selector}`);
      return el;
    };
    const badge = one('[data-testid="static-AVAILABLE"]');
    const icon = one('[data-testid="static-AVAILABLE"] svg.pw-icon');
    const disc = one('[data-testid="static-AVAILABLE"] svg.pw-icon circle');
    const avatar = one('[data-testid="static-avatar"]');
    const initials = one('[data-testid="static-avatar"] .pw-avatar__initials');
    const size = (el: Element) => {
      const r = el.getBoundingClientRect();
      return `${r.width}x${r.height}`;
    };
    return {
      badgeDisplay: getComputedStyle(badge).display,
      iconSize: size(icon),
      tone: getComputedStyle(badge).getPropertyValue('--pw-tone').trim(),
      iconColor: getComputedStyle(icon).color,
      discFill: getComputedStyle(disc).fill,
      avatarSize: size(avatar),
      initialsBackground: getComputedStyle(initials).backgroundColor,
    };
  });
}

/** What the light theme of the stylesheet gives the probed elements. */
const STYLED = {
  badgeDisplay: 'inline-flex',
  iconSize: '16x16',
  tone: '#1f8a3b',
  iconColor: 'rgb(31, 138, 59)',
  discFill: 'rgb(31, 138, 59)',
  avatarSize: '64x64',
  initialsBackground: 'rgb(228, 231, 235)',
};

/** Waits until the live widgets show what the pod holds. */
async function waitForLiveData(page: Page): Promise<void> {
  for (const id of colleagues) {
    const expected = pod.getUser(id)!.category;
    await page.waitForSelector(`[data-testid="badge-${id}"][data-status="ready"][data-category="${expected}"]`, { timeout: 15_000 });
  }
  const own = pod.getUser(pod.defaultUserId)!.category;
  await page.waitForSelector(`[data-testid="own-badge"][data-status="ready"][data-category="${own}"]`, { timeout: 15_000 });
  await page.waitForSelector(`[data-testid="picker"][data-category="${own}"]`, { timeout: 15_000 });
}

beforeAll(async () => {
  pod = createMockPod({ seed: 7, churn: false });
  colleagues = pod.users
    .filter((u) => u.tenantId === pod.homeTenantId && u.id !== pod.defaultUserId)
    .slice(0, 3)
    .map((u) => u.id);
  const shown: PresenceCategory[] = ['BUSY', 'IN_A_MEETING', 'OUT_OF_OFFICE'];
  colleagues.forEach((id, i) => pod.setUserPresence(id, shown[i]!));
  pod.setUserPresence(pod.defaultUserId, 'AVAILABLE');

  outDir = await mkdtemp(join(tmpdir(), 'pw-csp-build-'));
  const started = Date.now();
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build; a
  // CSP test is about what ships, so build exactly as `vite build` does.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: APP_ROOT,
      configFile: false,
      logLevel: 'warn',
      mode: 'production',
      plugins: [react()],
      build: {
        outDir,
        emptyOutDir: true,
        // Everything as a file: `default-src 'self'` refuses data: URIs for images and fonts.
        assetsInlineLimit: 0,
        cssCodeSplit: false,
        // The modulepreload polyfill stays on (Vite's default): it is bundled into the entry
        // chunk, not an inline script, so a default build must pass too.
      },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  buildMs = Date.now() - started;

  const podMiddleware = createMockPodMiddleware(pod, { basePath: POD_PATH });
  server = createServer((req, res) => handle(req, res, podMiddleware));
  await new Promise<void>((done, fail) => {
    server!.once('error', fail);
    server!.listen(0, '127.0.0.1', () => done());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch(chromiumLaunchOptions());
}, 60_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  if (server) {
    const s = server;
    await new Promise<void>((done) => {
      s.close(() => done());
      s.closeAllConnections();
    });
  }
  if (outDir) await rm(outDir, { recursive: true, force: true });
}, 30_000);

describe('widgets under a strict Content-Security-Policy', () => {
  it('ships a production build with no inline script, inline style or data: URI', async () => {
    const html = await readFile(join(outDir, 'index.html'), 'utf8');
    const assets = await readdir(join(outDir, 'assets'));
    const css = await Promise.all(assets.filter((f) => f.endsWith('.css')).map((f) => readFile(join(outDir, 'assets', f), 'utf8')));
    const js = assets.filter((f) => f.endsWith('.js'));

    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/[^"]+\.js"><\/script>/);
    expect(html).toMatch(/<link rel="stylesheet" crossorigin href="\/assets\/[^"]+\.css">/);
    expect(html.match(/<script\b(?![^>]*\bsrc=)[^>]*>/g) ?? []).toEqual([]);
    expect(html).not.toMatch(/<style\b|\sstyle=/i);
    expect(css).toHaveLength(1);
    expect(js).toHaveLength(1);
    for (const text of [html, ...css]) expect(text).not.toMatch(/data:/);
    // The React development build would carry its warnings; the production one does not.
    const bundle = await readFile(join(outDir, 'assets', js[0]!), 'utf8');
    expect(bundle).not.toMatch(/validateDOMNesting|react-stack-bottom-frame/);
    expect((await stat(join(outDir, 'avatar.svg'))).isFile()).toBe(true);
    expect(buildMs).toBeGreaterThan(0);
  });

  it('renders live data, sets a status through the same-origin pod and raises no violation', async () => {
    const log = await openPage('clean');
    const { page } = log;
    await waitForLiveData(page);

    // The picture came from the same origin; had it been refused, the avatar would show initials.
    const image = page.locator('[data-testid="avatar-image"] img.pw-avatar__image');
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    expect(await image.evaluate((img) => img.getBoundingClientRect().width)).toBe(48);
    expect(await page.locator('[data-testid="avatar-initials"] .pw-avatar__initials').textContent()).toBe('AT');

    // The roster's virtual rows got their positions (set through the CSS object model): each row
    // sits below the one before, none left at the top.
    const rowTops = await page
      .locator('[data-testid="roster"] [role="row"]')
      .evaluateAll((rows) => rows.map((r) => Math.round(r.getBoundingClientRect().top)));
    expect(rowTops.length).toBeGreaterThan(1);
    expect(rowTops).toEqual([...rowTops].sort((a, b) => a - b));
    expect(new Set(rowTops).size).toBe(rowTops.length);

    // Open with a click, move with the keyboard, choose with Enter.
    const options = settableCategories();
    const from = options.indexOf('AVAILABLE');
    const target = options[from + 2]!;
    const trigger = page.getByTestId('picker');
    await trigger.click();
    await expect.poll(() => trigger.getAttribute('aria-expanded')).toBe('true');
    const listbox = page.locator('.pw-listbox');
    expect(await listbox.evaluate((el) => [getComputedStyle(el).display, getComputedStyle(el).position])).toEqual(['flex', 'absolute']);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const activeId = await trigger.getAttribute('aria-activedescendant');
    expect(await page.locator(`[id="${activeId}"]`).getAttribute('data-category')).toBe(target);
    await page.keyboard.press('Enter');

    await page.waitForSelector(`[data-testid="own-badge"][data-status="ready"][data-category="${target}"]`, { timeout: 10_000 });
    await waitUntil('the pod to store the new status', 10_000, () => pod.getUser(pod.defaultUserId)!.chosenCategory === target);
    expect(await trigger.getAttribute('data-category')).toBe(target);
    expect(await trigger.getAttribute('aria-expanded')).toBe('false');
    expect(await listbox.isHidden()).toBe(true);
    const writes = pod.ledger.filter((e) => e.route === 'setOwn');
    expect(writes.map((e) => e.status)).toEqual([200]);

    // The stylesheet applied, with the values of its light theme.
    expect(await readStyles(page)).toEqual(STYLED);

    // Every request reached the pod without a token from the browser, and none failed.
    expect(podRequests).toBeGreaterThanOrEqual(colleagues.length + 2);
    expect(podRequestsWithToken).toBe(0);
    expect(pod.ledger.filter((e) => e.status >= 400).map((e) => `${e.status} ${e.url}`)).toEqual([]);

    expect(await violationsIn(page)).toEqual([]);
    expect(await earlyViolationsIn(page)).toEqual([]);
    expect(reportsFor('clean')).toEqual([]);
    expect(log.console.filter((m) => mentionsCsp(m.text))).toEqual([]);
    expect(log.console.filter((m) => m.type === 'error')).toEqual([]);
    expect(log.pageErrors).toEqual([]);
    expect(log.failedRequests).toEqual([]);
    await closePage(log);
  });

  // Negative controls: each detector used above must see a real violation.
  it.each([
    { name: 'a style attribute', html: '<div data-probe style="color: rgb(255, 0, 0)">x</div>', directive: 'style-src-attr' },
    { name: 'a <style> element', html: '<style>[data-probe] { color: rgb(255, 0, 0) }</style><div data-probe>x</div>', directive: 'style-src-elem' },
    { name: 'an inline event handler', html: '<img data-probe src="/favicon.svg" onload="document.body.dataset.ran = 1">', directive: 'script-src-attr' },
    { name: 'a data: image', html: '<img data-probe src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">', directive: 'img-src' },
  ])('detects $name injected into the page ($directive)', async ({ html, directive }) => {
    const tag = `inject-${directive}`;
    const log = await openPage(tag);
    const { page } = log;
    await page.waitForSelector('[data-testid="static-AVAILABLE"]');
    await page.evaluate((markup) => document.body.insertAdjacentHTML('beforeend', markup), html);

    const seen = await waitUntil(`a ${directive} violation event`, 5000, async () => {
      const found = (await violationsIn(page)).filter((v) => v.effectiveDirective === directive);
      return found.length > 0 && found;
    });
    expect(seen[0]!.disposition).toBe('enforce');
    expect((await earlyViolationsIn(page)).map((v) => v.effectiveDirective)).toContain(directive);
    const reported = await waitUntil(`a ${directive} report`, 5000, () => {
      const found = reportsFor(tag).filter((r) => r.effectiveDirective === directive);
      return found.length > 0 && found;
    });
    expect(reported).toHaveLength(1);
    await waitUntil('a console message about the policy', 5000, () => log.console.some((m) => mentionsCsp(m.text)));

    // And the policy was enforced, not just reported.
    const effect = await page.evaluate(() => ({
      color: getComputedStyle(document.querySelector('div[data-probe]') ?? document.body).color,
      ran: document.body.dataset.ran,
    }));
    expect(effect.color).not.toBe('rgb(255, 0, 0)');
    expect(effect.ran).toBeUndefined();
    await closePage(log);
  });

  it('fails the style checks when the policy blocks the stylesheet', async () => {
    const log = await openPage('no-styles', 'no-styles');
    const { page } = log;
    await page.waitForSelector('[data-testid="static-AVAILABLE"]');
    const styles = await readStyles(page);
    for (const key of Object.keys(STYLED) as Array<keyof typeof STYLED>) {
      expect(styles[key], key).not.toBe(STYLED[key]);
    }
    const blocked = await waitUntil('the stylesheet to be reported', 5000, () => {
      const found = reportsFor('no-styles').filter((r) => r.effectiveDirective === 'style-src-elem');
      return found.length > 0 && found;
    });
    expect(blocked[0]!.blockedUri).toMatch(/\/assets\/[^/]+\.css$/);
    await closePage(log);
  });

  it('still has no report about the clean page, now that reports demonstrably arrive', () => {
    expect(reports.length).toBeGreaterThanOrEqual(5);
    expect(reportsFor('clean')).toEqual([]);
  });
});
