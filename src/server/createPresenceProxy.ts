import { matchPresenceRoute, tenantOf, type PresenceRoute, type UserId } from '../model';
import { createPodCaller, isFailure } from './callPod';
import { createMemoryGuardStore } from './createMemoryGuardStore';
import { createPresenceGuard, positiveOption, type GuardRefusal } from './createPresenceGuard';
import { crossSiteRefusal, isJsonContentType, normalizeOrigin } from './crossSiteRefusal';
import { planProxyRequest, type Plan } from './planProxyRequest';
import type { PresenceGuardStore } from './PresenceGuardStore';
import { problem } from './proxyAnswer';
import { DEFAULT_EXPOSED, relayPodAnswer } from './relayPodAnswer';
import { sessionKeyOf } from './sessionKeyOf';
import { createSessionTenants } from './sessionTenants';

/** A WHATWG fetch handler, as Next.js route handlers, Deno, Bun and {@link toNodeListener} use. */
export type PresenceProxyHandler = (request: Request) => Promise<Response>;

/** The pod routes the proxy forwards, by short name. */
export type PresenceProxyRoute = PresenceRoute;

/** Options of {@link createPresenceProxy}. */
export interface PresenceProxyOptions {
  /** The pod's API base URL, e.g. `https://acme.symphony.com/pod`. */
  podUrl: string;
  /**
   * The pod session token of the user behind `request` (for an extension app: the user's
   * on-behalf-of session). Return `undefined`, `null` or `''` when the request has no user
   * session: the proxy answers 401. A throw is answered 503 and passed to `onError`.
   */
  getSessionToken(request: Request): string | null | undefined | Promise<string | null | undefined>;
  /**
   * Path the proxy is mounted at in the app; the browser's client uses it as its `podUrl`.
   * Use `''` when the framework strips the mount path before the request reaches the handler.
   * @default '/api/symphony/pod'
   */
  mountPath?: string | undefined;
  /**
   * Origin of the Symphony web client the app is framed in (e.g. `https://acme.symphony.com`).
   * Requests whose `Origin` is this one are accepted besides the app's own.
   */
  clientOrigin?: string | undefined;
  /**
   * Origins (`https://host[:port]`) whose pages may call the proxy, besides the app's own origin
   * (whose host is the request's `Host`), which is always allowed. Any other `Origin`,
   * `Origin: null`, and `Sec-Fetch-Site: cross-site` from an origin not listed here get 403.
   * @default [clientOrigin] when `clientOrigin` is set, else []
   */
  allowedOrigins?: readonly string[] | undefined;
  /** Where the rate guard keeps its state. @default createMemoryGuardStore() */
  store?: PresenceGuardStore | undefined;
  /** fetch used to call the pod. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Largest request body accepted (413 above). @default 65536 */
  maxBodyBytes?: number | undefined;
  /** Most user ids in one registration (413 above). @default 1000 */
  maxIds?: number | undefined;
  /** Largest pod answer relayed (502 above). @default 8388608 (8 MiB) */
  maxResponseBytes?: number | undefined;
  /** Time the pod has to answer (504 after). @default 30000 */
  timeoutMs?: number | undefined;
  /**
   * Shortest time between two reads of the same external user by one session. Symphony's
   * limit is 5 minutes; a longer gap is allowed, a shorter one is raised to it.
   * @default 300000
   */
  externalReadGapMs?: number | undefined;
  /**
   * How long a registration that passed through the proxy counts as live. Symphony's lapse after
   * an hour; the time the registration request took is subtracted.
   * @default 3600000
   */
  registrationTtlMs?: number | undefined;
  /**
   * Most registration requests one session may make in a minute (429 with `Retry-After` above).
   * The sync engine batches what appears within 50 ms, so even a roster scrolled through quickly
   * sends a few a second for a few seconds; a flood is a script, not a dashboard.
   * @default 300
   */
  maxRegistrationsPerMinute?: number | undefined;
  /** How long the session user's tenant, once learned, is cached. @default 43200000 (12 h) */
  tenantTtlMs?: number | undefined;
  /**
   * Pod answer headers passed on to the browser, in addition to `content-type`,
   * `content-language`, `date`, `etag`, `last-modified`, `retry-after` and `x-trace-id`.
   * Hop-by-hop headers, cookies and anything holding the token are dropped whatever this says.
   * @default []
   */
  exposeHeaders?: readonly string[] | undefined;
  /**
   * Called when the pod answers 401 to a token from `getSessionToken`: the session expired (OBO
   * sessions last from an hour to two weeks), so drop the cached token and let the next
   * `getSessionToken` call authenticate again. The browser gets the 401 and retries later.
   */
  onUnauthorized?: ((request: Request) => void | Promise<void>) | undefined;
  /** Time source, ms since 1970 (tests pass a fake). @default Date.now */
  now?: (() => number) | undefined;
  /**
   * Called with failures the browser only sees as a status (an unreachable pod, a failing store,
   * a throwing `getSessionToken`), for the app's logs. Never receives the token.
   */
  onError?: ((error: unknown, context: { route: PresenceProxyRoute | 'unknown' }) => void) | undefined;
}

const DEFAULT_MOUNT_PATH = '/api/symphony/pod';

// Visible ASCII: what a session token is made of, and all a header value can safely hold.
const HEADER_VALUE = /^[\x21-\x7e]+$/;

const OWNER = 'createPresenceProxy';
const notFound = () => problem(404, 'Not found');

function refused(refusal: GuardRefusal): Response {
  const headers: Record<string, string> = refusal.retryAfterSeconds === undefined ? {} : { 'retry-after': String(refusal.retryAfterSeconds) };
  return problem(refusal.status, refusal.message, headers);
}

function normalizePodUrl(podUrl: string): string {
  let url: URL;
  try {
    url = new URL(podUrl);
  } catch {
    throw new TypeError('createPresenceProxy: podUrl must be an absolute http(s) URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new TypeError('createPresenceProxy: podUrl must be an http(s) URL without query or fragment');
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError('createPresenceProxy: podUrl must not hold credentials');
  }
  return url.href.replace(/\/+$/, '');
}

function normalizeMountPath(path: string | undefined): string {
  const trimmed = (path ?? DEFAULT_MOUNT_PATH).replace(/\/+$/, '');
  if (trimmed !== '' && !trimmed.startsWith('/')) throw new TypeError('createPresenceProxy: mountPath must start with "/"');
  return trimmed;
}

/**
 * Creates a handler that lets a browser use the Symphony presence API through the app's backend
 * without ever holding a pod session token.
 *
 * - Forwards only `GET`/`POST /v2/user/presence`, `POST /v1/user/presence/register`,
 *   `GET /v3/user/{uid}/presence` and `GET /v2/users/presence` below `mountPath`; anything else
 *   is 404. Ids, query parameters and bodies are checked and rebuilt before forwarding (400),
 *   bodies over `maxBodyBytes` or registrations of more than `maxIds` ids get 413.
 * - Sends none of the browser's headers (no cookies, no `Authorization`, no `sessionToken`); adds
 *   the token from `getSessionToken` on the server side. Relays only harmless pod headers, and
 *   redacts the token from anything the pod echoes.
 * - Guards Symphony's limits per session, keyed by a hash of the token: a second read of the same
 *   external user (another tenant than the session user's) within 5 minutes is answered 429 with
 *   `Retry-After` by the proxy itself, and a read of an external user without a live
 *   registration that passed through the proxy is answered **428 Precondition Required** (not
 *   429: the fix is to register, not to wait). Neither reaches the pod. `local=true` reads,
 *   which never query external users, are not guarded.
 *
 * The session user's tenant is learned from `GET /v2/user/presence` answers passing through, or
 * by one such call the proxy makes itself before the first `GET /v3/user/{uid}/presence`.
 *
 * The parts: `planProxyRequest` (checks and rebuilds the request), `callPod`, `relayPodAnswer`
 * (what of the answer the browser may see), `createPresenceGuard` (Symphony's per-session limits)
 * and `sessionTenants` (which reads are external).
 *
 * @example
 * // Next.js: app/api/symphony/pod/[...path]/route.ts
 * const proxy = createPresenceProxy({ podUrl: process.env.POD_URL!, getSessionToken: (req) => oboTokenFor(req) });
 * export { proxy as GET, proxy as POST };
 */
export function createPresenceProxy(options: PresenceProxyOptions): PresenceProxyHandler {
  if (typeof options.getSessionToken !== 'function') throw new TypeError('createPresenceProxy: getSessionToken is required');
  const podBase = normalizePodUrl(options.podUrl);
  const mountPath = normalizeMountPath(options.mountPath);
  const store = options.store ?? createMemoryGuardStore();
  const now = options.now ?? Date.now;
  const maxBodyBytes = positiveOption(options.maxBodyBytes, 64 * 1024, 'maxBodyBytes', OWNER);
  const maxIds = positiveOption(options.maxIds, 1000, 'maxIds', OWNER);
  const maxResponseBytes = positiveOption(options.maxResponseBytes, 8 * 1024 * 1024, 'maxResponseBytes', OWNER);
  const timeoutMs = positiveOption(options.timeoutMs, 30_000, 'timeoutMs', OWNER);
  const guard = createPresenceGuard(
    {
      store,
      now,
      externalReadGapMs: options.externalReadGapMs,
      registrationTtlMs: options.registrationTtlMs,
      maxRegistrationsPerMinute: options.maxRegistrationsPerMinute,
      report,
    },
    OWNER,
  );
  const tenantTtlMs = positiveOption(options.tenantTtlMs, 12 * 60 * 60_000, 'tenantTtlMs', OWNER);
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map((o) => normalizeOrigin(o, 'allowedOrigins')));
  if (options.clientOrigin !== undefined) allowedOrigins.add(normalizeOrigin(options.clientOrigin, 'clientOrigin'));
  const exposed = new Set([...DEFAULT_EXPOSED, ...(options.exposeHeaders ?? []).map((h) => h.toLowerCase())]);

  function report(error: unknown, route: PresenceProxyRoute | 'unknown'): void {
    try {
      options.onError?.(error, { route });
    } catch {
      // A failing logger must not turn an answer into a 500.
    }
  }

  const callPod = createPodCaller({ podBase, fetch: options.fetch, timeoutMs, maxResponseBytes, onUnauthorized: options.onUnauthorized, report });
  const relay = (answer: Parameters<typeof relayPodAnswer>[0], token: string, route: PresenceProxyRoute) =>
    relayPodAnswer(answer, token, route, exposed, report);
  const tenants = createSessionTenants({ store, now, tenantTtlMs, callPod, relay, report });

  /** The route, or the methods the path allows when it is served but not with this method. */
  function matchRoute(method: string, path: string): { route: PresenceProxyRoute; uid?: string } | { allow: string } | undefined {
    const match = matchPresenceRoute(method, path);
    if (!match) return undefined;
    return match.route === undefined ? { allow: match.allow } : { route: match.route, uid: match.uid };
  }

  async function readUser(p: Plan, sessionKey: string, token: string, request: Request): Promise<Response> {
    const userId = p.userId as UserId;
    let claimId: string | undefined;
    if (!p.local) {
      let tenant: Awaited<ReturnType<typeof tenants.of>>;
      try {
        tenant = await tenants.of(sessionKey, token, request);
      } catch (error) {
        report(error, 'getUser');
        return problem(503, 'Presence guard unavailable', { 'retry-after': '5' });
      }
      if (typeof tenant !== 'number') return tenant.failure();
      if (tenantOf(userId) !== tenant) {
        const verdict = await guard.claimExternalRead(sessionKey, userId);
        if (!verdict.ok) return refused(verdict);
        claimId = verdict.claimId;
      }
    }
    const answer = await callPod(p, token, request, request.signal, 'getUser');
    if (claimId !== undefined) await guard.settleExternalRead(sessionKey, userId, claimId, isFailure(answer) ? undefined : answer.status);
    if (isFailure(answer)) return answer.failure();
    return relay(answer, token, 'getUser');
  }

  async function register(p: Plan, sessionKey: string, token: string, request: Request): Promise<Response> {
    const verdict = await guard.takeRegistration(sessionKey);
    if (!verdict.ok) return refused(verdict);
    const sentAt = now();
    const answer = await callPod(p, token, request, request.signal, 'register');
    if (isFailure(answer)) return answer.failure();
    // The pod's hour started when it received the request; ours counts from sending it.
    if (answer.status >= 200 && answer.status <= 299) await guard.recordRegistration(sessionKey, p.ids ?? [], sentAt);
    return relay(answer, token, 'register');
  }

  async function handle(request: Request): Promise<Response> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return notFound();
    }
    const { pathname } = url;
    if (mountPath !== '' && !pathname.startsWith(`${mountPath}/`)) return notFound();
    const match = matchRoute(request.method.toUpperCase(), pathname.slice(mountPath.length));
    if (!match) return notFound();
    if ('allow' in match) return problem(405, 'Method not allowed', { allow: match.allow });
    const { route } = match;

    // Before anything is read or spent: a page of another site must not act as the user.
    const refusal = crossSiteRefusal(request, url, allowedOrigins);
    if (refusal !== undefined) return problem(403, refusal);
    // A JSON body makes a cross-origin page preflight, which the proxy never grants; the
    // "simple" types of HTML forms and `text/plain` fetches do not, so they are refused.
    if (request.method.toUpperCase() === 'POST' && !isJsonContentType(request.headers.get('content-type'))) {
      await request.body?.cancel().catch(() => undefined);
      return problem(415, 'Content-Type must be application/json');
    }

    const p = await planProxyRequest(request, route, match.uid, url.searchParams, { maxBodyBytes, maxIds });
    if (p instanceof Response) return p;

    let token: string | null | undefined;
    try {
      token = await options.getSessionToken(request);
    } catch (error) {
      report(error, route);
      return problem(503, 'Could not obtain a Symphony session for this request');
    }
    if (token === undefined || token === null || token === '') return problem(401, 'No Symphony session for this request');
    if (typeof token !== 'string' || !HEADER_VALUE.test(token)) {
      report(new TypeError('getSessionToken returned something that is not a usable header value'), route);
      return problem(500, 'Unusable Symphony session');
    }
    const sessionKey = sessionKeyOf(token);

    if (route === 'getUser') return readUser(p, sessionKey, token, request);
    if (route === 'register') return register(p, sessionKey, token, request);
    const answer = await callPod(p, token, request, request.signal, route);
    if (isFailure(answer)) return answer.failure();
    if (route === 'getOwn' || route === 'setOwn') await tenants.learn(sessionKey, answer, route);
    return relay(answer, token, route);
  }

  return async (request: Request): Promise<Response> => {
    try {
      return await handle(request);
    } catch (error) {
      report(error, 'unknown');
      return problem(500, 'Presence proxy failed');
    }
  };
}
