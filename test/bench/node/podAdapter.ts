import { createSymphonyClient, type SymphonyClient } from '../../../src/client';
import { DEFAULT_SESSION_TOKEN, createMockPod, type MockPod } from '../../../src/mock-pod';
import type { UserId } from '../../../src/model';

/** 2026-11-25 09:00 UTC, the test suite's epoch: a working-day morning. */
export const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
const POD_URL = 'https://pod.bench/pod';

/**
 * A `fetch` that hands each request to the emulator's core, as its HTTP adapters do. It answers
 * with a minimal Response (status, headers, text) rather than undici's: building real Request and
 * Response objects costs about 0.2 ms each, which would make hours of simulated polling slow
 * without changing a single request.
 */
export function podFetch(pod: MockPod): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? 'GET').toUpperCase();
    const answer = await pod.handle({
      method,
      path: url.pathname.replace(/^\/pod/, '') + url.search,
      headers: new Headers(init?.headers),
      bodyText: typeof init?.body === 'string' ? init.body : undefined,
    });
    const response = {
      status: answer.status,
      ok: answer.status >= 200 && answer.status < 300,
      headers: new Headers(answer.headers),
      body: null,
      text: () => Promise.resolve(answer.bodyText),
    };
    return response as unknown as Response;
  };
}

/** The library's own Symphony client, talking to the emulator. */
export function podClient(pod: MockPod): SymphonyClient {
  return createSymphonyClient({ podUrl: POD_URL, getSessionToken: () => DEFAULT_SESSION_TOKEN, fetch: podFetch(pod) });
}

/**
 * The emulator with enough users for the dashboard: the default population has 240 users in the
 * home company and 120 in another, of whom the requesting user is connected to some. Presence does
 * not churn by itself, so two runs of a scenario see the same pod.
 */
export function benchPod(clock: () => number): MockPod {
  return createMockPod({ seed: 7, churn: false, clock });
}

/** Online colleagues and connected external users of the requesting user. */
export function usersOf(pod: MockPod): { internal: UserId[]; external: UserId[] } {
  const home = pod.users.filter((u) => u.tenantId === pod.homeTenantId && u.id !== pod.defaultUserId && u.online);
  const external = pod.users.filter((u) => u.tenantId !== pod.homeTenantId && pod.isConnected(pod.defaultUserId, u.id));
  return { internal: home.map((u) => u.id), external: external.map((u) => u.id) };
}
