// @vitest-environment node
/**
 * Real Chromium tabs of one origin share one poller (BroadcastChannel + Web Locks) against the
 * emulator served over HTTP. The clock is real: 10 s is the engine's floor for the internal
 * interval, so the whole file takes about 40 s. The tests run in order and share the tabs:
 * steady state, then the leader's tab closes, then a leader freezes and has its lock stolen.
 */
import { chromiumLaunchOptions } from '../support/chromium';
import { sleep, waitUntil } from '../support/waitUntil';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockPod, type MockPod } from '../../src/mock-pod';
import { startMockPodServer, type MockPodServer } from '../../src/mock-pod/node';
import type { UserId } from '../../src/model';
import type { ProbeStats } from './multitab-app/probe';

const APP_ROOT = fileURLToPath(new URL('./multitab-app/', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HEARTBEAT_MS = 500;
/** The coordinator's default number of missed beats before a follower steals the lock. */
const MISSED_BEATS = 3;
const INTERNAL_INTERVAL_MS = 10_000;
/** Send time (browser) and receipt time (pod) differ by the request's latency. */
const JITTER_MS = 500;


let pod: MockPod;
let podServer: MockPodServer | undefined;
let vite: ViteDevServer | undefined;
let viteCacheDir: string | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let appUrl: string;
let internal: UserId[];
let external: UserId[];
let shown: UserId[];
/** Open tabs, oldest first; closed tabs are removed. */
const tabs: Page[] = [];
const pageErrors: string[] = [];
let startedAt: number;

async function openTab(): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(appUrl);
  tabs.push(page);
  return page;
}

function showsEveryone(page: Page, timeoutMs: number) {
  return page.waitForFunction((ids) => ids.every((id) => window.__pw?.state(id).category !== undefined), shown, {
    timeout: timeoutMs,
    polling: 100,
  });
}

const isLeader = (page: Page) => page.evaluate(() => window.__pw?.isLeader() ?? false);
const statsOf = (page: Page) => page.evaluate(() => window.__pw!.stats()) as Promise<ProbeStats>;
const categoryIn = (page: Page, id: UserId) => page.evaluate((u) => window.__pw?.state(u).category, id);

async function leadersAmong(pages: readonly Page[]): Promise<Page[]> {
  const flags = await Promise.all(pages.map(isLeader));
  return pages.filter((_, i) => flags[i]);
}

const readTimes = (id: UserId) => pod.reads(id).map((e) => e.time);
const externalReads = () => pod.reads().filter((e) => e.external);
/** True once every internal user has a read that the pod received after `since`. */
const everyInternalReadAfter = (since: number) => internal.every((id) => readTimes(id).some((t) => t > since));

/** Changes a user's presence on the pod and returns what their colleagues will see. */
function changePresence(id: UserId): string {
  const before = pod.getUser(id)!.category;
  pod.setUserPresence(id, before === 'BUSY' ? 'AVAILABLE' : 'BUSY');
  return pod.getUser(id)!.category;
}

/**
 * Everything in the ledger that breaks the one-poller contract: failures (429 above all),
 * external users read twice or without registered interest, internal users read sooner than
 * one interval after their previous read (what a second poller would cause).
 */
function ledgerProblems(): string[] {
  const problems: string[] = [];
  const at = (t: number) => `${t - startedAt} ms`;
  const registeredAt = new Map<UserId, number>();
  const lastRead = new Map<UserId, number>();
  for (const e of pod.ledger) {
    if (e.status >= 400) problems.push(`${e.status} for ${e.method} ${e.path} at ${at(e.time)}`);
    if (e.route === 'register' && e.status === 200) for (const id of e.userIds ?? []) registeredAt.set(id, e.time);
    if (e.route !== 'getUser' || !e.userId) continue;
    const previous = lastRead.get(e.userId);
    lastRead.set(e.userId, e.time);
    if (e.external) {
      if (!registeredAt.has(e.userId)) problems.push(`external ${e.userId} read without registration at ${at(e.time)}`);
      if (previous !== undefined) problems.push(`external ${e.userId} read again at ${at(e.time)}`);
    } else if (previous !== undefined && e.time - previous < INTERNAL_INTERVAL_MS - JITTER_MS) {
      problems.push(`internal ${e.userId} read ${e.time - previous} ms after its previous read, at ${at(e.time)}`);
    }
  }
  return problems;
}

beforeAll(async () => {
  pod = createMockPod({ seed: 7, churn: false });
  const colleagues = pod.users.filter((u) => u.tenantId === pod.homeTenantId && u.id !== pod.defaultUserId);
  const contacts = pod.users.filter((u) => u.tenantId !== pod.homeTenantId && pod.isConnected(pod.defaultUserId, u.id));
  internal = colleagues.slice(0, 4).map((u) => u.id);
  external = contacts.slice(0, 4).map((u) => u.id);
  shown = [...internal, ...external];
  podServer = await startMockPodServer(pod, { port: 0, host: '127.0.0.1', basePath: '/pod' });

  // A private cache folder: the dev servers of other test runs must not share our prebundle state.
  viteCacheDir = await mkdtemp(join(tmpdir(), 'pw-multitab-vite-'));
  vite = await createServer({
    configFile: false,
    root: APP_ROOT,
    cacheDir: viteCacheDir,
    logLevel: 'warn',
    clearScreen: false,
    // The app imports nothing from node_modules; skipping the dependency scan saves a second or two.
    optimizeDeps: { noDiscovery: true, include: [] },
    server: { host: '127.0.0.1', port: 0, hmr: false, watch: null, fs: { allow: [REPO_ROOT] } },
  });
  await vite.listen();
  const base = vite.resolvedUrls?.local[0];
  if (!base) throw new Error('vite dev server has no local URL');
  const query = new URLSearchParams({ pod: podServer.url, ids: shown.join(','), heartbeat: String(HEARTBEAT_MS), channel: 'e2e' });
  appUrl = `${base}?${query}`;

  browser = await chromium.launch(chromiumLaunchOptions());
  context = await browser.newContext();
  startedAt = Date.now();
  for (let i = 0; i < 3; i++) await openTab();
  // The first visit compiles the app; give it time on a busy 2-core machine.
  await Promise.all(tabs.map((tab) => showsEveryone(tab, 20_000)));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await vite?.close();
  await podServer?.close();
  if (viteCacheDir) await rm(viteCacheDir, { recursive: true, force: true });
}, 30_000);

describe('three Chromium tabs share one poller', () => {
  it('elects exactly one leader and every tab shows all 8 users with the same presence', async () => {
    expect(internal).toHaveLength(4);
    expect(external).toHaveLength(4);
    const leaders = await waitUntil('one leader', 5000, async () => {
      const found = await leadersAmong(tabs);
      return found.length === 1 && found;
    });
    expect(leaders).toHaveLength(1);
    const views = await Promise.all(tabs.map((tab) => Promise.all(shown.map((id) => categoryIn(tab, id)))));
    for (const view of views) expect(view).toEqual(views[0]);
    // Internal users are seen as the pod has them; external ones through the external view.
    expect(views[0]!.slice(0, 4)).toEqual(internal.map((id) => pod.getUser(id)!.category));
    for (const category of views[0]!) expect(category).toEqual(expect.any(String));
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('reads each internal user once per interval and each external user once, whatever the tab count', async () => {
    // The second round of internal reads is due 10 s after the first.
    await waitUntil('a second read of every internal user', 15_000, () => internal.every((id) => readTimes(id).length >= 2));
    await sleep(1500);
    for (const id of internal) {
      const times = readTimes(id);
      expect(times, `reads of internal ${id}`).toHaveLength(2);
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(INTERNAL_INTERVAL_MS - JITTER_MS);
      expect(times[1]! - times[0]!).toBeLessThan(INTERNAL_INTERVAL_MS + 2000);
    }
    for (const id of external) expect(readTimes(id), `reads of external ${id}`).toHaveLength(1);
    const registrations = pod.registrations();
    expect(registrations).toHaveLength(1);
    expect([...registrations[0]!.userIds!].sort()).toEqual([...external].sort());

    // Only the leader spent requests; the followers got everything over the channel.
    const [leader] = await leadersAmong(tabs);
    const stats = await Promise.all(tabs.map(statsOf));
    const reads = pod.stats().byRoute;
    for (const [i, tab] of tabs.entries()) {
      const s = stats[i]!;
      if (tab === leader) {
        expect(s.readsSent).toBe((reads.getUser ?? 0) + (reads.getOwn ?? 0));
        expect(s.registersSent).toBe(1);
      } else {
        expect(s).toMatchObject({ readsSent: 0, registersSent: 0, leadership: [] });
      }
    }
    expect(ledgerProblems()).toEqual([]);
  }, 30_000);

  it('hands polling to another tab within a few seconds when the leader tab closes', async () => {
    const [leader] = await leadersAmong(tabs);
    tabs.splice(tabs.indexOf(leader!), 1);
    const externalsBefore = externalReads().length;
    const closedAt = Date.now();
    await leader!.close();

    const [next] = await waitUntil('a new leader', 5000, async () => {
      const found = await leadersAmong(tabs);
      return found.length === 1 && found;
    });
    // The browser releases a closed tab's lock at once; no heartbeat has to be missed.
    expect(Date.now() - closedAt).toBeLessThan(3000);

    // The new leader keeps the old schedule (it learned every read over the channel) and its
    // reads reach the other tab.
    const target = internal[0]!;
    const expected = changePresence(target);
    await waitUntil('every internal user read by the new leader', 12_000, () => everyInternalReadAfter(closedAt));
    await Promise.all(tabs.map((tab) => tab.waitForFunction(([u, c]) => window.__pw?.state(u).category === c, [target, expected] as const, { timeout: 3000, polling: 100 })));

    expect((await statsOf(next!)).readsSent).toBeGreaterThanOrEqual(internal.length);
    expect(externalReads()).toHaveLength(externalsBefore);
    expect(pod.registrations()).toHaveLength(1);
    expect(ledgerProblems()).toEqual([]);
  }, 30_000);

  it('lets a follower steal the lock from a frozen leader, and the old leader steps down when it wakes', async () => {
    // A late tab fills itself from the leader's state: no request of its own.
    const readsBeforeJoin = pod.reads().length;
    const late = await openTab();
    await showsEveryone(late, 5000);
    expect(pod.reads().length - readsBeforeJoin).toBeLessThanOrEqual(internal.length);
    expect(externalReads()).toHaveLength(external.length);

    const [frozen] = await leadersAmong(tabs);
    const followers = tabs.filter((tab) => tab !== frozen);
    expect(followers).toHaveLength(2);
    const externalsBefore = externalReads().length;
    const readsByFrozen = (await statsOf(frozen!)).readsSent;

    // Page.setWebLifecycleState('frozen') is accepted but has no effect in headless Chromium
    // (timers keep running, no `freeze` event), so the tab is stopped in the debugger instead:
    // its event loop stands still, like a frozen or stuck tab, while its lock stays held.
    const cdp = await context.newCDPSession(frozen!);
    await cdp.send('Debugger.enable');
    const paused = new Promise<void>((resolve) => cdp.once('Debugger.paused', () => resolve()));
    await cdp.send('Debugger.pause');
    await paused; // the heartbeat timer runs some script within HEARTBEAT_MS
    const pausedAt = Date.now();

    const [thief] = await waitUntil('a follower to steal the lock', 6000, async () => {
      const found = await leadersAmong(followers);
      return found.length > 0 && found;
    });
    const stolenAt = Date.now();
    // Its last beat came at most one heartbeat before the pause; followers check once per heartbeat.
    expect(stolenAt - pausedAt).toBeGreaterThanOrEqual(HEARTBEAT_MS * (MISSED_BEATS - 1) - 100);
    expect(stolenAt - pausedAt).toBeLessThan(HEARTBEAT_MS * (MISSED_BEATS + 1) + 2000);
    // Both followers watch the beat; only one may end up leading.
    await sleep(HEARTBEAT_MS * 2);
    expect(await leadersAmong(followers)).toEqual([thief]);

    const target = internal[1]!;
    const expected = changePresence(target);
    await waitUntil('every internal user read after the steal', 12_000, () => everyInternalReadAfter(stolenAt));
    const watcher = followers.find((tab) => tab !== thief)!;
    await watcher.waitForFunction(([u, c]) => window.__pw?.state(u).category === c, [target, expected] as const, {
      timeout: 3000,
      polling: 100,
    });

    await cdp.send('Debugger.resume');
    await cdp.detach();
    await waitUntil('the woken tab to step down', 5000, async () => !(await isLeader(frozen!)));
    // Give a stale leader time to misbehave: its poll timers were all due when it woke.
    await sleep(1500);
    expect(await leadersAmong(tabs)).toEqual([thief]);
    const woken = await statsOf(frozen!);
    // Its poll timers were due when it woke, before it could learn of the steal: it must not read.
    expect(woken.readsSent).toBe(readsByFrozen);
    expect(woken.leadership.map((c) => c.leader)).toEqual([true, false]);
    await showsEveryone(frozen!, 3000);
    expect(await categoryIn(frozen!, target)).toBe(expected);

    expect(externalReads()).toHaveLength(externalsBefore);
    expect(pod.registrations()).toHaveLength(1);
    expect(ledgerProblems()).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 40_000);
});
