// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createMockPod, DEFAULT_SESSION_TOKEN } from '../../src/mock-pod';
import { createPresenceProxy, type PresenceProxyOptions } from '../../src/server';
import { APP, browserRequest, MOUNT, podFetch, POD_URL } from './proxyTestUtils';

function setup(extra: Partial<PresenceProxyOptions> = {}) {
  const pod = createMockPod({ churn: false });
  const { fetch, calls } = podFetch(pod);
  const proxy = createPresenceProxy({ podUrl: POD_URL, getSessionToken: () => DEFAULT_SESSION_TOKEN, fetch, ...extra });
  const external = pod.users.find((u) => u.tenantId !== pod.homeTenantId && pod.isConnected(pod.defaultUserId, u.id))!.id;
  return { pod, proxy, calls, external };
}

const post = (path: string, body: string, headers: Record<string, string>) =>
  browserRequest(path, { method: 'POST', body, headers });

describe('CSRF: bodies a page of another site can send without a preflight', () => {
  it.each([
    ['text/plain', '{"category":"BUSY"}'],
    ['text/plain;charset=UTF-8', '{"category":"BUSY"}'],
    ['application/x-www-form-urlencoded', '{"category":"BUSY"}'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="category"\r\n\r\nBUSY\r\n--x--'],
    ['application/jsonp', '{"category":"BUSY"}'],
    ['text/plain; x=application/json', '{"category":"BUSY"}'],
  ])('POST with Content-Type %s is 415 and never forwarded', async (type, body) => {
    const { proxy, calls, pod } = setup();
    const before = pod.getUser(pod.defaultUserId)!.chosenCategory;
    const response = await proxy(post('/v2/user/presence', body, { 'content-type': type }));
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ code: 415, message: 'Content-Type must be application/json' });
    expect(calls).toHaveLength(0);
    expect(pod.getUser(pod.defaultUserId)!.chosenCategory).toBe(before);
  });

  it('a POST without any Content-Type is 415, a registration too', async () => {
    const { proxy, calls, external } = setup();
    const request = new Request(`${APP}${MOUNT}/v1/user/presence/register`, { method: 'POST', body: new Blob([`[${external}]`]) });
    expect(request.headers.get('content-type')).toBeNull();
    expect((await proxy(request)).status).toBe(415);
    expect(calls).toHaveLength(0);
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8'])('accepts %s', async (type) => {
    const { proxy, calls } = setup();
    expect((await proxy(post('/v2/user/presence', '{"category":"BUSY"}', { 'content-type': type }))).status).toBe(200);
    expect(calls).toHaveLength(1);
  });
});

describe('CSRF: requests started by another site', () => {
  it('refuses Sec-Fetch-Site: cross-site, so an <img> on another site cannot spend the read budget', async () => {
    const { proxy, calls, external } = setup();
    const json = { 'content-type': 'application/json' };
    expect((await proxy(post('/v1/user/presence/register', `[${external}]`, json))).status).toBe(200);
    const attack = await proxy(browserRequest(`/v3/user/${external}/presence`, { headers: { 'sec-fetch-site': 'cross-site' } }));
    expect(attack.status).toBe(403);
    expect(await attack.json()).toEqual({ code: 403, message: 'Cross-site request refused' });
    // The victim's own read still gets through: nothing was claimed by the refused one.
    const own = await proxy(browserRequest(`/v3/user/${external}/presence`, { headers: { 'sec-fetch-site': 'same-origin' } }));
    expect(own.status).toBe(200);
    expect(calls.filter((c) => c.path.startsWith('/v3/'))).toHaveLength(1);
  });

  it.each([
    ['another site', { origin: 'https://evil.example' }],
    ['another port of the same host', { origin: 'http://app.test:8080' }],
    ['a sibling subdomain (same-site)', { origin: 'http://x.app.test', 'sec-fetch-site': 'same-site' }],
    ['an opaque origin (sandboxed frame)', { origin: 'null' }],
    ['a malformed origin', { origin: 'not a url' }],
    ['cross-site with no Origin (a navigation)', { 'sec-fetch-site': 'cross-site' }],
    ['a sibling subdomain with no Origin (an <img>)', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors' }],
    ['cross-site with the app origin forged into Origin', { origin: 'http://app.test', 'sec-fetch-site': 'cross-site' }],
  ])('refuses a request from %s with 403', async (_name, headers) => {
    const { proxy, calls } = setup();
    const get = await proxy(browserRequest('/v2/user/presence', { headers }));
    expect(get.status).toBe(403);
    const set = await proxy(post('/v2/user/presence', '{"category":"BUSY"}', { ...headers, 'content-type': 'application/json' }));
    expect(set.status).toBe(403);
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['the same origin, by Host header', { origin: 'https://app.example', host: 'app.example' }],
    ['the same origin, by request URL', { origin: APP, 'sec-fetch-site': 'same-origin' }],
    ['a non-browser client (no Origin, no Sec-Fetch-Site)', {}],
    ['a user typing the URL (Sec-Fetch-Site: none)', { 'sec-fetch-site': 'none' }],
  ])('accepts a request from %s', async (_name, headers) => {
    const { proxy } = setup();
    expect((await proxy(browserRequest('/v2/user/presence', { headers }))).status).toBe(200);
  });

  it('accepts origins the app names, cross-site ones included (the Symphony client)', async () => {
    const { proxy } = setup({ clientOrigin: 'https://acme.symphony.com', allowedOrigins: ['https://desk.example:8443'] });
    for (const origin of ['https://acme.symphony.com', 'https://desk.example:8443', 'HTTPS://ACME.SYMPHONY.COM']) {
      const response = await proxy(browserRequest('/v2/user/presence', { headers: { origin, 'sec-fetch-site': 'cross-site' } }));
      expect(response.status, origin).toBe(200);
    }
    const other = await proxy(browserRequest('/v2/user/presence', { headers: { origin: 'https://evil.symphony.com' } }));
    expect(other.status).toBe(403);
  });

  it('refuses origin options that are not origins', () => {
    const base = { podUrl: POD_URL, getSessionToken: () => 't' };
    expect(() => createPresenceProxy({ ...base, allowedOrigins: ['*'] })).toThrow(TypeError);
    expect(() => createPresenceProxy({ ...base, allowedOrigins: ['https://a.example/path'] })).toThrow(TypeError);
    expect(() => createPresenceProxy({ ...base, clientOrigin: 'acme.symphony.com' })).toThrow(TypeError);
    expect(() => createPresenceProxy({ ...base, allowedOrigins: ['https://a.example/'] })).not.toThrow();
  });
});
