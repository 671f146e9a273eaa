import { parseJsonLossless, type UserId } from '../../src/model';
import { DEFAULT_SESSION_TOKEN, type MockPod, type MockPodResponse } from '../../src/mock-pod';

/** 2026-11-25 09:00 UTC: a fixed start so timestamps in failures are readable. */
export const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
export const MINUTE = 60_000;

/** A hand-driven clock for `createMockPod({ clock })`. */
export function fakeClock(start = T0) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
    set(ms: number) {
      now = ms;
    },
  };
}

export interface CallResult extends MockPodResponse {
  json: unknown;
}

/** Calls the pod like an HTTP client would; `token: null` sends no session header. */
export async function call(
  pod: MockPod,
  method: string,
  path: string,
  options: { token?: string | null; body?: string } = {},
): Promise<CallResult> {
  const token = options.token === undefined ? DEFAULT_SESSION_TOKEN : options.token;
  const res = await pod.handle({
    method,
    path,
    headers: token === null ? {} : { sessionToken: token },
    bodyText: options.body,
  });
  let json: unknown;
  try {
    json = res.bodyText === '' ? undefined : parseJsonLossless(res.bodyText);
  } catch {
    json = undefined;
  }
  return { ...res, json };
}

export const readUser = (pod: MockPod, id: string, token?: string | null, query = '') =>
  call(pod, 'GET', `/v3/user/${id}/presence${query}`, { token });

export const register = (pod: MockPod, ids: readonly string[], token?: string | null) =>
  call(pod, 'POST', '/v1/user/presence/register', { token, body: `[${ids.join(',')}]` });

/** Users of other companies, split by whether the default user is connected to them. */
export function externalUsers(pod: MockPod, connected: boolean): UserId[] {
  return pod.users
    .filter((u) => u.tenantId !== pod.homeTenantId && pod.isConnected(pod.defaultUserId, u.id) === connected)
    .map((u) => u.id);
}

/** Home-company users other than the default one. */
export function internalUsers(pod: MockPod): UserId[] {
  return pod.users.filter((u) => u.tenantId === pod.homeTenantId && u.id !== pod.defaultUserId).map((u) => u.id);
}
