import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHubStream, createSymphonyClient } from '../../src/client';
import { DEFAULT_SESSION_TOKEN, type MockPod } from '../../src/mock-pod';
import type { UserId } from '../../src/model';
import { createMemoryGuardStore, createPresenceHub, type PresenceHub } from '../../src/server';
import { PresenceSync, createHubSource, createMemoryCoordinatorHub } from '../../src/sync';
import { MINUTE, POD_URL, SECOND, budgetViolations, podFetch, setupPod, startSync, usersOf } from './harness';

const HUB_URL = 'https://app.test/api/presence-hub';
const engines: PresenceSync[] = [];
const hubs: PresenceHub[] = [];

afterEach(async () => {
  for (const e of engines.splice(0)) e.destroy();
  for (const h of hubs.splice(0)) await h.close();
  vi.useRealTimers();
});

/**
 * A page's two ways to the pod, sharing one guard as an app backend would: the proxy-like client
 * (counted) and the hub, reached through `up.hub` (undefined: the hub cannot be reached).
 */
function setup(pod: MockPod) {
  const guardStore = createMemoryGuardStore();
  const up: { hub: PresenceHub | undefined } = { hub: undefined };
  const start = () => {
    up.hub = createPresenceHub({ podUrl: POD_URL, getSessionToken: () => DEFAULT_SESSION_TOKEN, fetch: podFetch(pod), guardStore });
    hubs.push(up.hub);
  };
  const streams = { opened: 0 };
  const source = createHubSource({
    url: HUB_URL,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (!up.hub) throw new TypeError('Failed to fetch');
      if (String(input).includes('/stream')) streams.opened += 1;
      return up.hub.handle(new Request(input, init));
    }) as typeof fetch,
  });
  const clientReads: string[] = [];
  const direct = podFetch(pod);
  const client = createSymphonyClient({
    podUrl: POD_URL,
    getSessionToken: () => DEFAULT_SESSION_TOKEN,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = new URL(new Request(input, init).url).pathname;
      if (/\/v3\/user\/\d+\/presence/.test(path)) clientReads.push(path);
      return direct(input, init);
    }) as typeof fetch,
  });
  return { up, start, source, client, clientReads, streams };
}

describe('PresenceSync with a presence hub source', () => {
  it('takes sources made by createHubSource, copies of them too, and refuses a bare stream (no feed for the engine)', () => {
    const client = createSymphonyClient({ podUrl: POD_URL, getSessionToken: () => DEFAULT_SESSION_TOKEN });
    const bare = createHubStream({ url: HUB_URL });
    expect(() => new PresenceSync(client, { source: bare })).toThrow(/createHubSource/);
    const made = createHubSource({ url: HUB_URL });
    expect(() => new PresenceSync(client, { source: made }).destroy()).not.toThrow();
    // An app that watches the connection wraps the source, as the Chromium hub page does.
    const connect = vi.fn(made.connect);
    const engine = new PresenceSync(client, { source: { ...made, connect } }).start();
    engines.push(engine);
    expect(connect).toHaveBeenCalledTimes(1);
  });

  it('holds one stream for all tabs, in the leader; pushes reach every tab, and no user is polled', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const page = setup(pod);
    page.start();
    const tabs = createMemoryCoordinatorHub();
    const leader = startSync(pod, { coordinator: tabs.connect(), source: page.source }, page.client);
    engines.push(leader);
    await vi.advanceTimersByTimeAsync(0);
    const followers = [0, 1].map(() => startSync(pod, { coordinator: tabs.connect(), source: page.source }, page.client));
    engines.push(...followers);
    const shown = [...internal.slice(0, 5), external[0]!];
    for (const tab of [leader, ...followers]) for (const id of shown) tab.retain(id);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    for (const tab of [leader, ...followers]) for (const id of shown) expect(tab.getState(id).presence?.userId).toBe(id);
    expect(page.streams.opened).toBe(1);
    expect(hubs[0]!.stats().streams).toBe(1);

    const target = internal[2]!;
    const next = leader.getState(target).presence?.category === 'BUSY' ? 'AWAY' : 'BUSY';
    pod.setUserPresence(target, next);
    await vi.advanceTimersByTimeAsync(MINUTE + 2 * SECOND);
    for (const tab of [leader, ...followers]) expect(tab.getState(target).presence?.category).toBe(next);
    await vi.advanceTimersByTimeAsync(20 * MINUTE);
    expect(page.clientReads).toEqual([]);
    expect(budgetViolations(pod)).toEqual([]);

    // A follower's new user reaches the leader's stream.
    followers[0]!.retain(internal[7]!);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(followers[0]!.getState(internal[7]!).presence?.userId).toBe(internal[7]);
    expect(page.clientReads).toEqual([]);
  });

  it('polls through the client while the hub cannot be reached, and stops once the stream opens', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const page = setup(pod);
    const engine = startSync(pod, { source: page.source }, page.client);
    engines.push(engine);
    const shown = internal.slice(0, 3);
    for (const id of shown) engine.retain(id);
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    for (const id of shown) expect(engine.getState(id).presence?.userId).toBe(id);
    expect(page.clientReads.length).toBeGreaterThanOrEqual(shown.length * 3);

    page.start();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(page.streams.opened).toBe(1);
    const polled = page.clientReads.length;
    const target = shown[1]!;
    const next = engine.getState(target).presence?.category === 'IN_A_MEETING' ? 'AWAY' : 'IN_A_MEETING';
    pod.setUserPresence(target, next);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(engine.getState(target).presence?.category).toBe(next);
    expect(page.clientReads).toHaveLength(polled);
  });

  it('counts the hub reads of an external user in the fallback budget: no read within 5 minutes of the hub', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const page = setup(pod);
    page.start();
    const engine = startSync(pod, { source: page.source }, page.client);
    engines.push(engine);
    const id = external[1]! as UserId;
    engine.retain(id);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(engine.getState(id).presence?.userId).toBe(id);
    // The hub goes away right after its read: the engine falls back to polling.
    await page.up.hub!.close();
    page.up.hub = undefined;
    await vi.advanceTimersByTimeAsync(12 * MINUTE);
    expect(budgetViolations(pod)).toEqual([]);
    expect(pod.stats().byStatus[429] ?? 0).toBe(0);
    expect(page.clientReads.length).toBeGreaterThan(0);
  });
});
