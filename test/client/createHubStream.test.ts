import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHubStream, PresenceApiError, type HubConnection, type HubConnectionState } from '../../src/client';
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

  /** The chunks one per read, then the end (or `fail`). */
  const streamOf = (chunks: Uint8Array[], fail?: Error) => {
    const queue = [...chunks];
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = queue.shift();
        if (next) controller.enqueue(next);
        else if (fail) controller.error(fail);
        else controller.close();
      },
    });
  };

  it('reads fields without a space or a value, lone CR line ends and characters split between chunks', async () => {
    const bytes = new TextEncoder().encode('data:a b\n\nevent: x\rdata\r\rdata:\n\ndata: é€😀\n\n');
    // One byte per chunk: every multi-byte character is split.
    const body = streamOf([...bytes].map((b) => Uint8Array.of(b)));
    const events: Array<[string, string]> = [];
    await readServerSentEvents(body, (event, data) => events.push([event, data]));
    expect(events).toEqual([
      ['message', 'a b'],
      ['x', ''],
      ['message', ''],
      ['message', 'é€😀'],
    ]);
    expect(body.locked).toBe(false);
  });

  it('gives the stream back when it breaks', async () => {
    const body = streamOf([new TextEncoder().encode('data: 1\n\n')], new Error('connection reset'));
    const events: string[] = [];
    await expect(readServerSentEvents(body, (_event, data) => events.push(data))).rejects.toThrow('connection reset');
    expect(events).toEqual(['1']);
    expect(body.locked).toBe(false);
  });
});

/** One stream the scripted hub opened: the test writes its events. */
interface ScriptedStream {
  readonly url: string;
  readonly init: RequestInit;
  event(event: string, data: unknown): void;
  raw(text: string): void;
  end(): void;
}

interface ScriptedPost {
  readonly url: string;
  readonly init: RequestInit;
  readonly body: { stream?: string; add: string[]; remove: string[] };
}

/**
 * A hub stand-in driven step by step: each stream request opens a stream the test writes to (or
 * gets `answerStream`'s answer), each subscription request gets `answerPost`'s answer. Aborting a
 * request's signal breaks its stream, as fetch does.
 */
function scriptedHub() {
  const streams: ScriptedStream[] = [];
  const posts: ScriptedPost[] = [];
  const hub = {
    streams,
    posts,
    answerStream: undefined as ((init: RequestInit) => Response | Promise<Response>) | undefined,
    answerPost: (() => new Response(null, { status: 204 })) as (post: ScriptedPost) => Response | Promise<Response>,
    fetch: (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const url = String(input);
      if (url.includes('/subscriptions')) {
        const post: ScriptedPost = { url, init, body: JSON.parse(init.body as string) as ScriptedPost['body'] };
        posts.push(post);
        return hub.answerPost(post);
      }
      if (hub.answerStream) {
        streams.push({ url, init, event: () => undefined, raw: () => undefined, end: () => undefined });
        return hub.answerStream(init);
      }
      const encoder = new TextEncoder();
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      let done = false;
      const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
      const stream: ScriptedStream = {
        url,
        init,
        raw: (text) => !done && controller.enqueue(encoder.encode(text)),
        event: (event, data) => stream.raw(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
        end: () => {
          if (!done) controller.close();
          done = true;
        },
      };
      init.signal?.addEventListener('abort', () => {
        if (!done) controller.error(new DOMException('aborted', 'AbortError'));
        done = true;
      });
      streams.push(stream);
      return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
    }) as typeof fetch,
  };
  return hub;
}

/** Lets every pending promise and stream read run (setImmediate is not faked). */
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createHubStream on a scripted hub', () => {
  let connection: HubConnection | undefined;
  let log: Array<[string, unknown]>;
  const handlers = {
    presence: (list: readonly Presence[]) => log.push(['presence', list]),
    failure: (list: ReadonlyArray<{ userId: UserId; error: unknown }>) => log.push(['failure', list]),
    state: (state: HubConnectionState) => log.push(['state', state]),
    tenant: (tenant: number) => log.push(['tenant', tenant]),
  };
  const states = () => log.filter(([kind]) => kind === 'state').map(([, s]) => s);
  const of = (kind: string) => log.filter(([k]) => k === kind).map(([, v]) => v);

  beforeEach(() => {
    vi.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    log = [];
  });

  afterEach(() => {
    connection?.close();
    connection = undefined;
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  async function openOn(hub: ReturnType<typeof scriptedHub>, options: Partial<Parameters<typeof createHubStream>[0]> = {}) {
    connection = createHubStream({ url: HUB_URL, fetch: hub.fetch, ...options }).connect(handlers);
    await settle();
    return connection;
  }

  /** A stream `s1` ready (no reconnect jitter), whose subscription posts wait for `answer`. */
  async function readyWithPostHeld() {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const hub = scriptedHub();
    const answer = deferred<Response>();
    hub.answerPost = () => answer.promise;
    await openOn(hub);
    hub.streams[0]!.event('ready', { stream: 's1' });
    return { hub, answer };
  }

  it('refuses a missing or empty url, and strips trailing slashes', async () => {
    for (const options of [undefined, {}, { url: '' }, { url: 5 }]) {
      expect(() => createHubStream(options as never)).toThrow(new TypeError('createHubSource: url is required'));
    }
    const source = createHubStream({ url: 'http://app.test/hub//', fetch: scriptedHub().fetch });
    expect(source).toMatchObject({ kind: 'presence-hub', url: 'http://app.test/hub' });
    const hub = scriptedHub();
    await openOn(hub, { url: 'http://app.test/hub//' });
    expect(hub.streams[0]!.url).toBe('http://app.test/hub/stream');
  });

  it('asks for an event stream, uncached, same-origin by default, with the app’s headers on every request', async () => {
    const hub = scriptedHub();
    await openOn(hub);
    const first = hub.streams[0]!;
    expect(first.url).toBe(`${HUB_URL}/stream`);
    expect(first.init).toMatchObject({ credentials: 'same-origin', cache: 'no-store' });
    expect(new Headers(first.init.headers).get('accept')).toBe('text/event-stream');
    expect(first.init.signal).toBeInstanceOf(AbortSignal);
    connection!.close();

    const withAuth = scriptedHub();
    await openOn(withAuth, { credentials: 'include', headers: async () => ({ authorization: 'Bearer jwt' }) });
    withAuth.streams[0]!.event('ready', { stream: 's1' });
    connection!.setUserIds(['12' as UserId]);
    await vi.advanceTimersByTimeAsync(100);
    const [stream, post] = [withAuth.streams[0]!.init, withAuth.posts[0]!.init];
    expect(stream.credentials).toBe('include');
    expect(new Headers(stream.headers).get('authorization')).toBe('Bearer jwt');
    expect(post).toMatchObject({ method: 'POST', credentials: 'include' });
    expect(new Headers(post.headers).get('authorization')).toBe('Bearer jwt');
    expect(new Headers(post.headers).get('content-type')).toBe('application/json');
    expect(withAuth.posts[0]!.body).toEqual({ stream: 's1', add: ['12'], remove: [] });
  });

  it.each([
    [0, [0]],
    [190, [190]],
    [-1, []],
    [1.5, []],
    ['190', []],
    [2 ** 53, []],
  ])('passes a ready tenant of %s on as %j', async (tenant, expected) => {
    const hub = scriptedHub();
    await openOn(hub);
    hub.streams[0]!.event('ready', { stream: 's1', tenant });
    await settle();
    expect(of('tenant')).toEqual(expected);
    expect(states()).toEqual(['connecting', 'open']);
  });

  it('ignores a ready without a stream id and data that is not JSON, and keeps the stream', async () => {
    const hub = scriptedHub();
    await openOn(hub);
    connection!.setUserIds(['12' as UserId]);
    hub.streams[0]!.event('ready', { tenant: 5 });
    hub.streams[0]!.raw('event: ready\ndata: {not json\n\n');
    await vi.advanceTimersByTimeAsync(100);
    expect(states()).toEqual(['connecting']);
    expect(of('tenant')).toEqual([]);
    // No stream, no subscription request.
    expect(hub.posts).toHaveLength(0);
    hub.streams[0]!.event('ready', { stream: 's1' });
    await vi.advanceTimersByTimeAsync(100);
    expect(states()).toEqual(['connecting', 'open']);
    expect(hub.streams).toHaveLength(1);
  });

  it('keeps only well-formed presences, with their timestamp and observedAt when valid', async () => {
    const hub = scriptedHub();
    await openOn(hub);
    const s = hub.streams[0]!;
    s.event('ready', { stream: 's1' });
    s.event('presence', [
      { userId: '18014398509482123', category: 'BUSY', timestamp: 1700000000000, observedAt: 1700000000500 },
      { userId: '13', category: 'AWAY', timestamp: '1700000000000', observedAt: '5' },
      { userId: '14', category: 'AWAY', timestamp: 1.5 },
      { userId: 15, category: 'AWAY' },
      { userId: 'x', category: 'AWAY' },
      { userId: '16' },
      { userId: '17', category: 7 },
      { userId: '18', category: '' },
      null,
    ]);
    // An observedAt that is no finite number (1e999 reads as Infinity) is left out.
    s.raw('event: presence\ndata: [{"userId":"15","category":"AWAY","observedAt":1e999}]\n\n');
    // Nothing usable: no call at all.
    s.event('presence', [{ userId: '19' }]);
    s.event('presence', []);
    // Not an array: ignored, the stream stays.
    s.event('presence', { userId: '20', category: 'AWAY' });
    await settle();
    const calls = of('presence') as Presence[][];
    expect(calls).toHaveLength(2);
    expect(calls[1]).toStrictEqual([{ userId: '15', category: 'AWAY', isUnknown: false, timestamp: undefined }]);
    expect(calls[0]).toStrictEqual([
      { userId: '18014398509482123', category: 'BUSY', isUnknown: false, timestamp: 1700000000000, observedAt: 1700000000500 },
      { userId: '13', category: 'AWAY', isUnknown: false, timestamp: undefined },
      { userId: '14', category: 'AWAY', isUnknown: false, timestamp: undefined },
    ]);
    expect(hub.streams).toHaveLength(1);
    expect(states()).toEqual(['connecting', 'open']);
  });

  it('turns presence errors into typed errors by status, skipping bad ids', async () => {
    const hub = scriptedHub();
    await openOn(hub);
    const s = hub.streams[0]!;
    s.event('ready', { stream: 's1' });
    s.event('presence-error', [
      { userId: '1', status: 404, message: 'no such user' },
      { userId: '2', status: 403, message: 7 },
      { userId: '3', status: 401 },
      { userId: '4', status: 429 },
      { userId: '5', status: 500 },
      { userId: '6', status: 503 },
      { userId: '7', status: 499 },
      { userId: '8', status: '404' },
      { userId: 9, status: 404 },
      { userId: 'x', status: 404 },
      {},
      null,
    ]);
    s.event('presence-error', [{ userId: 'y', status: 404 }]);
    // Another event's array is not errors.
    s.event('presences', [{ userId: '11', status: 404 }]);
    s.event('presence-error', { userId: '10', status: 404 });
    await settle();
    // Nothing broke the stream.
    expect(states()).toEqual(['connecting', 'open']);
    const calls = of('failure') as Array<Array<{ userId: string; error: PresenceApiError }>>;
    expect(calls).toHaveLength(1);
    expect(calls[0]!.map(({ userId, error }) => [userId, error.kind, error.status, error.serverMessage])).toEqual([
      ['1', 'not-found', 404, 'no such user'],
      ['2', 'forbidden', 403, undefined],
      ['3', 'unauthorized', 401, undefined],
      ['4', 'rate-limited', 429, undefined],
      ['5', 'server', 500, undefined],
      ['6', 'server', 503, undefined],
      ['7', 'bad-request', 499, undefined],
      ['8', 'bad-request', 0, undefined],
    ]);
    expect(calls[0]!.every(({ error }) => error instanceof PresenceApiError && error.endpoint === 'presence hub')).toBe(true);
    expect(hub.streams).toHaveLength(1);
  });

  it('backs off 1, 2, 4 … 30 s between attempts with jitter from half to the whole delay, and says unavailable after 2', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const attempts: number[] = [];
    const failing = (async () => {
      attempts.push(Date.now());
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    connection = createHubStream({ url: HUB_URL, fetch: failing }).connect(handlers);
    await vi.advanceTimersByTimeAsync(499);
    expect(attempts).toEqual([0]);
    expect(states()).toEqual(['connecting']);
    await vi.advanceTimersByTimeAsync(1);
    expect(states()).toEqual(['connecting', 'unavailable']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(attempts).toEqual([0, 500, 1500, 3500, 7500, 15_500, 30_500, 45_500, 60_500]);
    connection.close();

    vi.spyOn(Math, 'random').mockReturnValue(1);
    attempts.length = 0;
    const start = Date.now();
    connection = createHubStream({ url: HUB_URL, fetch: failing }).connect(handlers);
    await vi.advanceTimersByTimeAsync(999);
    expect(attempts).toEqual([start]);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([start, start + 1000]);
  });

  it('with fallbackAfter 1 says unavailable at the first failure, also after an open stream ended', async () => {
    const hub = scriptedHub();
    await openOn(hub, { fallbackAfter: 1 });
    hub.streams[0]!.event('ready', { stream: 's1' });
    await settle();
    hub.streams[0]!.end();
    await settle();
    expect(states()).toEqual(['connecting', 'open', 'connecting', 'unavailable']);
  });

  it('counts streams that end before they are ready as failures', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const hub = scriptedHub();
    await openOn(hub);
    hub.streams[0]!.end();
    await vi.advanceTimersByTimeAsync(500);
    expect(states()).toEqual(['connecting']);
    hub.streams[1]!.end();
    await settle();
    expect(states()).toEqual(['connecting', 'unavailable']);
  });

  it.each([
    ['a refusal without a body', () => new Response(null, { status: 503 })],
    ['a refusal in event-stream form', () => new Response('event: ready\ndata: {"stream":"s"}\n\n', { status: 503, headers: { 'content-type': 'text/event-stream' } })],
    ['an event stream without a body', () => new Response(null, { status: 200, headers: { 'content-type': 'text/event-stream' } })],
    ['an answer without a content type', () => new Response(new Blob(['event: ready\ndata: {"stream":"s"}\n\n']).stream(), { status: 200 })],
  ])('takes %s for a failed attempt and tries again', async (_label, answer) => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const hub = scriptedHub();
    hub.answerStream = answer;
    await openOn(hub);
    await vi.advanceTimersByTimeAsync(500);
    expect(hub.streams).toHaveLength(2);
    expect(states()).toEqual(['connecting', 'unavailable']);
  });

  it('cancels the body of an answer that is not an event stream, even one that never ends', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const cancelled = vi.fn();
    const hub = scriptedHub();
    hub.answerStream = () =>
      new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('event: ready\ndata: {"stream":"s"}\n\n')), cancel: cancelled }), {
        headers: { 'content-type': 'text/html' },
      });
    await openOn(hub);
    expect(cancelled).toHaveBeenCalledOnce();
    expect(states()).toEqual(['connecting']);
    await vi.advanceTimersByTimeAsync(500);
    expect(hub.streams).toHaveLength(2);
  });

  it('after close: the stream is aborted, no retry, no timer, no state and no request', async () => {
    const hub = scriptedHub();
    await openOn(hub);
    hub.streams[0]!.event('ready', { stream: 's1' });
    await settle();
    connection!.setUserIds(['12' as UserId]);
    connection!.close();
    expect(hub.streams[0]!.init.signal!.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    connection!.setUserIds(['13' as UserId]);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(hub.streams).toHaveLength(1);
    expect(hub.posts).toHaveLength(0);
    expect(states()).toEqual(['connecting', 'open']);

    // Closed while the stream request is under way, which then fails: no retry is planned.
    const slow = scriptedHub();
    const answer = deferred<Response>();
    slow.answerStream = () => answer.promise;
    await openOn(slow);
    connection!.close();
    answer.resolve(new Response(null, { status: 503 }));
    await settle();
    expect(vi.getTimerCount()).toBe(0);

    // Closed while a retry waits: the retry is dropped.
    const down = scriptedHub();
    down.answerStream = () => Promise.reject(new TypeError('Failed to fetch'));
    await openOn(down);
    expect(vi.getTimerCount()).toBe(1);
    connection!.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends subscription changes once the stream is ready, one timer per 50 ms batch, nothing when nothing changed', async () => {
    const hub = scriptedHub();
    await openOn(hub);
    const [a, b] = ['21', '22'] as [UserId, UserId];
    connection!.setUserIds([a]);
    connection!.setUserIds([a, b]);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    // Not ready: nothing to subscribe to yet.
    expect(hub.posts).toHaveLength(0);
    hub.streams[0]!.event('ready', { stream: 's1' });
    await vi.advanceTimersByTimeAsync(100);
    expect(hub.posts.map((p) => p.body)).toEqual([{ stream: 's1', add: [a, b], remove: [] }]);
    connection!.setUserIds([b, a]);
    await vi.advanceTimersByTimeAsync(100);
    expect(hub.posts).toHaveLength(1);
    connection!.setUserIds([b]);
    await vi.advanceTimersByTimeAsync(100);
    expect(hub.posts.map((p) => p.body).at(-1)).toEqual({ stream: 's1', add: [], remove: [a] });
  });

  it('keeps one subscription request in flight and sends what changed meanwhile after it', async () => {
    const hub = scriptedHub();
    const answers: Array<ReturnType<typeof deferred<Response>>> = [];
    hub.answerPost = () => {
      answers.push(deferred<Response>());
      return answers.at(-1)!.promise;
    };
    await openOn(hub);
    hub.streams[0]!.event('ready', { stream: 's1' });
    const [a, b, c] = ['31', '32', '33'] as [UserId, UserId, UserId];
    connection!.setUserIds([a, b]);
    await vi.advanceTimersByTimeAsync(100);
    connection!.setUserIds([a, b, c]);
    await vi.advanceTimersByTimeAsync(100);
    expect(hub.posts).toHaveLength(1);
    answers[0]!.resolve(new Response(null, { status: 204 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(hub.posts.map((p) => p.body)).toEqual([
      { stream: 's1', add: [a, b], remove: [] },
      { stream: 's1', add: [c], remove: [] },
    ]);
    // A removal made during a request follows it too.
    connection!.setUserIds([a, b]);
    await vi.advanceTimersByTimeAsync(100);
    expect(hub.posts).toHaveLength(2);
    answers[1]!.resolve(new Response(null, { status: 204 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(hub.posts.map((p) => p.body).at(-1)).toEqual({ stream: 's1', add: [], remove: [c] });
    answers[2]!.resolve(new Response(null, { status: 204 }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(hub.posts).toHaveLength(3);
  });

  it('after a refused subscription request does not loop, and the next change sends the refused ids again', async () => {
    const hub = scriptedHub();
    hub.answerPost = () => new Response('{"message":"busy"}', { status: 500 });
    await openOn(hub);
    hub.streams[0]!.event('ready', { stream: 's1' });
    const [a, b] = ['41', '42'] as [UserId, UserId];
    connection!.setUserIds([a]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(hub.posts).toHaveLength(1);
    hub.answerPost = () => new Response(null, { status: 204 });
    connection!.setUserIds([a, b]);
    await vi.advanceTimersByTimeAsync(100);
    expect(hub.posts.map((p) => p.body).at(-1)).toEqual({ stream: 's1', add: [a, b], remove: [] });
    // A request that fails on the way is not retried in a loop either.
    hub.answerPost = () => Promise.reject(new TypeError('Failed to fetch'));
    connection!.setUserIds([b]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(hub.posts).toHaveLength(3);
    expect(hub.streams).toHaveLength(1);
  });

  it('reopens the stream with the whole set when the hub no longer knows it (404)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const hub = scriptedHub();
    hub.answerPost = () => new Response(null, { status: 404 });
    await openOn(hub);
    hub.streams[0]!.event('ready', { stream: 's1' });
    connection!.setUserIds(['51', '52'] as UserId[]);
    await vi.advanceTimersByTimeAsync(100);
    expect(hub.streams[0]!.init.signal!.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(hub.streams.map((s) => s.url)).toEqual([`${HUB_URL}/stream`, `${HUB_URL}/stream?ids=51,52`]);
    expect(states()).toEqual(['connecting', 'open', 'connecting']);
  });

  it('puts at most 300 ids in the stream URL and subscribes the rest once ready', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const hub = scriptedHub();
    await openOn(hub);
    const ids = Array.from({ length: 301 }, (_, i) => String(1000 + i) as UserId);
    connection!.setUserIds(ids);
    hub.streams[0]!.end();
    await vi.advanceTimersByTimeAsync(500);
    expect(hub.streams[1]!.url).toBe(`${HUB_URL}/stream?ids=${ids.slice(0, 300).join(',')}`);
    hub.streams[1]!.event('ready', { stream: 's2' });
    await vi.advanceTimersByTimeAsync(100);
    expect(hub.posts.map((p) => p.body)).toEqual([{ stream: 's2', add: [ids[300]], remove: [] }]);
  });

  it('does not take an answer for a stream that was replaced meanwhile as the new stream’s state', async () => {
    const { hub, answer } = await readyWithPostHeld();
    const [a, b] = ['61', '62'] as [UserId, UserId];
    connection!.setUserIds([a]);
    await vi.advanceTimersByTimeAsync(100);
    connection!.setUserIds([b]);
    hub.streams[0]!.end();
    await vi.advanceTimersByTimeAsync(500);
    expect(hub.streams[1]!.url).toBe(`${HUB_URL}/stream?ids=${b}`);
    answer.resolve(new Response(null, { status: 204 }));
    hub.answerPost = () => new Response(null, { status: 204 });
    hub.streams[1]!.event('ready', { stream: 's2' });
    await vi.advanceTimersByTimeAsync(1000);
    // s2 was opened with b only: nothing to add or remove.
    expect(hub.posts).toHaveLength(1);
  });

  it('does not drop the new stream when the hub says an older one is gone (404)', async () => {
    const { hub, answer } = await readyWithPostHeld();
    connection!.setUserIds(['71' as UserId]);
    await vi.advanceTimersByTimeAsync(100);
    hub.streams[0]!.end();
    await vi.advanceTimersByTimeAsync(500);
    hub.streams[1]!.event('ready', { stream: 's2' });
    await settle();
    answer.resolve(new Response(null, { status: 404 }));
    await vi.advanceTimersByTimeAsync(5000);
    expect(hub.streams[1]!.init.signal!.aborted).toBe(false);
    expect(hub.streams).toHaveLength(2);
    expect(states()).toEqual(['connecting', 'open', 'connecting', 'open']);
  });
});
