import { parseJsonLossless, parseUserId, tenantOf, type UserId } from '../model';
import { createMemoryGuardStore } from './createMemoryGuardStore';
import { createTokenRedactor } from './createTokenRedactor';
import { crossSiteRefusal, isJsonContentType, normalizeOrigin } from './crossSiteRefusal';
import type { PresenceGuardStore } from './PresenceGuardStore';
import { readLimited, TOO_LARGE } from './readLimited';
import { sessionKeyOf } from './sessionKeyOf';

/** A WHATWG fetch handler, as Next.js route handlers, Deno, Bun and {@link toNodeListener} use. */
export type PresenceProxyHandler = (request: Request) => Promise<Response>;

/** The pod routes the proxy forwards, by short name. */
export type PresenceProxyRoute = 'getOwn' | 'setOwn' | 'register' | 'getUser' | 'listAll';

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
   * The sync engine sends a handful per hour; a flood is a script, not a dashboard.
   * @default 60
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
/** Symphony's limits, restated here because src/server stands apart from the browser layers. */
const EXTERNAL_READ_GAP_MS = 5 * 60_000;
const INTEREST_TTL_MS = 60 * 60_000;
const LIST_MAX_LIMIT = 5000;

const DEFAULT_EXPOSED = ['content-type', 'content-language', 'date', 'etag', 'last-modified', 'retry-after', 'x-trace-id'];
// Never relayed, even when listed in `exposeHeaders`: they describe the proxy-to-pod connection,
// set state on the app's origin, or authenticate.
const NEVER_RELAYED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'trailers',
  'upgrade',
  'set-cookie',
  'set-cookie2',
  'content-length',
  'content-encoding',
  'sessiontoken',
  'keymanagertoken',
  'authorization',
  'www-authenticate',
]);
// Statuses whose answers must not carry a body (the Response constructor throws otherwise).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
// The pod refused these before reading anyone's presence, so the read claim is given back.
const UNCOUNTED_STATUSES = new Set([400, 401, 403, 404]);

const DIGITS = /^[0-9]{1,25}$/;
const V3_USER_PATH = /^\/v3\/user\/([^/]*)\/presence$/;
const CATEGORY = /^[A-Za-z_]{1,64}$/;
// Visible ASCII: what a session token is made of, and all a header value can safely hold.
const HEADER_VALUE = /^[\x21-\x7e]+$/;

interface Plan {
  readonly route: PresenceProxyRoute;
  readonly method: 'GET' | 'POST';
  /** Path below the pod URL, built from fixed parts and canonical ids only. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body?: string | undefined;
  /** Target of `getUser`. */
  readonly userId?: UserId | undefined;
  /** `local=true` on `getUser`: external users come back OFFLINE without being read. */
  readonly local?: boolean | undefined;
  /** Ids of a registration. */
  readonly ids?: readonly UserId[] | undefined;
}

/** A pod answer, read in full. */
interface PodAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

type Failure = { readonly failure: () => Response };

// On every answer: even if a browser were made to render one, it could run nothing and load nothing.
const LOCKED_DOWN = {
  'cache-control': 'private, no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
} as const;

function problem(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ code: status, message }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...LOCKED_DOWN, ...headers },
  });
}

const notFound = () => problem(404, 'Not found');

function describeDuration(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}` : `${Math.ceil(ms / 1000)} seconds`;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`createPresenceProxy: ${name} must be a positive number`);
  }
  return value;
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

type ParamReader = (value: string) => string | undefined;

const booleanParam: ParamReader = (value) => {
  const lower = value.toLowerCase();
  return lower === 'true' || lower === 'false' ? lower : undefined;
};

const limitParam: ParamReader = (value) => {
  if (!/^[0-9]{1,4}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && n <= LIST_MAX_LIMIT ? String(n) : undefined;
};

const userIdParam: ParamReader = (value) => (DIGITS.test(value) ? parseUserId(value) : undefined);

const PARAM_RULES: Readonly<Record<string, string>> = {
  soft: 'must be true or false',
  local: 'must be true or false',
  limit: `must be an integer from 1 to ${LIST_MAX_LIMIT}`,
  lastUserId: 'must be a positive 64-bit decimal integer',
};

/**
 * Checks the query against the route's parameters and rebuilds it from the accepted values, so
 * nothing the browser added travels on. Returns an error message for bad input.
 */
function readQuery(params: URLSearchParams, allowed: Readonly<Record<string, ParamReader>>): URLSearchParams | string {
  const out = new URLSearchParams();
  for (const name of new Set(params.keys())) {
    const reader = Object.hasOwn(allowed, name) ? allowed[name] : undefined;
    if (!reader) return 'Unsupported query parameter';
    const values = params.getAll(name);
    if (values.length > 1) return `Query parameter "${name}" given more than once`;
    const value = reader(values[0] as string);
    if (value === undefined) return `Query parameter "${name}" ${PARAM_RULES[name] ?? 'is invalid'}`;
    out.set(name, value);
  }
  return out;
}

/** True for `application/json` and `application/*+json` content types. */
function isJsonType(value: string | null): boolean {
  const type = (value ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * A pod answer the browser does not get as it was (a 5xx, or a body that is not JSON), with what
 * it held, for the app's logs through `onError`. The token is redacted from `body`.
 */
export class PodAnswerError extends Error {
  readonly status: number;
  readonly contentType: string | null;
  /** The first 2 KiB of the body, token redacted. */
  readonly body: string;
  constructor(status: number, contentType: string | null, body: string) {
    super(`The pod answered ${status} (${contentType ?? 'no content type'}); the browser got a generic error`);
    this.name = 'PodAnswerError';
    this.status = status;
    this.contentType = contentType;
    this.body = body;
  }
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
  const maxBodyBytes = positive(options.maxBodyBytes, 64 * 1024, 'maxBodyBytes');
  const maxIds = positive(options.maxIds, 1000, 'maxIds');
  const maxResponseBytes = positive(options.maxResponseBytes, 8 * 1024 * 1024, 'maxResponseBytes');
  const timeoutMs = positive(options.timeoutMs, 30_000, 'timeoutMs');
  const gapMs = Math.max(EXTERNAL_READ_GAP_MS, positive(options.externalReadGapMs, EXTERNAL_READ_GAP_MS, 'externalReadGapMs'));
  const registrationTtlMs = positive(options.registrationTtlMs, INTEREST_TTL_MS, 'registrationTtlMs');
  const tenantTtlMs = positive(options.tenantTtlMs, 12 * 60 * 60_000, 'tenantTtlMs');
  const maxRegistrationsPerMinute = Math.floor(positive(options.maxRegistrationsPerMinute, 60, 'maxRegistrationsPerMinute'));
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map((o) => normalizeOrigin(o, 'allowedOrigins')));
  if (options.clientOrigin !== undefined) allowedOrigins.add(normalizeOrigin(options.clientOrigin, 'clientOrigin'));
  const exposed = new Set([...DEFAULT_EXPOSED, ...(options.exposeHeaders ?? []).map((h) => h.toLowerCase())]);
  // One tenant lookup per session at a time, however many reads arrive together.
  const tenantLookups = new Map<string, Promise<number | Failure>>();

  function report(error: unknown, route: PresenceProxyRoute | 'unknown'): void {
    try {
      options.onError?.(error, { route });
    } catch {
      // A failing logger must not turn an answer into a 500.
    }
  }

  // ------------------------------------------------------------------ request checks

  /** The route, or the methods the path allows when it is served but not with this method. */
  function matchRoute(method: string, path: string): { route: PresenceProxyRoute; uid?: string } | { allow: string } | undefined {
    if (path === '/v2/user/presence') {
      return method === 'GET' ? { route: 'getOwn' } : method === 'POST' ? { route: 'setOwn' } : { allow: 'GET, POST' };
    }
    if (path === '/v1/user/presence/register') return method === 'POST' ? { route: 'register' } : { allow: 'POST' };
    if (path === '/v2/users/presence') return method === 'GET' ? { route: 'listAll' } : { allow: 'GET' };
    const v3 = V3_USER_PATH.exec(path);
    if (v3) return method === 'GET' ? { route: 'getUser', uid: v3[1] as string } : { allow: 'GET' };
    return undefined;
  }

  /** The request body as text, or the answer refusing it. */
  async function readBody(request: Request): Promise<string | Response> {
    const declared = request.headers.get('content-length');
    if (declared !== null && /^[0-9]+$/.test(declared) && Number(declared) > maxBodyBytes) {
      await request.body?.cancel().catch(() => undefined);
      return problem(413, `Request body larger than ${maxBodyBytes} bytes`);
    }
    const bytes = await readLimited(request.body, maxBodyBytes);
    if (bytes === TOO_LARGE) return problem(413, `Request body larger than ${maxBodyBytes} bytes`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return problem(400, 'Request body is not UTF-8');
    }
  }

  function parseJson(text: string): unknown {
    try {
      return parseJsonLossless(text);
    } catch {
      return undefined;
    }
  }

  /** Turns the request into what will be sent to the pod, or the 4xx answer refusing it. */
  async function plan(request: Request, route: PresenceProxyRoute, uid: string | undefined, params: URLSearchParams): Promise<Plan | Response> {
    switch (route) {
      case 'getOwn': {
        const query = readQuery(params, {});
        return typeof query === 'string' ? problem(400, query) : { route, method: 'GET', path: '/v2/user/presence', query };
      }
      case 'listAll': {
        const query = readQuery(params, { limit: limitParam, lastUserId: userIdParam });
        return typeof query === 'string' ? problem(400, query) : { route, method: 'GET', path: '/v2/users/presence', query };
      }
      case 'getUser': {
        const userId = uid !== undefined && DIGITS.test(uid) ? parseUserId(uid) : undefined;
        if (!userId) return problem(400, 'uid must be a positive 64-bit decimal integer');
        const query = readQuery(params, { local: booleanParam });
        if (typeof query === 'string') return problem(400, query);
        return { route, method: 'GET', path: `/v3/user/${userId}/presence`, query, userId, local: query.get('local') === 'true' };
      }
      case 'setOwn': {
        const query = readQuery(params, { soft: booleanParam });
        if (typeof query === 'string') return problem(400, query);
        const text = await readBody(request);
        if (typeof text !== 'string') return text;
        const body = parseJson(text);
        const category = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { category?: unknown }).category : undefined;
        if (typeof category !== 'string' || !CATEGORY.test(category)) {
          return problem(400, 'Body must be a JSON object with a "category" of letters and underscores');
        }
        return { route, method: 'POST', path: '/v2/user/presence', query, body: JSON.stringify({ category }) };
      }
      case 'register': {
        const query = readQuery(params, {});
        if (typeof query === 'string') return problem(400, query);
        const text = await readBody(request);
        if (typeof text !== 'string') return text;
        const body = parseJson(text);
        if (!Array.isArray(body)) return problem(400, 'Body must be a JSON array of user ids');
        if (body.length > maxIds) return problem(413, `At most ${maxIds} user ids per registration`);
        const ids = new Set<UserId>();
        for (const item of body) {
          // Numbers are at most 15 digits here (longer ones arrive as strings), so all are exact.
          const id = typeof item === 'number' || (typeof item === 'string' && DIGITS.test(item)) ? parseUserId(item) : undefined;
          if (!id) return problem(400, 'User ids must be positive 64-bit integers');
          ids.add(id);
        }
        if (ids.size === 0) return problem(400, 'Body must name at least one user id');
        const list = [...ids];
        // Bare integers with every digit, as the pod's int64 list expects.
        return { route, method: 'POST', path: '/v1/user/presence/register', query, body: `[${list.join(',')}]`, ids: list };
      }
    }
  }

  // ------------------------------------------------------------------ pod calls

  async function callPod(
    p: Pick<Plan, 'method' | 'path' | 'query' | 'body'>,
    token: string,
    request: Request,
    signal: AbortSignal,
    route: PresenceProxyRoute,
  ): Promise<PodAnswer | Failure> {
    const qs = p.query.toString();
    const headers = new Headers({ accept: 'application/json' });
    if (p.body !== undefined) headers.set('content-type', 'application/json');
    headers.set('sessionToken', token);
    // A plain timer rather than AbortSignal.timeout, so the whole exchange (body included) is
    // bounded and tests can drive it with fake timers.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException('The pod did not answer in time', 'TimeoutError'));
    }, timeoutMs);
    const onClientGone = () => controller.abort(signal.reason);
    if (signal.aborted) onClientGone();
    else signal.addEventListener('abort', onClientGone, { once: true });
    const fetchImpl = options.fetch ?? globalThis.fetch;
    try {
      let response: Response;
      try {
        response = await fetchImpl(`${podBase}${p.path}${qs ? `?${qs}` : ''}`, {
          method: p.method,
          headers,
          body: p.body,
          // A redirect would carry the token to wherever the pod points.
          redirect: 'error',
          signal: controller.signal,
        });
      } catch (error) {
        report(error, route);
        return timedOut
          ? { failure: () => problem(504, 'The pod did not answer in time') }
          : { failure: () => problem(502, 'The pod could not be reached') };
      }
      let bytes: Uint8Array | typeof TOO_LARGE;
      try {
        bytes = await readLimited(response.body, maxResponseBytes);
      } catch (error) {
        report(error, route);
        return timedOut
          ? { failure: () => problem(504, 'The pod did not answer in time') }
          : { failure: () => problem(502, 'The pod answer broke off') };
      }
      if (bytes === TOO_LARGE) return { failure: () => problem(502, 'The pod answer was too large') };
      if (response.status === 401 && options.onUnauthorized) {
        try {
          await options.onUnauthorized(request);
        } catch (error) {
          report(error, route);
        }
      }
      return { status: response.status, headers: response.headers, text: new TextDecoder().decode(bytes) };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onClientGone);
    }
  }

  /**
   * The pod's answer as the browser may see it: safe headers only, token redacted, and a 5xx or
   * non-JSON body replaced by the library's `{code, message}` (what it held goes to `onError`).
   */
  function relay(answer: PodAnswer, token: string, route: PresenceProxyRoute): Response {
    const redactor = createTokenRedactor(token);
    const nominated = new Set(
      (answer.headers.get('connection') ?? '')
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter(Boolean),
    );
    const headers = new Headers();
    for (const [name, value] of answer.headers) {
      if (!exposed.has(name) || NEVER_RELAYED.has(name) || nominated.has(name) || name.startsWith('proxy-')) continue;
      if (redactor.appearsIn(value)) continue;
      headers.set(name, value);
    }
    for (const [name, value] of Object.entries(LOCKED_DOWN)) headers.set(name, value);
    if (NULL_BODY_STATUSES.has(answer.status)) return new Response(null, { status: answer.status, headers });
    const contentType = answer.headers.get('content-type');
    // Declared JSON is not enough: a JSON-typed HTML page or stack trace is replaced as well.
    const json = isJsonType(contentType) && parseJson(answer.text) !== undefined;
    if (answer.status >= 500 || (!json && answer.text !== '')) {
      report(new PodAnswerError(answer.status, contentType, redactor.redact(answer.text.slice(0, 2048))), route);
      // A 2xx that is not JSON is no presence answer: the browser gets a 502 rather than HTML.
      const status = answer.status >= 400 ? answer.status : 502;
      const message = status >= 500 ? `The pod failed (HTTP ${answer.status})` : `The pod refused the request (HTTP ${answer.status})`;
      headers.set('content-type', 'application/json; charset=utf-8');
      return new Response(JSON.stringify({ code: status, message }), { status, headers });
    }
    return new Response(redactor.redact(answer.text), { status: answer.status, headers });
  }

  const isFailure = (value: PodAnswer | Failure): value is Failure => 'failure' in value;

  /** Reads the session user's tenant from an own-presence answer and caches it. */
  async function learnTenant(sessionKey: string, answer: PodAnswer, route: PresenceProxyRoute): Promise<number | undefined> {
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

  async function lookUpTenant(sessionKey: string, token: string, request: Request): Promise<number | Failure> {
    // Shared by every read waiting on it, so one client going away must not cancel it.
    const signal = new AbortController().signal;
    const answer = await callPod({ method: 'GET', path: '/v2/user/presence', query: new URLSearchParams() }, token, request, signal, 'getUser');
    if (isFailure(answer)) return answer;
    // The pod refused the session (401, 429, ...): the browser gets that refusal.
    if (answer.status < 200 || answer.status > 299) return { failure: () => relay(answer, token, 'getUser') };
    const tenant = await learnTenant(sessionKey, answer, 'getUser');
    return tenant ?? { failure: () => problem(502, "Could not tell the session user's company from the pod's answer") };
  }

  async function sessionTenant(sessionKey: string, token: string, request: Request): Promise<number | Failure> {
    const cached = await store.getTenant(sessionKey, now());
    if (cached !== undefined) return cached;
    let pending = tenantLookups.get(sessionKey);
    if (!pending) {
      pending = lookUpTenant(sessionKey, token, request).finally(() => tenantLookups.delete(sessionKey));
      tenantLookups.set(sessionKey, pending);
    }
    return pending;
  }

  // ------------------------------------------------------------------ routes

  async function readUser(p: Plan, sessionKey: string, token: string, request: Request): Promise<Response> {
    const userId = p.userId as UserId;
    let claimId: string | undefined;
    if (!p.local) {
      let tenant: number | Failure;
      try {
        tenant = await sessionTenant(sessionKey, token, request);
      } catch (error) {
        report(error, 'getUser');
        return problem(503, 'Presence guard unavailable', { 'retry-after': '5' });
      }
      if (typeof tenant !== 'number') return tenant.failure();
      if (tenantOf(userId) !== tenant) {
        const t = now();
        try {
          if (!(await store.isRegistered(sessionKey, userId, t))) {
            return problem(428, 'Register interest in this external user first (POST /v1/user/presence/register)');
          }
          const claim = await store.claimRead(sessionKey, userId, t, gapMs);
          if (!claim.ok) {
            return problem(429, `This session may read an external user's presence once every ${describeDuration(gapMs)}`, {
              'retry-after': String(Math.max(1, Math.ceil(claim.retryAfterMs / 1000))),
            });
          }
          claimId = claim.claimId;
        } catch (error) {
          report(error, 'getUser');
          return problem(503, 'Presence guard unavailable', { 'retry-after': '5' });
        }
      }
    }
    const answer = await callPod(p, token, request, request.signal, 'getUser');
    if (claimId !== undefined) {
      if (!isFailure(answer) && UNCOUNTED_STATUSES.has(answer.status)) {
        await store.releaseRead(sessionKey, userId, claimId).catch((error: unknown) => report(error, 'getUser'));
      } else {
        // The pod counts a read when it handles it, which may be long after the claim: the gap
        // starts again now. A failed call counts too: the pod may have read before the answer was lost.
        await store.renewRead(sessionKey, userId, claimId, now(), gapMs).catch((error: unknown) => report(error, 'getUser'));
      }
    }
    if (isFailure(answer)) return answer.failure();
    return relay(answer, token, 'getUser');
  }

  async function register(p: Plan, sessionKey: string, token: string, request: Request): Promise<Response> {
    try {
      const slot = await store.takeRegistration(sessionKey, now(), maxRegistrationsPerMinute, 60_000);
      if (!slot.ok) {
        return problem(429, `This session may register interest at most ${maxRegistrationsPerMinute} times a minute`, {
          'retry-after': String(Math.max(1, Math.ceil(slot.retryAfterMs / 1000))),
        });
      }
    } catch (error) {
      report(error, 'register');
      return problem(503, 'Presence guard unavailable', { 'retry-after': '5' });
    }
    const sentAt = now();
    const answer = await callPod(p, token, request, request.signal, 'register');
    if (isFailure(answer)) return answer.failure();
    if (answer.status >= 200 && answer.status <= 299) {
      // The pod's hour started when it received the request; ours counts from sending it.
      const t = now();
      const remaining = registrationTtlMs - Math.max(0, t - sentAt);
      if (remaining > 0) {
        await store.recordRegistration(sessionKey, p.ids ?? [], t, remaining).catch((error: unknown) => report(error, 'register'));
      }
    }
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

    const p = await plan(request, route, match.uid, url.searchParams);
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
    if (route === 'getOwn' || route === 'setOwn') await learnTenant(sessionKey, answer, route);
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
