// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMockPod, DEFAULT_SESSION_TOKEN } from '../../src/mock-pod';
import { createMemoryGuardStore, createPresenceProxy, type PresenceProxyOptions } from '../../src/server';
import { EXTERNAL_READ_GAP_MS, INTEREST_TTL_MS } from '../../src/sync/options';
import { browserRequest, jsonPost, podFetch, POD_URL } from './proxyTestUtils';

const ids = (n: number, from = 1_000_000) => Array.from({ length: n }, (_, i) => String(from + i));

describe('createMemoryGuardStore keeps its memory bounded', () => {
  it('keeps at most maxEntriesPerSession of 300,000 registrations from one session, forgetting the least recently used', async () => {
    const store = createMemoryGuardStore();
    const all = ids(300_000);
    for (let i = 0; i < all.length; i += 1000) await store.recordRegistration('flood', all.slice(i, i + 1000), 0, INTEREST_TTL_MS);
    expect(store.size()).toEqual({ reads: 0, registrations: 10_000, tenants: 0, sessions: 1 });
    expect(await store.isRegistered('flood', all.at(-1)!, 1)).toBe(true);
    // Forgotten: the read waits for a new registration (428), the safe side of the limit.
    expect(await store.isRegistered('flood', all[0]!, 1)).toBe(false);
  });

  it('forgets the least recently used registration, not one in use', async () => {
    const store = createMemoryGuardStore({ maxEntriesPerSession: 3 });
    await store.recordRegistration('s', ['1', '2', '3'], 0, INTEREST_TTL_MS);
    expect(await store.isRegistered('s', '1', 1)).toBe(true);
    await store.recordRegistration('s', ['4'], 2, INTEREST_TTL_MS);
    expect(await store.isRegistered('s', '1', 3)).toBe(true);
    expect(await store.isRegistered('s', '2', 3)).toBe(false);
    expect(store.size().registrations).toBe(3);
  });

  it('caps all entries, forgetting registrations and tenants of the least recently active sessions first', async () => {
    const store = createMemoryGuardStore({ maxEntries: 10 });
    await store.setTenant('idle', 189, 0, INTEREST_TTL_MS);
    await store.recordRegistration('idle', ids(4), 0, INTEREST_TTL_MS);
    await store.recordRegistration('busy', ids(8, 2_000_000), 1, INTEREST_TTL_MS);
    const size = store.size();
    expect(size.registrations + size.tenants + size.reads).toBeLessThanOrEqual(10);
    expect(await store.isRegistered('busy', '2000007', 2)).toBe(true);
    expect(await store.isRegistered('idle', '1000000', 2)).toBe(false);
    // Thousands of sessions cannot grow it either.
    for (let s = 0; s < 2000; s++) await store.recordRegistration(`s${s}`, ['1', '2'], 3, INTEREST_TTL_MS);
    const after = store.size();
    expect(after.registrations + after.tenants + after.reads).toBeLessThanOrEqual(10);
    expect(after.sessions).toBeLessThanOrEqual(10);
  });

  it('never drops a live read claim to make room: a claim past the caps is refused', async () => {
    const store = createMemoryGuardStore({ maxEntriesPerSession: 2, maxEntries: 3 });
    expect((await store.claimRead('s', '1', 0, EXTERNAL_READ_GAP_MS)).ok).toBe(true);
    expect((await store.claimRead('s', '2', 0, EXTERNAL_READ_GAP_MS)).ok).toBe(true);
    const perSession = await store.claimRead('s', '3', 1000, EXTERNAL_READ_GAP_MS);
    expect(perSession).toEqual({ ok: false, retryAfterMs: EXTERNAL_READ_GAP_MS - 1000 });
    expect((await store.claimRead('t', '1', 0, EXTERNAL_READ_GAP_MS)).ok).toBe(true);
    // Three live claims fill the store: registrations give way, claims do not.
    await store.recordRegistration('t', ['9'], 0, INTEREST_TTL_MS);
    expect(store.size().registrations).toBe(0);
    expect((await store.claimRead('u', '1', 0, EXTERNAL_READ_GAP_MS)).ok).toBe(false);
    for (const [s, id] of [['s', '1'], ['s', '2'], ['t', '1']] as const) expect((await store.claimRead(s, id, 1, EXTERNAL_READ_GAP_MS)).ok).toBe(false);
    // Once the claims expire there is room again.
    expect((await store.claimRead('u', '1', EXTERNAL_READ_GAP_MS, EXTERNAL_READ_GAP_MS)).ok).toBe(true);
  });

  it('rate-limits registration requests per session and window', async () => {
    const store = createMemoryGuardStore();
    for (let i = 0; i < 3; i++) expect((await store.takeRegistration('s', i, 3, 60_000)).ok).toBe(true);
    expect(await store.takeRegistration('s', 10_000, 3, 60_000)).toEqual({ ok: false, retryAfterMs: 50_000 });
    expect((await store.takeRegistration('other', 10_000, 3, 60_000)).ok).toBe(true);
    expect((await store.takeRegistration('s', 60_000, 3, 60_000)).ok).toBe(true);
  });
});

describe('the proxy on a bounded store', () => {
  function rig(extra: Partial<PresenceProxyOptions> = {}) {
    const clock = { t: Date.UTC(2026, 0, 5, 9) };
    const pod = createMockPod({ churn: false, clock: () => clock.t });
    const { fetch, calls } = podFetch(pod);
    const proxy = createPresenceProxy({ podUrl: POD_URL, getSessionToken: () => DEFAULT_SESSION_TOKEN, fetch, now: () => clock.t, ...extra });
    const external = pod.users.find((u) => u.tenantId !== pod.homeTenantId && pod.isConnected(pod.defaultUserId, u.id))!.id;
    return { pod, proxy, calls, clock, external };
  }

  it('answers 429 with Retry-After to the 301st registration of a session within a minute, without forwarding it', async () => {
    const { proxy, calls, clock, external } = rig();
    for (let i = 0; i < 300; i++) expect((await proxy(jsonPost('/v1/user/presence/register', `[${external}]`))).status).toBe(200);
    clock.t += 30_000;
    const refused = await proxy(jsonPost('/v1/user/presence/register', `[${external}]`));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(calls).toHaveLength(300);
    clock.t += 30_000;
    expect((await proxy(jsonPost('/v1/user/presence/register', `[${external}]`))).status).toBe(200);
  });

  it('honours maxRegistrationsPerMinute', async () => {
    const { proxy, external } = rig({ maxRegistrationsPerMinute: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await proxy(jsonPost('/v1/user/presence/register', `[${external}]`))).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('the external-read gap starts at the pod answer (issue 11)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a slow read does not let the next one in early', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 5, 9) });
    // Proxy and emulator both on the faked Date.now.
    const pod = createMockPod({ churn: false });
    const { fetch, calls } = podFetch(pod);
    const proxy = createPresenceProxy({ podUrl: POD_URL, getSessionToken: () => DEFAULT_SESSION_TOKEN, fetch, timeoutMs: 120_000 });
    const external = pod.users.find((u) => u.tenantId !== pod.homeTenantId && pod.isConnected(pod.defaultUserId, u.id))!.id;
    expect((await proxy(jsonPost('/v1/user/presence/register', `[${external}]`))).status).toBe(200);

    // The first read takes a minute at the pod, which counts it when it answers.
    pod.faults.add({ route: 'getUser', userId: external, latencyMs: 60_000, times: 1 });
    const start = Date.now();
    const slow = proxy(browserRequest(`/v3/user/${external}/presence`));
    await vi.advanceTimersByTimeAsync(60_000);
    expect((await slow).status).toBe(200);

    // 5 minutes and 10 s after the claim, but only 4 minutes 10 s after the pod's answer.
    vi.setSystemTime(start + EXTERNAL_READ_GAP_MS + 10_000);
    const early = await proxy(browserRequest(`/v3/user/${external}/presence`));
    expect(early.status).toBe(429);
    expect(Number(early.headers.get('retry-after'))).toBe(50);
    expect(calls.filter((c) => c.path.startsWith('/v3/'))).toHaveLength(1);

    vi.setSystemTime(start + 60_000 + EXTERNAL_READ_GAP_MS);
    expect((await proxy(browserRequest(`/v3/user/${external}/presence`))).status).toBe(200);
    // The emulator, which enforces the real rule, never had to refuse a read.
    expect(pod.reads(external).map((e) => e.status)).toEqual([200, 200]);
  });

  it('a read the proxy gave up on keeps its claim from the moment it gave up', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 5, 9) });
    const pod = createMockPod({ churn: false });
    const { fetch: podOnly } = podFetch(pod);
    // Gives up when the proxy aborts, as a real fetch does.
    const fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        podOnly(input, init).then(resolve, reject);
      })) as typeof globalThis.fetch;
    const proxy = createPresenceProxy({ podUrl: POD_URL, getSessionToken: () => DEFAULT_SESSION_TOKEN, fetch, timeoutMs: 30_000 });
    const external = pod.users.find((u) => u.tenantId !== pod.homeTenantId && pod.isConnected(pod.defaultUserId, u.id))!.id;
    await proxy(jsonPost('/v1/user/presence/register', `[${external}]`));
    pod.faults.add({ route: 'getUser', userId: external, latencyMs: 120_000, times: 1 });
    const start = Date.now();
    const slow = proxy(browserRequest(`/v3/user/${external}/presence`));
    await vi.advanceTimersByTimeAsync(30_000);
    expect((await slow).status).toBe(504);
    vi.setSystemTime(start + EXTERNAL_READ_GAP_MS + 10_000);
    expect((await proxy(browserRequest(`/v3/user/${external}/presence`))).status).toBe(429);
    await vi.advanceTimersByTimeAsync(120_000);
  });
});
