import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHubStream, type HubConnection, type HubConnectionState } from '../../src/client';
import { readServerSentEvents } from '../../src/client/createHubStream';
import { createMockPod, type MockPod } from '../../src/mock-pod';
import type { Presence, UserId } from '../../src/model';
import { createMemoryGuardStore, createMemoryHubStore, createPresenceHub, type PresenceHub } from '../../src/server';
import { podFetch, POD_URL } from '../server/proxyTestUtils';

const HUB_URL = 'http://app.test/api/presence-hub';
const MINUTE = 60_000;

/** The hub's handler as the page's fetch: the real hub, without sockets. */
function fetchThrough(hubs: () => PresenceHub | undefined, token: string): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const hub = hubs();
    if (!hub) throw new TypeError('Failed to fetch');
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    // Stands for the app's session cookie.
    headers.set('x-test-token', token);
    return hub.handle(new Request(request, { headers }));
  }) as typeof fetch;
}

describe('createHubStream against a real hub', () => {
  let pod: MockPod;
  let hubs: PresenceHub[];
  let connection: HubConnection | undefined;
  const received: Presence[] = [];
  const states: HubConnectionState[] = [];
  const failures: Array<{ userId: UserId; status: number }> = [];
  const handlers = {
    presence: (list: readonly Presence[]) => received.push(...list),
    failure: (list: ReadonlyArray<{ userId: UserId; error: { status: number } }>) =>
      failures.push(...list.map((f) => ({ userId: f.userId, status: f.error.status }))),
    state: (state: HubConnectionState) => states.push(state),
  };
  const latest = (id: string) => received.filter((p) => p.userId === id).at(-1)?.category;

  function makeHub(options: { store?: ReturnType<typeof createMemoryHubStore>; guardStore?: ReturnType<typeof createMemoryGuardStore> } = {}) {
    const hub = createPresenceHub({ podUrl: POD_URL, getSessionToken: (r) => r.headers.get('x-test-token'), fetch: podFetch(pod).fetch, ...options });
    hubs.push(hub);
    return hub;
  }

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 30, 9), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    pod = createMockPod({ churn: false });
    hubs = [];
    received.length = 0;
    states.length = 0;
    failures.length = 0;
  });

  afterEach(async () => {
    connection?.close();
    connection = undefined;
    for (const hub of hubs) await hub.close();
    vi.useRealTimers();
  });

  const colleagues = () => pod.users.filter((u) => u.tenantId === pod.homeTenantId).map((u) => u.id);

  it('opens one stream, sends subscription changes without reconnecting, and delivers pushes', async () => {
    const hub = makeHub();
    const [me, a, b, c] = colleagues();
    const token = pod.createSession({ userId: me! });
    const fetchSpy = vi.fn(fetchThrough(() => hub, token));
    connection = createHubStream({ url: HUB_URL, fetch: fetchSpy }).connect(handlers);
    connection.setUserIds([a!, b!]);
    await vi.advanceTimersByTimeAsync(200);
    expect(states).toEqual(['connecting', 'open']);
    expect(new Set(received.map((p) => p.userId))).toEqual(new Set([a, b]));
    expect(received[0]!.observedAt).toBeTypeOf('number');

    connection.setUserIds([b!, c!]);
    await vi.advanceTimersByTimeAsync(200);
    expect(latest(c!)).toBeDefined();
    const streams = fetchSpy.mock.calls.filter(([url]) => String(url).includes('/stream'));
    const posts = fetchSpy.mock.calls.filter(([url]) => String(url).endsWith('/subscriptions'));
    expect(streams).toHaveLength(1);
    expect(JSON.parse(posts.at(-1)![1]!.body as string)).toMatchObject({ add: [c], remove: [a] });

    pod.setUserPresence(a!, latest(a!) === 'BUSY' ? 'AWAY' : 'BUSY');
    const next = latest(b!) === 'IN_A_MEETING' ? 'ON_THE_PHONE' : 'IN_A_MEETING';
    pod.setUserPresence(b!, next);
    const before = received.filter((p) => p.userId === a).length;
    await vi.advanceTimersByTimeAsync(MINUTE + 1000);
    expect(latest(b!)).toBe(next);
    // a was removed: nothing more about it.
    expect(received.filter((p) => p.userId === a)).toHaveLength(before);
  });

  it('says unavailable when no hub answers, keeps trying, and opens once one does', async () => {
    const [me, a] = colleagues();
    const token = pod.createSession({ userId: me! });
    const up: { hub?: PresenceHub } = {};
    connection = createHubStream({ url: HUB_URL, fetch: fetchThrough(() => up.hub, token) }).connect(handlers);
    connection.setUserIds([a!]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(states).toEqual(['connecting', 'unavailable']);
    up.hub = makeHub();
    await vi.advanceTimersByTimeAsync(40_000);
    expect(states.at(-1)).toBe('open');
    expect(latest(a!)).toBeDefined();
  });

  it('reconnects to another node when its node goes away, with the whole subscription', async () => {
    const store = createMemoryHubStore();
    const guardStore = createMemoryGuardStore();
    const nodeA = makeHub({ store, guardStore });
    const nodeB = makeHub({ store, guardStore });
    let current: PresenceHub | undefined = nodeA;
    const ids = colleagues().slice(1, 6);
    const token = pod.createSession({ userId: colleagues()[0]! });
    connection = createHubStream({ url: HUB_URL, fetch: fetchThrough(() => current, token) }).connect(handlers);
    connection.setUserIds(ids);
    await vi.advanceTimersByTimeAsync(500);
    expect(nodeA.stats().streams).toBe(1);
    current = nodeB;
    await nodeA.close();
    await vi.advanceTimersByTimeAsync(3000);
    expect(states).toEqual(['connecting', 'open', 'connecting', 'open']);
    expect(nodeB.stats()).toMatchObject({ streams: 1, watches: 5 });
    const target = ids[2]!;
    const next = latest(target) === 'OUT_OF_OFFICE' ? 'AWAY' : 'OUT_OF_OFFICE';
    pod.setUserPresence(target, next);
    await vi.advanceTimersByTimeAsync(MINUTE + 1000);
    expect(latest(target)).toBe(next);
  });

  it('passes refusals on as typed errors, and ids above 2^53 whole', async () => {
    pod = createMockPod({
      churn: false,
      users: [{ id: '18014398509482001' }, { id: '18014398509482123', category: 'BUSY' }],
    });
    const hub = makeHub();
    const token = pod.createSession({ userId: '18014398509482001' });
    connection = createHubStream({ url: HUB_URL, fetch: fetchThrough(() => hub, token) }).connect(handlers);
    connection.setUserIds(['18014398509482123' as UserId, '18014398509499999' as UserId]);
    await vi.advanceTimersByTimeAsync(500);
    expect(latest('18014398509482123')).toBe('BUSY');
    expect(failures).toEqual([{ userId: '18014398509499999', status: 404 }]);
  });
});

describe('readServerSentEvents', () => {
  it('reads events split anywhere, CRLF line ends, comments and multi-line data', async () => {
    const text = ': hello\r\nevent: presence\r\ndata: [1,\r\ndata: 2]\r\n\r\nretry: 5\n\ndata: {"a":1}\n\n';
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const events: Array<[string, string]> = [];
    await readServerSentEvents(body, (event, data) => events.push([event, data]));
    expect(events).toEqual([
      ['presence', '[1,\n2]'],
      ['message', '{"a":1}'],
    ]);
  });
});
