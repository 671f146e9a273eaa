import { expect, vi } from 'vitest';
import { createSymphonyClient, type SymphonyClient } from '../../src/client';
import { DEFAULT_SESSION_TOKEN, createMockPod, type MockPod, type MockPodOptions } from '../../src/mock-pod';
import type { UserId } from '../../src/model';
import { PresenceSync, type PersistedEntry, type PresencePersistence, type PresenceSyncConfig } from '../../src/sync';

export const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const POD_URL = 'https://pod.test/pod';

/** A `fetch` that hands requests to the emulator's core, as its HTTP adapters do. */
export function podFetch(pod: MockPod): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const response = await pod.handle({
      method: request.method,
      path: url.pathname.replace(/^\/pod/, '') + url.search,
      headers: request.headers,
      bodyText: request.method === 'GET' ? undefined : await request.text(),
    });
    return new Response(response.status === 204 ? null : response.bodyText, {
      status: response.status,
      headers: response.headers,
    });
  };
}

export function podClient(pod: MockPod, token = DEFAULT_SESSION_TOKEN): SymphonyClient {
  return createSymphonyClient({ podUrl: POD_URL, getSessionToken: () => token, fetch: podFetch(pod) });
}

/** A browser client behind the app's backend proxy: no token in the browser, the backend adds the session. */
export function proxyClient(pod: MockPod, token = DEFAULT_SESSION_TOKEN): SymphonyClient {
  const inner = podFetch(pod);
  return createSymphonyClient({
    podUrl: POD_URL,
    fetch: (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('sessionToken', token);
      return inner(input, { ...init, headers });
    },
  });
}

export function setupPod(options: MockPodOptions = {}) {
  vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  return createMockPod({ seed: 7, churn: false, ...options });
}

export function startSync(pod: MockPod, config: PresenceSyncConfig = {}, client = podClient(pod)) {
  return new PresenceSync(client, { random: () => 0.5, ...config }).start();
}

export function usersOf(pod: MockPod) {
  const home = pod.users.filter((u) => u.tenantId === pod.homeTenantId && u.id !== pod.defaultUserId && u.online);
  const external = pod.users.filter(
    (u) => u.tenantId !== pod.homeTenantId && pod.isConnected(pod.defaultUserId, u.id),
  );
  return { internal: home.map((u) => u.id), external: external.map((u) => u.id) };
}

/**
 * Shows an internal colleague in `sync`, then makes their next read fail (a 500): a value was
 * shown, then the error. Where the tests of recovery start; returns the colleague.
 */
export async function colleagueWithError(pod: MockPod, sync: PresenceSync): Promise<UserId> {
  const id = usersOf(pod).internal[0]!;
  sync.retain(id);
  await vi.advanceTimersByTimeAsync(SECOND);
  pod.faults.add({ route: 'getUser', userId: id, status: 500, times: 1 });
  await vi.advanceTimersByTimeAsync(MINUTE);
  expect(sync.getState(id).error?.kind).toBe('server');
  return id;
}

/** Checks the ledger against Symphony's external rules; returns human-readable violations. */
export function budgetViolations(pod: MockPod, gapMs = 5 * MINUTE): string[] {
  const problems: string[] = [];
  const lastRead = new Map<UserId, number>();
  const registered = new Map<UserId, number>();
  for (const e of pod.ledger) {
    if (e.status === 429) problems.push(`429 at ${e.time - T0} for ${e.userId ?? e.route}`);
    if (e.route === 'register' && e.status === 200) for (const id of e.userIds ?? []) registered.set(id, e.time);
    // `?local=true` reads never look beyond the pod: no interest needed, no budget spent.
    if (e.route === 'getUser' && e.external && e.userId && !e.url.includes('local=true')) {
      const prev = lastRead.get(e.userId);
      if (prev !== undefined && e.time - prev < gapMs) problems.push(`${e.userId} read ${e.time - prev} ms apart`);
      lastRead.set(e.userId, e.time);
      const reg = registered.get(e.userId);
      if (reg === undefined || e.time - reg >= HOUR) problems.push(`${e.userId} read without live interest`);
    }
    if (e.route === 'register') for (const id of e.internalUserIds ?? []) problems.push(`internal ${id} registered`);
  }
  return problems;
}

export const readsOf = (pod: MockPod, id: UserId) => pod.ledger.filter((e) => e.route === 'getUser' && e.userId === id);

/** What the pod shows `viewer` for `id`, read off the emulator's own state: external view, connections, OFFLINE. */
export function truth(pod: MockPod, viewer: UserId, id: UserId): string {
  const user = pod.getUser(id)!;
  if (user.tenantId === pod.getUser(viewer)!.tenantId) return user.category;
  if (!pod.isConnected(viewer, id)) return 'OFFLINE';
  const view: Record<string, string> = { BE_RIGHT_BACK: 'AWAY', DO_NOT_DISTURB: 'AWAY', OFF_WORK: 'OFFLINE' };
  return view[user.category] ?? user.category;
}

/** An in-memory stand-in for sessionStorage that survives a "reload" (a new engine given the same one). */
export function memoryPersistence(): PresencePersistence {
  let kept: { identity: string; entries: PersistedEntry[] } | undefined;
  return {
    load: (identity) => (kept?.identity === identity ? structuredClone(kept.entries) : undefined),
    save: (identity, entries) => void (kept = { identity, entries: structuredClone(entries) }),
    clear: () => void (kept = undefined),
  };
}
