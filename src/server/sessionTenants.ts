import { parseUserId, tenantOf, type PresenceRoute } from '../model';
import { isFailure, type Failure, type PodAnswer, type PodCaller } from './callPod';
import type { PresenceGuardStore } from './PresenceGuardStore';
import { parseJson, problem } from './proxyAnswer';

/** What {@link createSessionTenants} needs from the proxy. */
export interface SessionTenantsOptions {
  readonly store: PresenceGuardStore;
  readonly now: () => number;
  readonly tenantTtlMs: number;
  readonly callPod: PodCaller;
  readonly relay: (answer: PodAnswer, token: string, route: PresenceRoute) => Response;
  readonly report: (error: unknown, route: PresenceRoute) => void;
}

/** The session user's tenant: which reads are of external users. */
export interface SessionTenants {
  /** Reads the tenant from an own-presence answer passing through and caches it. */
  learn(sessionKey: string, answer: PodAnswer, route: PresenceRoute): Promise<number | undefined>;
  /** The cached tenant, or one `GET /v2/user/presence` of the proxy's own to learn it. */
  of(sessionKey: string, token: string, request: Request): Promise<number | Failure>;
}

export function createSessionTenants(options: SessionTenantsOptions): SessionTenants {
  const { store, now, tenantTtlMs, callPod, relay, report } = options;
  // One tenant lookup per session at a time, however many reads arrive together.
  const lookups = new Map<string, Promise<number | Failure>>();

  async function learn(sessionKey: string, answer: PodAnswer, route: PresenceRoute): Promise<number | undefined> {
    if (answer.status < 200 || answer.status > 299) return undefined;
    const body = parseJson(answer.text);
    const raw = typeof body === 'object' && body !== null ? (body as { userId?: unknown }).userId : undefined;
    const userId = parseUserId(raw);
    if (!userId) return undefined;
    const tenant = tenantOf(userId);
    try {
      await store.setTenant(sessionKey, tenant, now(), tenantTtlMs);
    } catch (error) {
      report(error, route);
    }
    return tenant;
  }

  async function lookUp(sessionKey: string, token: string, request: Request): Promise<number | Failure> {
    // Shared by every read waiting on it, so one client going away must not cancel it.
    const signal = new AbortController().signal;
    const answer = await callPod({ method: 'GET', path: '/v2/user/presence', query: new URLSearchParams() }, token, request, signal, 'getUser');
    if (isFailure(answer)) return answer;
    // The pod refused the session (401, 429, ...): the browser gets that refusal.
    if (answer.status < 200 || answer.status > 299) return { failure: () => relay(answer, token, 'getUser') };
    const tenant = await learn(sessionKey, answer, 'getUser');
    return tenant ?? { failure: () => problem(502, "Could not tell the session user's company from the pod's answer") };
  }

  return {
    learn,
    async of(sessionKey, token, request) {
      const cached = await store.getTenant(sessionKey, now());
      if (cached !== undefined) return cached;
      let pending = lookups.get(sessionKey);
      if (!pending) {
        pending = lookUp(sessionKey, token, request).finally(() => lookups.delete(sessionKey));
        lookups.set(sessionKey, pending);
      }
      return pending;
    },
  };
}
