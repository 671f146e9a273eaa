// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import type { UserId } from '../../src/model';
import { createMockPod, DEFAULT_SESSION_TOKEN, type MockPod } from '../../src/mock-pod';
import { createPresenceProxy, type PresenceProxyOptions } from '../../src/server';
import { APP, browserRequest, jsonPost, MOUNT, podFetch, POD_URL, type UpstreamCall } from './proxyTestUtils';

interface Setup {
  pod: MockPod;
  proxy: (request: Request) => Promise<Response>;
  calls: UpstreamCall[];
}

function setup(extra: Partial<PresenceProxyOptions> = {}): Setup {
  const pod = createMockPod({ churn: false });
  const { fetch, calls } = podFetch(pod);
  const proxy = createPresenceProxy({ podUrl: POD_URL, getSessionToken: () => DEFAULT_SESSION_TOKEN, fetch, ...extra });
  return { pod, proxy, calls };
}

const home = (pod: MockPod, n = 1): UserId => pod.users.filter((u) => u.tenantId === pod.homeTenantId)[n]!.id;

describe('allow-list', () => {
  it.each([
    ['GET', '/v2/user/presence', undefined, 'GET', '/v2/user/presence', undefined],
    ['POST', '/v2/user/presence?soft=TRUE', '{"category":"BUSY"}', 'POST', '/v2/user/presence?soft=true', '{"category":"BUSY"}'],
    ['POST', '/v2/user/presence', '{"category":"AWAY"}', 'POST', '/v2/user/presence', '{"category":"AWAY"}'],
    ['GET', '/v2/users/presence?limit=5000&lastUserId=12987981103203', undefined, 'GET', '/v2/users/presence?limit=5000&lastUserId=12987981103203', undefined],
    ['GET', '/v2/users/presence?limit=1', undefined, 'GET', '/v2/users/presence?limit=1', undefined],
    ['GET', '/v2/users/presence', undefined, 'GET', '/v2/users/presence', undefined],
    ['GET', '/v3/user/12987981103236/presence', undefined, 'GET', '/v3/user/12987981103236/presence', undefined],
    ['GET', '/v3/user/012987981103236/presence?local=false', undefined, 'GET', '/v3/user/12987981103236/presence?local=false', undefined],
    ['POST', '/v1/user/presence/register', '[12987981103236]', 'POST', '/v1/user/presence/register', '[12987981103236]'],
  ])('%s %s is forwarded as %s %s', async (method, path, body, upMethod, upPath, upBody) => {
    const { proxy, calls } = setup();
    const init: RequestInit = { method };
    if (body !== undefined) Object.assign(init, { body, headers: { 'content-type': 'application/json' } });
    const response = await proxy(browserRequest(path, init));
    expect(response.status).toBeLessThan(300);
    // A user read may be preceded by the tenant lookup; the forwarded request is the last call.
    expect(calls.at(-1)).toMatchObject({ method: upMethod, path: upPath, body: upBody });
  });

  it.each([
    ['GET', `${MOUNT}/v1/admin/user/list`],
    ['GET', `${MOUNT}/v2/user/presence/`],
    ['GET', `${MOUNT}/v1/presence/feed/create`],
    ['POST', `${MOUNT}/v3/user/presence`],
    ['GET', '/api/symphony/podv2/user/presence'],
    ['GET', '/v2/user/presence'],
    ['GET', `${MOUNT}`],
    ['GET', `${MOUNT}/v3/user/12987981103236/presence/../../../../admin`],
    ['GET', `${MOUNT}/../pod/../admin/v2/user/presence`],
  ])('%s %s is 404 with a JSON body and never forwarded', async (method, path) => {
    const { proxy, calls } = setup();
    const response = await proxy(new Request(`${APP}${path}`, { method }));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 404, message: 'Not found' });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['POST', `${MOUNT}/v3/user/12987981103236/presence`, 'GET'],
    ['DELETE', `${MOUNT}/v2/user/presence`, 'GET, POST'],
    ['PUT', `${MOUNT}/v2/user/presence`, 'GET, POST'],
    ['PATCH', `${MOUNT}/v1/user/presence/register`, 'POST'],
    ['HEAD', `${MOUNT}/v2/user/presence`, 'GET, POST'],
    ['OPTIONS', `${MOUNT}/v2/user/presence`, 'GET, POST'],
    ['GET', `${MOUNT}/v1/user/presence/register`, 'POST'],
    ['POST', `${MOUNT}/v2/users/presence`, 'GET'],
  ])('%s %s is 405 with Allow: %s and never forwarded', async (method, path, allow) => {
    const { proxy, calls } = setup();
    const response = await proxy(new Request(`${APP}${path}`, { method }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    if (method !== 'HEAD') expect(await response.json()).toEqual({ code: 405, message: 'Method not allowed' });
    expect(calls).toHaveLength(0);
  });

  it('honours another mount path, and "" for frameworks that strip it', async () => {
    const a = setup({ mountPath: '/presence/' });
    expect((await a.proxy(new Request(`${APP}/presence/v2/user/presence`))).status).toBe(200);
    expect((await a.proxy(new Request(`${APP}${MOUNT}/v2/user/presence`))).status).toBe(404);
    const b = setup({ mountPath: '' });
    expect((await b.proxy(new Request(`${APP}/v2/user/presence`))).status).toBe(200);
  });

  it('refuses a podUrl it could leak the token through', () => {
    const base = { getSessionToken: () => 't' };
    expect(() => createPresenceProxy({ ...base, podUrl: 'pod.example.com' })).toThrow(TypeError);
    expect(() => createPresenceProxy({ ...base, podUrl: 'ftp://pod.example.com' })).toThrow(TypeError);
    expect(() => createPresenceProxy({ ...base, podUrl: 'https://pod.example.com/pod?x=1' })).toThrow(TypeError);
    expect(() => createPresenceProxy({ ...base, podUrl: 'https://u:p@pod.example.com/pod' })).toThrow(TypeError);
  });
});

describe('bad input is refused with 400 and never forwarded', () => {
  it.each([
    '/v3/user/..%2Fadmin/presence',
    '/v3/user/..%2F..%2Fv1%2Fadmin/presence',
    '/v3/user/0/presence',
    '/v3/user/-1/presence',
    '/v3/user/1.5/presence',
    '/v3/user/1e5/presence',
    '/v3/user/abc/presence',
    '/v3/user/%31%32/presence',
    '/v3/user//presence',
    '/v3/user/9223372036854775808/presence',
    '/v3/user/12987981103236/presence?local=1',
    '/v3/user/12987981103236/presence?local=true&local=false',
    '/v3/user/12987981103236/presence?sessionToken=x',
    '/v2/user/presence?debug=1',
    '/v2/users/presence?limit=0',
    '/v2/users/presence?limit=5001',
    '/v2/users/presence?limit=ten',
    '/v2/users/presence?limit=-1',
    '/v2/users/presence?lastUserId=..%2Fadmin',
    '/v2/users/presence?lastUserId=12.5',
    '/v2/users/presence?limit=10&limit=20',
    '/v2/users/presence?__proto__=1',
  ])('GET %s', async (path) => {
    const { proxy, calls } = setup();
    const response = await proxy(browserRequest(path));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 400 });
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['/v1/user/presence/register', '["../admin"]'],
    ['/v1/user/presence/register', '[1.5]'],
    ['/v1/user/presence/register', '[-3]'],
    ['/v1/user/presence/register', '[0]'],
    ['/v1/user/presence/register', '[true]'],
    ['/v1/user/presence/register', '[null]'],
    ['/v1/user/presence/register', '[[1]]'],
    ['/v1/user/presence/register', '[9223372036854775808]'],
    ['/v1/user/presence/register', '{"ids":[1]}'],
    ['/v1/user/presence/register', '[]'],
    ['/v1/user/presence/register', 'not json'],
    ['/v1/user/presence/register', ''],
    ['/v1/user/presence/register?x=1', '[12987981103236]'],
    ['/v2/user/presence', '{"category":"../admin"}'],
    ['/v2/user/presence', '{"category":""}'],
    ['/v2/user/presence', '{"category":5}'],
    ['/v2/user/presence', '["BUSY"]'],
    ['/v2/user/presence', 'BUSY'],
    ['/v2/user/presence?soft=yes', '{"category":"BUSY"}'],
  ])('POST %s %s', async (path, body) => {
    const { proxy, calls } = setup();
    const response = await proxy(jsonPost(path, body));
    expect(response.status).toBe(400);
    expect(calls).toHaveLength(0);
  });

  it('refuses a body that is not UTF-8', async () => {
    const { proxy, calls } = setup();
    const response = await proxy(
      browserRequest('/v2/user/presence', { method: 'POST', body: new Uint8Array([0x7b, 0xff, 0x7d]), headers: { 'content-type': 'application/json' } }),
    );
    expect(response.status).toBe(400);
    expect(calls).toHaveLength(0);
  });

  it('rebuilds bodies: canonical ids without duplicates, every digit kept; extra fields dropped', async () => {
    const { pod, proxy, calls } = setup();
    const far = pod.users.find((u) => u.tenantId === 200000)!.id;
    expect(BigInt(far)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    const near = home(pod);
    const response = await proxy(jsonPost('/v1/user/presence/register', `[ "${far}", ${near}, ${far}, "0${near}" ]`));
    expect(response.status).toBe(200);
    expect(calls.at(-1)?.body).toBe(`[${far},${near}]`);

    await proxy(jsonPost('/v2/user/presence', '{"category":"BUSY","userId":1,"__proto__":{"x":1}}'));
    expect(calls.at(-1)?.body).toBe('{"category":"BUSY"}');
  });
});

describe('size limits', () => {
  it('answers 413 to a body over maxBodyBytes, declared or streamed, without forwarding', async () => {
    const { proxy, calls } = setup({ maxBodyBytes: 100 });
    const big = `[${Array.from({ length: 30 }, () => '12987981103236').join(',')}]`;
    expect(big.length).toBeGreaterThan(100);
    const declared = await proxy(jsonPost('/v1/user/presence/register', big));
    expect(declared.status).toBe(413);

    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode('[12987981103236,'.repeat(4)));
      },
    });
    const streamed = await proxy(
      browserRequest('/v1/user/presence/register', { method: 'POST', body: endless, duplex: 'half', headers: { 'content-type': 'application/json' } }),
    );
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ code: 413 });
    // It stopped reading right after the limit instead of reading forever.
    expect(pulled).toBeLessThan(10);
    expect(calls).toHaveLength(0);
  });

  it('accepts exactly maxIds ids and answers 413 to one more', async () => {
    const { pod, proxy, calls } = setup({ maxIds: 3 });
    const ids = pod.users.filter((u) => u.tenantId === 190).map((u) => u.id);
    expect((await proxy(jsonPost('/v1/user/presence/register', `[${ids.slice(0, 3).join(',')}]`))).status).toBe(200);
    expect(calls).toHaveLength(1);
    const over = await proxy(jsonPost('/v1/user/presence/register', `[${ids.slice(0, 4).join(',')}]`));
    expect(over.status).toBe(413);
    expect(calls).toHaveLength(1);
  });

  it('answers 502 instead of relaying a pod answer over maxResponseBytes', async () => {
    const { proxy } = setup({ maxResponseBytes: 200 });
    expect((await proxy(browserRequest('/v2/users/presence?limit=1'))).status).toBe(200);
    const response = await proxy(browserRequest('/v2/users/presence?limit=50'));
    expect(response.status).toBe(502);
  });
});

describe('sessions', () => {
  it('answers 401 when there is no session and 503 when looking it up fails, forwarding nothing', async () => {
    const onError = vi.fn();
    const missing = setup({ getSessionToken: () => undefined });
    expect((await missing.proxy(browserRequest('/v2/user/presence'))).status).toBe(401);
    const failing = setup({
      onError,
      getSessionToken: () => {
        throw new Error('OBO endpoint down');
      },
    });
    expect((await failing.proxy(browserRequest('/v2/user/presence'))).status).toBe(503);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'OBO endpoint down' }), { route: 'getOwn' });
    const unusable = setup({ getSessionToken: () => 'line\nbreak' });
    expect((await unusable.proxy(browserRequest('/v2/user/presence'))).status).toBe(500);
    expect([...missing.calls, ...failing.calls, ...unusable.calls]).toHaveLength(0);
  });

  it('gives getSessionToken the browser request, so it can find the user by cookie', async () => {
    const pod = createMockPod({ churn: false });
    const alice = pod.createSession({ userId: home(pod, 3) });
    const { fetch, calls } = podFetch(pod);
    const proxy = createPresenceProxy({
      podUrl: POD_URL,
      fetch,
      getSessionToken: (request) => (request.headers.get('cookie') === 'app=alice' ? alice : undefined),
    });
    const response = await proxy(browserRequest('/v2/user/presence', { headers: { cookie: 'app=alice' } }));
    expect(await response.json()).toMatchObject({ userId: Number(home(pod, 3)) });
    expect(calls[0]?.headers.sessiontoken).toBe(alice);
  });
  it('tells the app when the pod rejects its token, so the next request can re-authenticate', async () => {
    const pod = createMockPod({ churn: false });
    const { fetch } = podFetch(pod);
    let token = DEFAULT_SESSION_TOKEN;
    const onUnauthorized = vi.fn((request: Request) => {
      expect(request.url).toBe(`${APP}${MOUNT}/v2/user/presence`);
      token = pod.createSession({ userId: pod.defaultUserId });
    });
    const proxy = createPresenceProxy({ podUrl: POD_URL, fetch, getSessionToken: () => token, onUnauthorized });
    pod.expireSession(DEFAULT_SESSION_TOKEN);
    expect((await proxy(browserRequest('/v2/user/presence'))).status).toBe(401);
    expect(onUnauthorized).toHaveBeenCalledOnce();
    expect((await proxy(browserRequest('/v2/user/presence'))).status).toBe(200);
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('stops waiting for the pod when the browser goes away', async () => {
    let upstreamSignal: AbortSignal | undefined;
    const proxy = createPresenceProxy({
      podUrl: POD_URL,
      getSessionToken: () => 'tok-123456',
      fetch: (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          upstreamSignal = init?.signal ?? undefined;
          upstreamSignal?.addEventListener('abort', () => reject(upstreamSignal?.reason));
        }),
    });
    const browser = new AbortController();
    const pending = proxy(browserRequest('/v2/user/presence', { signal: browser.signal }));
    await vi.waitFor(() => expect(upstreamSignal).toBeDefined());
    browser.abort();
    expect((await pending).status).toBe(502);
    expect(upstreamSignal?.aborted).toBe(true);
  });
});

describe('learning the session user tenant', () => {
  it('makes one own-presence call before the first user read, and none once known', async () => {
    const { pod, proxy, calls } = setup();
    const [a, b, c] = [home(pod, 1), home(pod, 2), home(pod, 3)];
    const answers = await Promise.all([a, b, c].map((id) => proxy(browserRequest(`/v3/user/${id}/presence`))));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(calls.filter((call) => call.path === '/v2/user/presence')).toHaveLength(1);
    await proxy(browserRequest(`/v3/user/${a}/presence`));
    expect(calls.filter((call) => call.path === '/v2/user/presence')).toHaveLength(1);
  });

  it('learns it from an own-presence answer passing through', async () => {
    const { pod, proxy, calls } = setup();
    await proxy(browserRequest('/v2/user/presence'));
    await proxy(browserRequest(`/v3/user/${home(pod)}/presence`));
    expect(calls.map((call) => call.path)).toEqual(['/v2/user/presence', `/v3/user/${home(pod)}/presence`]);
  });

  it("relays the pod's refusal of the lookup (e.g. an expired session) and forwards no read", async () => {
    const { pod, proxy, calls } = setup();
    pod.expireSession(DEFAULT_SESSION_TOKEN);
    const response = await proxy(browserRequest(`/v3/user/${home(pod)}/presence`));
    expect(response.status).toBe(401);
    expect(calls.map((call) => call.path)).toEqual(['/v2/user/presence']);
  });
});

describe('pod failures', () => {
  it('answers 502 when the pod cannot be reached and 504 when it is too slow', async () => {
    vi.useFakeTimers();
    try {
      const onError = vi.fn();
      const down = createPresenceProxy({
        podUrl: POD_URL,
        getSessionToken: () => 'tok-123456',
        onError,
        fetch: async () => {
          throw new TypeError('fetch failed');
        },
      });
      expect((await down(browserRequest('/v2/user/presence'))).status).toBe(502);
      expect(onError).toHaveBeenCalledOnce();

      const slow = createPresenceProxy({
        podUrl: POD_URL,
        getSessionToken: () => 'tok-123456',
        timeoutMs: 1000,
        fetch: (_url, init) =>
          new Promise<Response>((_resolve, reject) => {
            init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
          }),
      });
      const pending = slow(browserRequest('/v2/user/presence'));
      await vi.advanceTimersByTimeAsync(1001);
      expect((await pending).status).toBe(504);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never follows a redirect with the token', async () => {
    const seen: RequestInit[] = [];
    const proxy = createPresenceProxy({
      podUrl: POD_URL,
      getSessionToken: () => 'tok-123456',
      fetch: async (_url, init) => {
        seen.push(init ?? {});
        throw new TypeError('redirect mode is set to error');
      },
    });
    expect((await proxy(browserRequest('/v2/user/presence'))).status).toBe(502);
    expect(seen[0]?.redirect).toBe('error');
  });
});
