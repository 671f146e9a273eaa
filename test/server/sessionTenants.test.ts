// @vitest-environment node
/**
 * How the proxy learns the session user's tenant (which reads are of external users), through
 * the proxy: from own-presence answers passing through, or by one `GET /v2/user/presence` of its
 * own, whose failures reach the browser as they are.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryGuardStore, createPresenceProxy, type PresenceGuardStore, type PresenceProxyOptions } from '../../src/server';
import { browserRequest, POD_URL } from './proxyTestUtils';

const TOKEN = 'tok-5e55i0n';
const idIn = (tenant: number, n: number) => String((BigInt(tenant) << 36n) + BigInt(n));
const ME = idIn(190, 1);
const COLLEAGUE = idIn(190, 2);
const own = (userId = ME) => `{"category":"AVAILABLE","userId":${userId},"timestamp":1}`;

type Answer = Response | ((init: RequestInit) => Response | Promise<Response>);

/**
 * The proxy over a pod stand-in: `ownAnswers` answer `GET /v2/user/presence` in turn (the last one
 * again when they run out), a user read gets that user's presence.
 */
function rig(ownAnswers: Answer[], extra: Partial<PresenceProxyOptions> = {}) {
  const paths: string[] = [];
  let i = 0;
  const podFetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const path = String(input).slice(POD_URL.length);
    paths.push(path);
    const user = /^\/v3\/user\/(\d+)\/presence/.exec(path);
    if (user) return new Response(own(user[1]), { headers: { 'content-type': 'application/json' } });
    const answer = ownAnswers[Math.min(i++, ownAnswers.length - 1)]!;
    return typeof answer === 'function' ? answer(init) : answer.clone();
  }) as typeof fetch;
  const onError = vi.fn();
  const proxy = createPresenceProxy({ podUrl: POD_URL, getSessionToken: () => TOKEN, fetch: podFetch, onError, ...extra });
  const lookups = () => paths.filter((p) => p === '/v2/user/presence').length;
  return { proxy, paths, onError, lookups };
}

const json = (text: string, status = 200, headers: Record<string, string> = {}) =>
  new Response(text, { status, headers: { 'content-type': 'application/json', ...headers } });
const readColleague = (proxy: (r: Request) => Promise<Response>) => proxy(browserRequest(`/v3/user/${COLLEAGUE}/presence`));
const readOwn = (proxy: (r: Request) => Promise<Response>) => proxy(browserRequest('/v2/user/presence'));

/** A store whose `setTenant` fails, as a Redis that refuses writes. */
function storeFailingSetTenant(): PresenceGuardStore {
  const store = createMemoryGuardStore();
  return Object.assign(Object.create(store) as PresenceGuardStore, { setTenant: () => Promise.reject(new Error('store refuses writes')) });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('learning the tenant from own-presence answers passing through', () => {
  it('learns it from a 2xx answer, up to 299: the next user read makes no lookup', async () => {
    for (const status of [200, 299]) {
      const { proxy, paths } = rig([json(own(), status)]);
      expect((await readOwn(proxy)).status).toBe(status);
      expect((await readColleague(proxy)).status).toBe(200);
      expect(paths).toEqual(['/v2/user/presence', `/v3/user/${COLLEAGUE}/presence`]);
    }
  });

  it.each([300, 400, 404, 500])('does not learn it from a %i answer, even one that names a user', async (status) => {
    const { proxy, lookups } = rig([json(own(), status), json(own())]);
    await readOwn(proxy);
    expect((await readColleague(proxy)).status).toBe(200);
    expect(lookups()).toBe(2);
  });

  it.each([
    ['null', 'null'],
    ['a string', '"AVAILABLE"'],
    ['no userId', '{"category":"AVAILABLE"}'],
  ])('relays an own-presence answer that is %s unchanged and learns nothing', async (_label, body) => {
    const { proxy, lookups } = rig([json(body), json(own())]);
    const answer = await readOwn(proxy);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe(body);
    await readColleague(proxy);
    expect(lookups()).toBe(2);
  });

  it('reports a store that cannot keep the tenant, and still answers', async () => {
    const { proxy, onError } = rig([json(own())], { store: storeFailingSetTenant() });
    expect((await readOwn(proxy)).status).toBe(200);
    expect(onError).toHaveBeenCalledOnce();
    expect(onError).toHaveBeenCalledWith(new Error('store refuses writes'), { route: 'getOwn' });
  });
});

describe("the proxy's own lookup before the first user read", () => {
  it('is one GET /v2/user/presence, then the read; a store that cannot keep the tenant is reported under getUser', async () => {
    const { proxy, paths, onError } = rig([json(own())], { store: storeFailingSetTenant() });
    expect((await readColleague(proxy)).status).toBe(200);
    expect(paths).toEqual(['/v2/user/presence', `/v3/user/${COLLEAGUE}/presence`]);
    expect(onError).toHaveBeenCalledWith(new Error('store refuses writes'), { route: 'getUser' });
  });

  it("relays the pod's refusal (401, 429 with Retry-After) and forwards no read", async () => {
    const refusal = rig([json('{"code":401,"message":"Invalid session"}', 401)]);
    const answer = await readColleague(refusal.proxy);
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ code: 401, message: 'Invalid session' });
    expect(refusal.paths).toEqual(['/v2/user/presence']);

    const limited = rig([json('{"code":429,"message":"slow down"}', 429, { 'retry-after': '7' })]);
    const busy = await readColleague(limited.proxy);
    expect(busy.status).toBe(429);
    expect(busy.headers.get('retry-after')).toBe('7');
    // 300 is no success either.
    expect((await readColleague(rig([json(own(), 300)]).proxy)).status).toBe(300);
  });

  it('relays a failing pod’s answer as its own 5xx, reported under getUser', async () => {
    const { proxy, onError } = rig([new Response('<html>down</html>', { status: 503 })]);
    expect((await readColleague(proxy)).status).toBe(503);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ name: 'PodAnswerError' }), { route: 'getUser' });
  });

  it('passes an unreachable or slow pod on as 502 and 504', async () => {
    const down = rig([
      () => {
        throw new TypeError('fetch failed');
      },
    ]);
    const answer = await readColleague(down.proxy);
    expect(answer.status).toBe(502);
    expect(await answer.json()).toEqual({ code: 502, message: 'The pod could not be reached' });
    expect(down.onError).toHaveBeenCalledWith(new TypeError('fetch failed'), { route: 'getUser' });

    vi.useFakeTimers();
    const slow = rig([(init) => new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)))], {
      timeoutMs: 1000,
    });
    const pending = readColleague(slow.proxy);
    await vi.advanceTimersByTimeAsync(1001);
    expect((await pending).status).toBe(504);
  });

  it('takes any 2xx answer, up to 299, and a stand-in status under 200 for no answer', async () => {
    const { proxy, paths } = rig([json(own(), 299)]);
    expect((await readColleague(proxy)).status).toBe(200);
    expect(paths).toEqual(['/v2/user/presence', `/v3/user/${COLLEAGUE}/presence`]);

    // A fetch stand-in may answer what a Response cannot hold: not a success either way.
    const early = () => ({ status: 199, headers: new Headers({ 'content-type': 'application/json' }), body: new Response(own()).body }) as Response;
    const viaLookup = rig([early, json(own())]);
    expect((await readColleague(viaLookup.proxy)).status).not.toBe(200);
    expect(viaLookup.paths).toEqual(['/v2/user/presence']);
    const viaOwnRead = rig([early, json(own())]);
    await readOwn(viaOwnRead.proxy);
    await readColleague(viaOwnRead.proxy);
    expect(viaOwnRead.lookups()).toBe(2);
  });

  it("answers 502 when the pod's answer names no user", async () => {
    const { proxy, paths } = rig([json('{"category":"AVAILABLE"}')]);
    const answer = await readColleague(proxy);
    expect(answer.status).toBe(502);
    expect(await answer.json()).toEqual({ code: 502, message: "Could not tell the session user's company from the pod's answer" });
    expect(paths).toEqual(['/v2/user/presence']);
  });

  it('forgets a finished lookup: after a failed one, the next read looks up again', async () => {
    const { proxy, lookups } = rig([json('{"code":401}', 401), json(own())]);
    expect((await readColleague(proxy)).status).toBe(401);
    expect((await readColleague(proxy)).status).toBe(200);
    expect(lookups()).toBe(2);
  });
});
