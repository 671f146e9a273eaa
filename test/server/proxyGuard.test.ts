// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createMockPod, DEFAULT_SESSION_TOKEN, type MockPod } from '../../src/mock-pod';
import type { UserId } from '../../src/model';
import {
  createMemoryGuardStore,
  createPresenceProxy,
  sessionKeyOf,
  type PresenceGuardStore,
  type PresenceProxyOptions,
} from '../../src/server';
import { EXTERNAL_READ_GAP_MS, INTEREST_TTL_MS } from '../../src/sync/options';
import { browserRequest, jsonPost, podFetch, POD_URL, type UpstreamCall } from './proxyTestUtils';

const START = Date.UTC(2026, 0, 5, 9, 0, 0);

interface Rig {
  pod: MockPod;
  clock: { t: number };
  proxy: (request: Request) => Promise<Response>;
  calls: UpstreamCall[];
  external: UserId;
  internal: UserId;
}

/** Proxy and emulator on one fake clock. */
function rig(extra: Partial<PresenceProxyOptions> = {}): Rig {
  const clock = { t: START };
  const pod = createMockPod({ churn: false, clock: () => clock.t });
  const { fetch, calls } = podFetch(pod);
  const proxy = createPresenceProxy({
    podUrl: POD_URL,
    getSessionToken: () => DEFAULT_SESSION_TOKEN,
    fetch,
    now: () => clock.t,
    ...extra,
  });
  const external = pod.users.find((u) => u.tenantId !== pod.homeTenantId && pod.isConnected(pod.defaultUserId, u.id))!.id;
  const internal = pod.users.find((u) => u.tenantId === pod.homeTenantId && u.id !== pod.defaultUserId)!.id;
  return { pod, clock, proxy, calls, external, internal };
}

const read = (r: Rig, id: string, query = '') => r.proxy(browserRequest(`/v3/user/${id}/presence${query}`));
const register = (r: Rig, ...ids: string[]) => r.proxy(jsonPost('/v1/user/presence/register', `[${ids.join(',')}]`));
const podReads = (r: Rig, id: string) => r.calls.filter((c) => c.path.startsWith(`/v3/user/${id}/`)).length;

describe('the external-user guard (memory store)', () => {
  it('lets internal users be read as often as the browser asks', async () => {
    const r = rig();
    for (let i = 0; i < 3; i++) expect((await read(r, r.internal)).status).toBe(200);
    expect(podReads(r, r.internal)).toBe(3);
  });

  it('answers 428 itself for an external user without a registration', async () => {
    const r = rig();
    const response = await read(r, r.external);
    expect(response.status).toBe(428);
    expect(await response.json()).toMatchObject({ code: 428, message: expect.stringContaining('register') });
    expect(podReads(r, r.external)).toBe(0);
  });

  it('allows one read per 5 minutes and answers the second itself with 429 and Retry-After', async () => {
    const r = rig();
    expect((await register(r, r.external)).status).toBe(200);
    expect((await read(r, r.external)).status).toBe(200);

    r.clock.t += 1000;
    const second = await read(r, r.external);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe(String((EXTERNAL_READ_GAP_MS - 1000) / 1000));
    expect(await second.json()).toMatchObject({ code: 429 });
    expect(podReads(r, r.external)).toBe(1);

    r.clock.t = START + EXTERNAL_READ_GAP_MS - 1;
    expect((await read(r, r.external)).status).toBe(429);
    r.clock.t = START + EXTERNAL_READ_GAP_MS;
    expect((await read(r, r.external)).status).toBe(200);
    expect(podReads(r, r.external)).toBe(2);
    // The emulator enforces the real rule: it never had to refuse a read.
    expect(r.pod.reads(r.external).map((e) => e.status)).toEqual([200, 200]);
  });

  it('lets exactly one of many concurrent reads through', async () => {
    const r = rig();
    await register(r, r.external);
    const answers = await Promise.all(Array.from({ length: 8 }, () => read(r, r.external)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 429, 429, 429, 429, 429, 429, 429]);
    expect(podReads(r, r.external)).toBe(1);
  });

  it('treats a registration as lapsed after 60 minutes, counted from when it was sent', async () => {
    const r = rig();
    await register(r, r.external);
    r.clock.t = START + INTEREST_TTL_MS - 1;
    expect((await read(r, r.external)).status).toBe(200);
    r.clock.t = START + INTEREST_TTL_MS;
    r.clock.t += EXTERNAL_READ_GAP_MS; // past the read gap too, so only the registration decides
    expect((await read(r, r.external)).status).toBe(428);
    await register(r, r.external);
    expect((await read(r, r.external)).status).toBe(200);
  });

  it('does not record a registration the pod refused', async () => {
    const r = rig();
    r.pod.faults.add({ route: 'register', status: 503, times: 1 });
    expect((await register(r, r.external)).status).toBe(503);
    expect((await read(r, r.external)).status).toBe(428);
  });

  it('keeps sessions apart: another session may read the same user', async () => {
    const r = rig({ getSessionToken: (req) => req.headers.get('x-user') ?? undefined });
    const other = r.pod.createSession({ userId: r.pod.defaultUserId });
    const as = (token: string) => ({ headers: { 'x-user': token } });
    for (const token of [DEFAULT_SESSION_TOKEN, other]) {
      expect((await r.proxy(jsonPost('/v1/user/presence/register', `[${r.external}]`, as(token).headers))).status).toBe(200);
      expect((await r.proxy(browserRequest(`/v3/user/${r.external}/presence`, as(token)))).status).toBe(200);
    }
    expect((await r.proxy(browserRequest(`/v3/user/${r.external}/presence`, as(other)))).status).toBe(429);
  });

  it('gives the claim back when the pod refused the read, keeps it when the pod may have counted it', async () => {
    const r = rig();
    await register(r, r.external);
    r.pod.faults.add({ route: 'getUser', status: 403, times: 1 });
    expect((await read(r, r.external)).status).toBe(403);
    expect((await read(r, r.external)).status).toBe(200);

    r.clock.t += EXTERNAL_READ_GAP_MS;
    r.pod.faults.add({ route: 'getUser', status: 503, times: 1 });
    expect((await read(r, r.external)).status).toBe(503);
    expect((await read(r, r.external)).status).toBe(429);
  });

  it('relays the pod’s own 429 with its Retry-After', async () => {
    const r = rig();
    r.pod.faults.add({ route: 'getUser', status: 429, retryAfter: '17', times: 1 });
    const response = await read(r, r.internal);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('17');
  });

  it('does not guard local=true reads, which never query external users', async () => {
    const r = rig();
    expect((await read(r, r.external, '?local=true')).status).toBe(200);
    expect((await read(r, r.external, '?local=true')).status).toBe(200);
    expect(podReads(r, r.external)).toBe(2);
    expect((await read(r, r.external, '?local=false')).status).toBe(428);
  });

  it('never lowers the gap below Symphony’s 5 minutes', async () => {
    const r = rig({ externalReadGapMs: 1000 });
    await register(r, r.external);
    await read(r, r.external);
    r.clock.t += 2000;
    expect((await read(r, r.external)).status).toBe(429);
  });

  it('refuses (503) rather than forwards when the store fails', async () => {
    const base = createMemoryGuardStore();
    const broken: PresenceGuardStore = {
      ...base,
      claimRead: async () => {
        throw new Error('store down');
      },
    };
    const r = rig({ store: broken });
    await register(r, r.external);
    const response = await read(r, r.external);
    expect(response.status).toBe(503);
    expect(podReads(r, r.external)).toBe(0);
  });

  it('files sessions under a hash: the store never sees the token', async () => {
    const seen: unknown[] = [];
    const base = createMemoryGuardStore();
    const spy = Object.fromEntries(
      Object.entries(base).map(([name, fn]) => [
        name,
        (...args: unknown[]) => {
          seen.push(...args);
          return (fn as (...a: unknown[]) => unknown)(...args);
        },
      ]),
    ) as unknown as PresenceGuardStore;
    const r = rig({ store: spy });
    await register(r, r.external);
    await read(r, r.external);
    await read(r, r.external);
    const text = JSON.stringify(seen);
    expect(text).not.toContain(DEFAULT_SESSION_TOKEN);
    expect(seen).toContain(sessionKeyOf(DEFAULT_SESSION_TOKEN));
    expect(sessionKeyOf(DEFAULT_SESSION_TOKEN)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('createMemoryGuardStore', () => {
  it('drops expired entries on its periodic sweep', async () => {
    const store = createMemoryGuardStore({ sweepIntervalMs: 60_000 });
    await store.claimRead('s', '1', 0, 1000);
    await store.recordRegistration('s', ['1', '2'], 0, 5000);
    await store.setTenant('s', 189, 0, 5000);
    expect(store.size()).toEqual({ reads: 1, registrations: 2, tenants: 1, sessions: 1 });
    await store.isRegistered('s', '1', 59_999);
    expect(store.size().reads).toBe(1);
    await store.isRegistered('s', '1', 60_000);
    expect(store.size()).toEqual({ reads: 0, registrations: 0, tenants: 0, sessions: 0 });
  });

  it('releases only the claim it is given', async () => {
    const store = createMemoryGuardStore();
    const first = await store.claimRead('s', '1', 0, 1000);
    expect(first.ok).toBe(true);
    await store.releaseRead('s', '1', 'someone-else');
    expect((await store.claimRead('s', '1', 1, 1000)).ok).toBe(false);
    if (first.ok) await store.releaseRead('s', '1', first.claimId);
    expect((await store.claimRead('s', '1', 2, 1000)).ok).toBe(true);
  });
});
