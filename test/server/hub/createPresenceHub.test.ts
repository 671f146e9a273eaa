// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMockPod, type MockPod } from '../../../src/mock-pod';
import { EXTERNAL_READ_GAP_MS, tenantOf, type UserId } from '../../../src/model';
import { createMemoryGuardStore, createMemoryHubStore, createPresenceHub, type PresenceHub, type PresenceHubOptions } from '../../../src/server';
import { podFetch, POD_URL } from '../proxyTestUtils';
import { changeSubscriptions, hubRequest, openStream, readsOf, tokenFromHeader, type TestStream } from './hubTestUtils';

const MINUTE = 60_000;
const HOME = 189;
const OTHER = 190;

describe('createPresenceHub (one node, memory store)', () => {
  let pod: MockPod;
  let hubs: PresenceHub[];
  let streams: TestStream[];

  function makeHub(options: Partial<PresenceHubOptions> = {}): PresenceHub {
    const hub = createPresenceHub({ podUrl: POD_URL, getSessionToken: tokenFromHeader, fetch: podFetch(pod).fetch, ...options });
    hubs.push(hub);
    return hub;
  }

  async function open(hub: PresenceHub, token: string, ids: readonly string[] = []): Promise<TestStream> {
    const pending = openStream(hub, token, ids);
    await vi.advanceTimersByTimeAsync(0);
    const stream = await pending;
    streams.push(stream);
    return stream;
  }

  const usersOf = (tenant: number) => pod.users.filter((u) => u.tenantId === tenant).map((u) => u.id);
  const sessionOf = (userId: string) => pod.createSession({ userId });

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 30, 9), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    pod = createMockPod({ churn: false });
    hubs = [];
    streams = [];
  });

  afterEach(async () => {
    for (const s of streams) await s.close();
    for (const hub of hubs) await hub.close();
    vi.useRealTimers();
  });

  it('reads an internal user once per interval for all viewers of the company (SYM-RI-2), and pushes changes to every one', async () => {
    const hub = makeHub();
    const home = usersOf(HOME);
    const watched = home.slice(100, 130);
    const pages = [];
    for (const viewer of home.slice(0, 20)) pages.push(await open(hub, sessionOf(viewer), watched));
    await vi.advanceTimersByTimeAsync(2000);
    for (const page of pages) expect(new Set(page.presences().map((p) => p.userId))).toEqual(new Set(watched));
    // One read per user at subscription time, whatever the number of viewers (a second one
    // for users whose interval turned meanwhile).
    for (const id of watched) expect(readsOf(pod, id)).toBeLessThanOrEqual(2);
    expect(pod.reads().length).toBeLessThan(watched.length * 1.2);

    pod.clearLedger();
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    for (const id of watched) {
      expect(readsOf(pod, id)).toBeGreaterThanOrEqual(9);
      expect(readsOf(pod, id)).toBeLessThanOrEqual(10);
    }
    // Reads are spread across the interval, not all at its start.
    const seconds = new Set(pod.reads().map((r) => Math.floor((r.time % MINUTE) / 1000)));
    expect(seconds.size).toBeGreaterThan(10);

    const target = watched[3] as UserId;
    const next = pages[0]!.latest(target) === 'IN_A_MEETING' ? 'ON_THE_PHONE' : 'IN_A_MEETING';
    pod.setUserPresence(target, next);
    const changedAt = Date.now();
    await vi.advanceTimersByTimeAsync(MINUTE + 1000);
    for (const page of pages) {
      expect(page.latest(target)).toBe(next);
      const push = page.presences().find((p) => p.userId === target && p.category === next);
      expect(push!.observedAt - changedAt).toBeLessThanOrEqual(MINUTE + 1000);
    }
    // Nothing unchanged is pushed again: one snapshot and one change per viewer for the target.
    for (const page of pages) expect(page.presences().filter((p) => p.userId === target)).toHaveLength(2);
    expect(pod.stats().byStatus[429] ?? 0).toBe(0);
  });

  it('keeps companies apart: a viewer gets another company only as its own session may read it (SYM-GP-3, SYM-RI-2)', async () => {
    const hub = makeHub();
    const [homeViewer] = usersOf(HOME);
    const target = usersOf(HOME)[50] as UserId;
    const [otherViewer, unconnectedViewer] = usersOf(OTHER).filter((id) => !pod.isConnected(id, target));
    pod.connect(otherViewer!, target);
    pod.setUserPresence(target, 'BE_RIGHT_BACK');
    const inside = await open(hub, sessionOf(homeViewer!), [target]);
    const outside = await open(hub, sessionOf(otherViewer!), [target]);
    const stranger = await open(hub, sessionOf(unconnectedViewer!), [target]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(inside.latest(target)).toBe('BE_RIGHT_BACK');
    // The external view, read with the outside viewer's own session after registering interest.
    expect(outside.latest(target)).toBe('AWAY');
    expect(stranger.latest(target)).toBe('OFFLINE');
    expect(outside.presences().some((p) => p.category === 'BE_RIGHT_BACK')).toBe(false);
    const external = pod.reads(target).filter((r) => r.external);
    expect(new Set(external.map((r) => r.sessionUserId))).toEqual(new Set([otherViewer, unconnectedViewer]));
    expect(pod.registrations(target).map((r) => r.sessionUserId).sort()).toEqual([otherViewer, unconnectedViewer].sort());
  });

  it('reads external users per viewer session within the rules: registration first, one read per 5 minutes, zero 429s and 403s', async () => {
    const guardStore = createMemoryGuardStore();
    const hub = makeHub({ guardStore });
    const [viewerA, viewerB] = usersOf(HOME);
    const externals = usersOf(OTHER).slice(10, 15);
    for (const id of externals) {
      pod.connect(viewerA!, id);
      pod.connect(viewerB!, id);
    }
    const tokenA = sessionOf(viewerA!);
    const tokenB = sessionOf(viewerB!);
    // Two pages of session A (two tabs without coordination, say) and one of session B.
    const a1 = await open(hub, tokenA, externals);
    const a2 = await open(hub, tokenA, externals);
    const b = await open(hub, tokenB, externals);
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    for (const page of [a1, a2, b]) expect(new Set(page.presences().map((p) => p.userId))).toEqual(new Set(externals));
    for (const id of externals) {
      const reads = pod.reads(id);
      for (const viewer of [viewerA, viewerB]) {
        const times = reads.filter((r) => r.sessionUserId === viewer).map((r) => r.time);
        // 30 minutes: at most one read per 5 minutes per session, and the hub keeps reading.
        expect(times.length).toBeGreaterThanOrEqual(6);
        expect(times.length).toBeLessThanOrEqual(7);
        for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(EXTERNAL_READ_GAP_MS);
      }
    }
    const statuses = pod.stats().byStatus;
    expect(statuses[429] ?? 0).toBe(0);
    expect(statuses[403] ?? 0).toBe(0);
    // A change reaches the session's pages within one gap.
    const target = externals[0] as UserId;
    pod.setUserPresence(target, 'IN_A_MEETING');
    await vi.advanceTimersByTimeAsync(EXTERNAL_READ_GAP_MS + 2000);
    for (const page of [a1, a2, b]) expect(page.latest(target)).toBe('IN_A_MEETING');
    expect(pod.stats().byStatus[429] ?? 0).toBe(0);
  });

  it("remembers a session's external reads past its page: a reconnect while the guard store was emptied (Redis restart) reads no sooner", async () => {
    // A guard store that can lose everything, as Redis does when it restarts empty.
    let current = createMemoryGuardStore();
    const guardStore = new Proxy({} as ReturnType<typeof createMemoryGuardStore>, {
      get: (_target, name) => {
        const value = current[name as keyof typeof current];
        return typeof value === 'function' ? value.bind(current) : value;
      },
    });
    const hub = makeHub({ guardStore });
    const [viewer] = usersOf(HOME);
    const external = usersOf(OTHER).find((id) => pod.isConnected(viewer!, id)) ?? usersOf(OTHER)[0]!;
    pod.connect(viewer!, external);
    const token = sessionOf(viewer!);
    const first = await open(hub, token, [external]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(first.latest(external)).toBeDefined();
    await first.close();
    current = createMemoryGuardStore();
    await vi.advanceTimersByTimeAsync(MINUTE);
    const again = await open(hub, token, [external]);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(again.latest(external)).toBeDefined();
    const times = pod.reads(external).map((r) => r.time);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(EXTERNAL_READ_GAP_MS);
    expect(pod.stats().byStatus[429] ?? 0).toBe(0);
  });

  it('shareInternal: false makes every viewer read with its own session', async () => {
    const hub = makeHub({ shareInternal: false });
    const home = usersOf(HOME);
    const watched = home.slice(100, 105);
    const viewers = home.slice(0, 4);
    for (const viewer of viewers) await open(hub, sessionOf(viewer), watched);
    await vi.advanceTimersByTimeAsync(2000);
    pod.clearLedger();
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    for (const id of watched) {
      const reads = pod.reads(id);
      for (const viewer of viewers) {
        const own = reads.filter((r) => r.sessionUserId === viewer).length;
        expect(own).toBeGreaterThanOrEqual(4);
        expect(own).toBeLessThanOrEqual(5);
      }
    }
  });

  it('changes subscriptions without reconnecting, and serves a reconnecting page from the cache at once', async () => {
    const hub = makeHub();
    const home = usersOf(HOME);
    const token = sessionOf(home[0]!);
    const page = await open(hub, token);
    const first = home.slice(10, 13);
    expect((await changeSubscriptions(hub, token, { stream: page.id, add: first })).status).toBe(204);
    await vi.advanceTimersByTimeAsync(1000);
    expect(new Set(page.presences().map((p) => p.userId))).toEqual(new Set(first));
    expect((await changeSubscriptions(hub, token, { stream: page.id, remove: [first[0]] })).status).toBe(204);
    const before = page.presences().length;
    pod.setUserPresence(first[0]!, 'OUT_OF_OFFICE');
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(page.presences()).toHaveLength(before);
    // Another session cannot steer this stream.
    const intruder = sessionOf(home[1]!);
    expect((await changeSubscriptions(hub, intruder, { stream: page.id, add: [home[20]] })).status).toBe(403);
    expect((await changeSubscriptions(hub, token, { stream: 'nope.nope', add: [] })).status).toBe(202);
    expect((await changeSubscriptions(hub, token, { stream: page.id, add: ['12x'] })).status).toBe(400);

    // Reconnect: the new stream gets every user at once, with no new pod read.
    await page.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(hub.stats().streams).toBe(0);
    pod.clearLedger();
    const again = await open(hub, token, first);
    await vi.advanceTimersByTimeAsync(0);
    // The first frame holds all three, from the cache; only the user nobody watched for two
    // minutes (so unread in this interval) is read again.
    const snapshot = again.events.find((e) => e.event === 'presence')!.data as Array<{ userId: string }>;
    expect(new Set(snapshot.map((p) => p.userId))).toEqual(new Set(first));
    expect(again.latest(first[0]!)).toBe('OUT_OF_OFFICE');
    expect(pod.reads().map((r) => r.userId)).toEqual([first[0]]);
  });

  it('relays a subscription change sent to another node, and shares reads between nodes of one store', async () => {
    const store = createMemoryHubStore();
    const guardStore = createMemoryGuardStore();
    const nodeA = makeHub({ store, guardStore, nodeId: 'a' });
    const nodeB = makeHub({ store, guardStore, nodeId: 'b' });
    const home = usersOf(HOME);
    const watched = home.slice(30, 40);
    const token = sessionOf(home[0]!);
    const onA = await open(nodeA, token);
    const onB = await open(nodeB, sessionOf(home[1]!), watched);
    expect((await changeSubscriptions(nodeB, token, { stream: onA.id, add: watched })).status).toBe(202);
    await vi.advanceTimersByTimeAsync(1000);
    expect(new Set(onA.presences().map((p) => p.userId))).toEqual(new Set(watched));
    pod.clearLedger();
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    for (const id of watched) expect(readsOf(pod, id)).toBeLessThanOrEqual(5);
    pod.setUserPresence(watched[0]!, 'AWAY');
    await vi.advanceTimersByTimeAsync(MINUTE + 1000);
    expect(onA.latest(watched[0]!)).toBe('AWAY');
    expect(onB.latest(watched[0]!)).toBe('AWAY');
    expect(nodeA.stats().reads.internal + nodeB.stats().reads.internal).toBeGreaterThan(0);
  });

  it('tells a 404 apart from offline and stops reading that user', async () => {
    const hub = makeHub();
    const home = usersOf(HOME);
    const missing = `${BigInt(home[0]!) + 100000n}`;
    expect(tenantOf(missing)).toBe(HOME);
    const page = await open(hub, sessionOf(home[0]!), [missing]);
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    const failures = page.events.filter((e) => e.event === 'presence-error');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.data).toEqual([{ userId: missing, status: 404, message: 'No such user' }]);
    expect(readsOf(pod, missing)).toBe(1);
  });

  it('authenticates like the proxy: 401 without a session, 403 from another site, 405 for other methods', async () => {
    const hub = makeHub({ allowedOrigins: ['https://acme.symphony.com'] });
    expect((await hub.handle(hubRequest('/stream', undefined))).status).toBe(401);
    const token = sessionOf(usersOf(HOME)[0]!);
    const crossSite = hubRequest('/stream', token, { headers: { origin: 'https://evil.test', 'sec-fetch-site': 'cross-site' } });
    expect((await hub.handle(crossSite)).status).toBe(403);
    const named = await openStream(hub, token);
    expect(named.status).toBe(200);
    streams.push(named);
    expect((await hub.handle(hubRequest('/stream', token, { method: 'POST', body: '{}' }))).status).toBe(405);
    expect((await hub.handle(hubRequest('/other', token))).status).toBe(404);
    expect((await hub.handle(hubRequest('/stream?ids=1,abc', token))).status).toBe(400);
    pod.expireSession(token);
    // An expired session is refused when it opens a stream... (tenant known: refused at the first read)
    const expired = await open(hub, token, [usersOf(HOME)[5]!]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(expired.events.at(-1)).toEqual({ event: 'closing', data: { reason: 'unauthorized' } });
  });

  it('bounds what one session may hold: streams per session (429) and users per stream (413)', async () => {
    const hub = makeHub({ maxStreamsPerSession: 2, maxSubscriptionsPerStream: 3 });
    const home = usersOf(HOME);
    const token = sessionOf(home[0]!);
    const page = await open(hub, token, home.slice(1, 3));
    await open(hub, token);
    const third = await open(hub, token);
    expect(third.status).toBe(429);
    expect((await changeSubscriptions(hub, token, { stream: page.id, add: home.slice(3, 5) })).status).toBe(413);
    expect((await changeSubscriptions(hub, token, { stream: page.id, add: [home[3]], remove: [home[1]] })).status).toBe(204);
    expect((await hub.handle(hubRequest(`/stream?ids=${home.slice(1, 5).join(',')}`, token))).status).toBe(413);
    await vi.advanceTimersByTimeAsync(1000);
    expect(new Set(page.presences().map((p) => p.userId))).toEqual(new Set([home[1], home[2], home[3]]));
  });

  it('keeps ids above 2^53 whole', async () => {
    pod = createMockPod({
      churn: false,
      users: [
        { id: '18014398509482001', category: 'AVAILABLE' },
        { id: '18014398509482123', category: 'BUSY' },
      ],
    });
    const hub = makeHub();
    const page = await open(hub, sessionOf('18014398509482001'), ['18014398509482123']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(page.presences()).toEqual([expect.objectContaining({ userId: '18014398509482123', category: 'BUSY' })]);
  });
});
