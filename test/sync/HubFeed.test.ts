import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  PresenceApiError,
  createHubStream,
  createSymphonyClient,
  type HubConnectionHandlers,
  type HubSource,
} from '../../src/client';
import { DEFAULT_SESSION_TOKEN, type MockPod } from '../../src/mock-pod';
import { makePresence, type Presence, type UserId } from '../../src/model';
import { createMemoryGuardStore, createPresenceHub, type PresenceHub } from '../../src/server';
import { PresenceSync, createHubSource, createMemoryCoordinatorHub, type SyncEvent, type TabCoordinator } from '../../src/sync';
import { HOUR, MINUTE, POD_URL, SECOND, T0, budgetViolations, podFetch, readsOf, setupPod, startSync, usersOf } from './harness';

const HUB_URL = 'https://app.test/api/presence-hub';
const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);
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

/**
 * The engine's side of the hub (src/sync/HubFeed.ts) against a connection the test drives: what
 * it subscribes, what a push, a refusal, the tenant and the connection's state do. Cases the
 * mutation run (MUTATION.md) found unguarded.
 */
describe('HubFeed against a scripted connection', () => {
  interface Scripted {
    handlers: HubConnectionHandlers;
    subscriptions: UserId[][];
    closed: boolean;
  }

  /** A source made by createHubSource whose connection the test drives (it says "connecting" at once, as the real one does). */
  function scriptedHub() {
    const connections: Scripted[] = [];
    const source: HubSource = {
      ...createHubSource({ url: HUB_URL }),
      connect(handlers) {
        const c: Scripted = { handlers, subscriptions: [], closed: false };
        connections.push(c);
        handlers.state('connecting');
        return {
          setUserIds: (ids) => void c.subscriptions.push([...ids].sort()),
          close: () => void (c.closed = true),
        };
      },
    };
    return { source, connections };
  }

  function visibility(initial: boolean) {
    let visible = initial;
    let listener = () => {};
    return {
      source: { isVisible: () => visible, subscribe: (l: () => void) => ((listener = l), () => {}) },
      set(next: boolean) {
        visible = next;
        listener();
      },
    };
  }

  /** A leading and a following tab on one scripted hub, both showing `id`, `settleMs` later; and the hub's connection. */
  async function twoTabsShowing(pod: MockPod, id: UserId, settleMs: number) {
    const hub = scriptedHub();
    const tabs = createMemoryCoordinatorHub();
    const leader = track(startSync(pod, { coordinator: tabs.connect(), source: hub.source }));
    await vi.advanceTimersByTimeAsync(0);
    const follower = track(startSync(pod, { coordinator: tabs.connect(), source: hub.source }));
    leader.retain(id);
    follower.retain(id);
    await vi.advanceTimersByTimeAsync(settleMs);
    const [conn] = hub.connections as [Scripted];
    return { leader, follower, conn };
  }

  const presenceOf = (userId: UserId, category: string, observedAt?: number): Presence => ({
    ...makePresence(userId, category, T0 - HOUR),
    ...(observedAt === undefined ? {} : { observedAt }),
  });

  it('subscribes once per burst to the users shown in visible tabs or awaited, never the own key or local keys', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const hub = scriptedHub();
    const tabs = createMemoryCoordinatorHub();
    const page = visibility(true);
    const leader = track(startSync(pod, { coordinator: tabs.connect(), source: hub.source, visibility: page.source }));
    await vi.advanceTimersByTimeAsync(0);
    const [conn] = hub.connections as [Scripted];
    const before = conn.subscriptions.length;
    leader.retain('self');
    leader.retain(internal[0]!);
    leader.retain(external[0]!);
    leader.retain(leader.localKeyOf(internal[1]!));
    void leader.read(internal[2]!).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(conn.subscriptions).toHaveLength(before + 1);
    expect(conn.subscriptions.at(-1)).toEqual([internal[0]!, internal[2]!, external[0]!].sort());

    // Another tab's users join the subscription, shown in a visible tab only.
    const follower = track(startSync(pod, { coordinator: tabs.connect(), source: hub.source }));
    follower.retain(internal[3]!);
    follower.retain('self');
    follower.retain(follower.localKeyOf(internal[4]!));
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(conn.subscriptions.at(-1)).toEqual([internal[0]!, internal[2]!, internal[3]!, external[0]!].sort());
    // A hidden tab no longer needs what only it shows.
    page.set(false);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(conn.subscriptions.at(-1)).toEqual([internal[2]!, internal[3]!].sort());
    expect(hub.connections).toHaveLength(1);
  });

  it('a push lands as a read would: shown, its hub read time counted in the budget, shared with the other tabs', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const id = external[0]!;
    const { leader, follower, conn } = await twoTabsShowing(pod, id, 10 * SECOND);
    const events: SyncEvent[] = [];
    leader.subscribe((e) => events.push(e));
    conn.handlers.presence([presenceOf(id, 'BUSY', T0 + 5 * SECOND)]);
    for (const tab of [leader, follower]) {
      expect(tab.getState(id).presence?.category).toBe('BUSY');
      expect(tab.getState(id).lastReadAt).toBe(T0 + 5 * SECOND);
    }
    expect(events).toContainEqual(expect.objectContaining({ type: 'presence', key: id }));
    // The same presence pushed again tells nothing new: no event, the same object (no re-render).
    const same = leader.getState(id).presence;
    const heard = events.length;
    conn.handlers.presence([presenceOf(id, 'BUSY', T0 + 6 * SECOND)]);
    expect(events).toHaveLength(heard);
    expect(leader.getState(id).presence).toBe(same);
    expect(leader.getState(id).lastReadAt).toBe(T0 + 6 * SECOND);
    // An older push neither shows nor moves the budget back.
    conn.handlers.presence([presenceOf(id, 'AWAY', T0 + 2 * SECOND)]);
    expect(leader.getState(id).presence?.category).toBe('BUSY');
    expect(leader.getState(id).lastReadAt).toBe(T0 + 6 * SECOND);
    // A push without the hub's read time counts as read now.
    conn.handlers.presence([presenceOf(id, 'AWAY')]);
    expect(leader.getState(id).presence?.category).toBe('AWAY');
    expect(leader.getState(id).lastReadAt).toBe(Date.now());
    expect(follower.getState(id).lastReadAt).toBe(Date.now());
    expect(pod.ledger.filter((e) => e.route === 'getUser')).toEqual([]);
  });

  it('a refusal stops the user with its error in every tab, and a later push of the same presence clears it', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const { leader, follower, conn } = await twoTabsShowing(pod, id, SECOND);
    const busy = presenceOf(id, 'BUSY', Date.now());
    conn.handlers.presence([busy]);
    const forbidden = new PresenceApiError({ kind: 'forbidden', status: 403, endpoint: 'hub' });
    conn.handlers.failure([{ userId: id, error: forbidden }]);
    expect(leader.getState(id)).toMatchObject({ stopped: true, error: { kind: 'forbidden' } });
    expect(follower.getState(id).error?.kind).toBe('forbidden');
    // A stopped user is not polled when the hub goes away.
    conn.handlers.state('unavailable');
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(readsOf(pod, id)).toHaveLength(0);

    const events: SyncEvent[] = [];
    leader.subscribe((e) => events.push(e));
    conn.handlers.presence([{ ...busy, observedAt: Date.now() }]);
    expect(leader.getState(id)).toMatchObject({ stopped: false, error: undefined });
    expect(events).toContainEqual(expect.objectContaining({ type: 'presence', key: id }));
  });

  it('takes the tenant the hub learned once, and tells colleagues from external users by it', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const hub = scriptedHub();
    const sync = track(startSync(pod, { source: hub.source }));
    await vi.advanceTimersByTimeAsync(0);
    const [conn] = hub.connections as [Scripted];
    expect(sync.isExternal(internal[0]!)).toBeUndefined();
    conn.handlers.tenant!(pod.homeTenantId);
    expect(sync.isExternal(internal[0]!)).toBe(false);
    expect(sync.isExternal(external[0]!)).toBe(true);
    conn.handlers.tenant!(pod.homeTenantId + 1);
    expect(sync.isExternal(internal[0]!)).toBe(false);
  });

  it('polls only while the stream cannot be opened: not while it connects, and no more once it opens', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const hub = scriptedHub();
    const sync = track(startSync(pod, { source: hub.source }));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(readsOf(pod, id)).toHaveLength(0);
    const [conn] = hub.connections as [Scripted];
    conn.handlers.state('unavailable');
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(readsOf(pod, id)).toHaveLength(1);
    conn.handlers.state('connecting');
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(readsOf(pod, id)).toHaveLength(1);
    conn.handlers.state('unavailable');
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(readsOf(pod, id)).toHaveLength(2);
    conn.handlers.state('open');
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(readsOf(pod, id)).toHaveLength(2);
  });

  it('closes the stream and its pending subscription when the tab stops leading or is destroyed, and opens it once', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const hub = scriptedHub();
    const tabs = createMemoryCoordinatorHub();
    const first = track(startSync(pod, { coordinator: tabs.connect(), source: hub.source }));
    await vi.advanceTimersByTimeAsync(0);
    const second = track(startSync(pod, { coordinator: tabs.connect(), source: hub.source }));
    second.retain(internal[0]!);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(hub.connections).toHaveLength(1);
    const [mine] = hub.connections as [Scripted];
    first.retain(internal[1]!);
    const subscribed = mine.subscriptions.length;
    // Destroyed within the burst: the subscription it planned is not sent, the stream is closed.
    first.destroy();
    expect(mine.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(mine.subscriptions).toHaveLength(subscribed);
    // The new leader opens its own, with what it shows.
    expect(hub.connections).toHaveLength(2);
    expect(hub.connections[1]!.subscriptions.at(-1)).toEqual([internal[0]!]);
    second.retain(internal[2]!);
    second.destroy();
    expect(hub.connections[1]!.closed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a tab that loses the lead and gets it back opens a new stream and subscribes again', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const hub = scriptedHub();
    const tabs = createMemoryCoordinatorHub();
    const tabA = tabs.connect();
    const tabB = tabs.connect();
    const a = track(startSync(pod, { coordinator: tabA, source: hub.source }));
    track(startSync(pod, { coordinator: tabB, source: hub.source }));
    await vi.advanceTimersByTimeAsync(0);
    expect(hub.connections).toHaveLength(1);
    // Leadership goes during a burst of retains, and comes back.
    a.retain(internal[0]!);
    tabA.yieldLeadership();
    expect(hub.connections[0]!.closed).toBe(true);
    tabB.yieldLeadership();
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(hub.connections.length).toBeGreaterThanOrEqual(3);
    const back = hub.connections.at(-1)!;
    expect(back.closed).toBe(false);
    expect(back.subscriptions.at(-1)).toEqual([internal[0]!]);
  });

  it('a coordinator that repeats the lead the tab already has does not open a second stream', async () => {
    const pod = setupPod();
    const hub = scriptedHub();
    const tabs = createMemoryCoordinatorHub();
    const tab = tabs.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(tab.isLeader()).toBe(true);
    const repeating: TabCoordinator = {
      ...tab,
      onLeadershipChange(listener) {
        const off = tab.onLeadershipChange(listener);
        queueMicrotask(() => listener(tab.isLeader()));
        return off;
      },
    };
    track(startSync(pod, { coordinator: repeating, source: hub.source }));
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(hub.connections).toHaveLength(1);
  });
});
