import {
  GRAPH_TIMEOUT_MS,
  DEFAULT_EXPIRATION_MS,
  MAX_EXPIRATION_MS,
  MIN_EXPIRATION_MS,
  aggregateGraphSessions,
  defaultPreferredExpirationMs,
  isSettableGraphPair,
  isUserPreferredGraphPair,
  parseGraphDateTime,
  parseGraphUserId,
  parseIsoDuration,
  toGraphUserId,
  type GraphPresencePair,
  type GraphUserId,
} from '../../model';
import { ledgerStats } from '../ledgerStats';
import { checkLatency, createFaultList, type ActiveFault as ActiveFaultOf } from '../faultList';
import { deriveSeed, mulberry32 } from '../mulberry32';
import { headerValue, splitRequest } from '../wire';
import type {
  MockGraph,
  MockGraphFault,
  MockGraphLedgerEntry,
  MockGraphOptions,
  MockGraphRequest,
  MockGraphResponse,
  MockGraphRoute,
  MockGraphSession,
  MockGraphThrottle,
  MockGraphUser,
  MockGraphUserSpec,
} from './types';

/** Token every emulator accepts for its default user and app. Send it as `Authorization: Bearer ...`. */
export const DEFAULT_GRAPH_TOKEN = 'mock-graph-default-token';
/** The default app's id: the `sessionId` `DEFAULT_GRAPH_TOKEN`'s setPresence calls must send. */
export const DEFAULT_GRAPH_APP_ID = '22553876-f5ab-4529-bffb-cfe50aa89f87';
/** Graph's presence throttle: 1,500 requests per 30 seconds per app per tenant. */
export const GRAPH_THROTTLE: Readonly<MockGraphThrottle> = Object.freeze({ limit: 1500, windowMs: 30_000 });
/** Most ids one getPresencesByUserId call accepts. */
export const GRAPH_BATCH_LIMIT = 650;

const AVAILABLE: GraphPresencePair = { availability: 'Available', activity: 'Available' };

/** The default tenant: one person per interesting state, so stories show the whole table. */
export const DEFAULT_GRAPH_USERS: readonly MockGraphUserSpec[] = Object.freeze([
  { id: 'fa8bf3dc-eca7-46b7-bad1-db199b62afc3', displayName: 'Adele Vance', clients: [AVAILABLE] },
  { id: '1a2b3c4d-0000-4000-8000-000000000002', displayName: 'Alex Wilber', clients: [{ availability: 'Busy', activity: 'InACall' }] },
  { id: '1a2b3c4d-0000-4000-8000-000000000003', displayName: 'Diego Siciliani', clients: [AVAILABLE], inMeeting: true },
  {
    id: '1a2b3c4d-0000-4000-8000-000000000004',
    displayName: 'Grady Archie',
    clients: [{ availability: 'DoNotDisturb', activity: 'Presenting' }],
  },
  { id: '1a2b3c4d-0000-4000-8000-000000000005', displayName: 'Isaiah Langer', clients: [{ availability: 'Away', activity: 'Away' }] },
  {
    id: '1a2b3c4d-0000-4000-8000-000000000006',
    displayName: 'Johanna Lorenz',
    clients: [AVAILABLE],
    preferred: { availability: 'BeRightBack', activity: 'BeRightBack' },
  },
  { id: '1a2b3c4d-0000-4000-8000-000000000007', displayName: 'Lee Gu', clients: [AVAILABLE], outOfOffice: true },
  { id: '1a2b3c4d-0000-4000-8000-000000000008', displayName: 'Megan Bowen', clients: [], outOfOffice: true },
]);

const STREAM_IDS = 11;
const STREAM_TOKENS = 12;
const STREAM_FAULTS = 13;

interface Session {
  readonly sessionId: string;
  readonly kind: 'app' | 'client';
  pair: GraphPresencePair;
  setAt: number;
  expiresAt: number;
}

interface UserRecord {
  readonly id: GraphUserId;
  readonly displayName: string;
  /** Most recently set first. */
  sessions: Session[];
  preferred: (GraphPresencePair & { expiresAt: number }) | undefined;
  outOfOffice: boolean;
  oofMessage: string | undefined;
  inMeeting: boolean;
  statusMessage: { text: string; setAt: number; expiresAt: number | undefined } | undefined;
}

interface TokenInfo {
  readonly userId: GraphUserId | undefined;
  readonly appId: GraphUserId;
}

type ActiveFault = ActiveFaultOf<MockGraphFault, GraphUserId>;

interface Computed extends GraphPresencePair {
  readonly outOfOffice: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}): MockGraphResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, bodyText: JSON.stringify({ error: { code, message } }) };
}

const ok = (): MockGraphResponse => ({ status: 200, headers: {}, bodyText: '' });

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

function checkThrottle(throttle: MockGraphThrottle | false): MockGraphThrottle | false {
  if (throttle === false) return false;
  if (!(Number.isInteger(throttle.limit) && throttle.limit >= 1 && throttle.windowMs > 0)) {
    throw new RangeError('throttle needs an integer limit >= 1 and a windowMs > 0');
  }
  return { limit: throttle.limit, windowMs: throttle.windowMs };
}

interface RouteMatch {
  route: MockGraphRoute | 'unknown';
  template: string;
  id?: string;
  allow?: string;
}

const USER_PATH = /^\/users\/([^/]+)\/presence(?:\/(setPresence|clearPresence|setUserPreferredPresence|clearUserPreferredPresence|setStatusMessage))?$/;
const ACTION_ROUTES: Readonly<Record<string, MockGraphRoute>> = {
  setPresence: 'setPresence',
  clearPresence: 'clearPresence',
  setUserPreferredPresence: 'setPreferred',
  clearUserPreferredPresence: 'clearPreferred',
  setStatusMessage: 'setStatusMessage',
};

function matchRoute(method: string, pathname: string): RouteMatch {
  if (pathname === '/me/presence') {
    return method === 'GET' ? { route: 'getMe', template: pathname } : { route: 'unknown', template: pathname, allow: 'GET' };
  }
  if (pathname === '/communications/getPresencesByUserId') {
    return method === 'POST' ? { route: 'getBatch', template: pathname } : { route: 'unknown', template: pathname, allow: 'POST' };
  }
  const m = USER_PATH.exec(pathname);
  if (m) {
    const id = decodeURIComponent(m[1] as string);
    const action = m[2];
    if (!action) {
      const template = '/users/{id}/presence';
      return method === 'GET' ? { route: 'getUser', template, id } : { route: 'unknown', template, allow: 'GET' };
    }
    const template = `/users/{id}/presence/${action}`;
    return method === 'POST'
      ? { route: ACTION_ROUTES[action] as MockGraphRoute, template, id }
      : { route: 'unknown', template, allow: 'POST' };
  }
  return { route: 'unknown', template: pathname };
}

function readBody(text: string): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates an in-memory Microsoft Graph that serves the presence API with the rules Graph
 * documents (see `seeds/msgraph-set-presence.md`):
 *
 * - Several sessions per user (Teams clients and apps), aggregated by precedence: a
 *   user-preferred presence overrides every session, but only while at least one exists; among
 *   sessions DoNotDisturb > Busy > Available > Away (`aggregateGraphSessions`).
 * - An app session set `Available/Available` fades to `Available/AvailableInactive` 5 minutes
 *   after its last set and to `Away/Away` 5 minutes later; it ends after `expirationDuration`
 *   (default 5 minutes, PT5M..PT4H accepted) and the user goes `Offline` when it was the last one.
 *   Setting it again renews both clocks. Teams client sessions keep themselves alive.
 * - A user-preferred presence lasts `expirationDuration`, by default 1 day for DoNotDisturb and
 *   Busy and 7 days otherwise.
 * - Out of office and In a meeting come only from events (`setEvent`), never from a set call.
 * - 1,500 requests per 30 s per app (configurable), answered beyond that with 429 and `Retry-After`.
 * - Tokens: `Authorization: Bearer`; `/me` needs a delegated token (with a user); a delegated token
 *   may set only its own user's presence; `sessionId` must be the token's app id.
 *
 * Decided here where Graph's docs are silent:
 * - A meeting counts as one more session-level state (`Busy/InAMeeting`), also while the user has
 *   no session (calendars do not need a client); a user-preferred presence overrides it.
 * - Out of office on top of the aggregate: no session and no meeting gives
 *   `OutOfOffice/OutOfOffice`; an `Available` aggregate gives `Available/OutOfOffice`; any other
 *   aggregate keeps its pair. `outOfOfficeSettings.isOutOfOffice` is true in all three cases.
 * - getPresencesByUserId leaves out ids it does not know (rather than failing the whole call).
 * - Throttled requests do not count against the window (so `Retry-After` is exact).
 *
 * Time is read from `clock` on every request and every inspection; nothing runs in the background.
 */
export function createMockGraph(options: MockGraphOptions = {}): MockGraph {
  const clock = options.clock ?? Date.now;
  const seed = options.seed ?? 1;
  let latencyMs = checkLatency(options.latencyMs ?? 0, 'latencyMs');
  let throttle = checkThrottle(options.throttle === undefined ? GRAPH_THROTTLE : options.throttle);
  const idRandom = mulberry32(deriveSeed(seed, STREAM_IDS));
  const tokenRandom = mulberry32(deriveSeed(seed, STREAM_TOKENS));
  const faultRandom = mulberry32(deriveSeed(seed, STREAM_FAULTS));

  const users = new Map<GraphUserId, UserRecord>();
  const tokens = new Map<string, TokenInfo>();
  const requestTimes = new Map<GraphUserId, number[]>();
  const faults = createFaultList<MockGraphRoute, MockGraphFault, GraphUserId>(toGraphUserId, faultRandom);
  let ledger: MockGraphLedgerEntry[] = [];
  let tokenCount = 0;

  function randomGuid(): GraphUserId {
    let hex = '';
    for (let i = 0; i < 4; i++) hex += Math.floor(idRandom() * 2 ** 32).toString(16).padStart(8, '0');
    // Version 4, variant 10xx, as real object ids.
    const v = `${hex.slice(0, 12)}4${hex.slice(13, 16)}${((parseInt(hex[16] as string, 16) & 3) | 8).toString(16)}${hex.slice(17)}`;
    return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20)}` as GraphUserId;
  }

  function requireUser(id: string): UserRecord {
    const user = users.get(toGraphUserId(id));
    if (!user) throw new Error('mock graph: no such user');
    return user;
  }

  function addUser(spec: MockGraphUserSpec): UserRecord {
    const id = spec.id === undefined ? randomGuid() : toGraphUserId(spec.id);
    if (users.has(id)) throw new Error('mock graph: duplicate user id');
    const now = clock();
    const clients = spec.clients ?? [AVAILABLE];
    const user: UserRecord = {
      id,
      displayName: spec.displayName,
      sessions: clients.map((pair, i) => ({
        sessionId: `teams-client-${i + 1}`,
        kind: 'client',
        pair: { availability: pair.availability, activity: pair.activity },
        setAt: now,
        expiresAt: Infinity,
      })),
      preferred: spec.preferred
        ? { ...spec.preferred, expiresAt: now + defaultPreferredExpirationMs(spec.preferred.availability) }
        : undefined,
      outOfOffice: spec.outOfOffice ?? false,
      oofMessage: undefined,
      inMeeting: spec.inMeeting ?? false,
      statusMessage: undefined,
    };
    users.set(id, user);
    return user;
  }

  for (const spec of options.users ?? DEFAULT_GRAPH_USERS) addUser(spec);
  const first = users.values().next().value as UserRecord | undefined;
  if (!first) throw new Error('mock graph: needs at least one user');
  const defaultUserId = options.defaultUserId === undefined ? first.id : requireUser(options.defaultUserId).id;
  const defaultAppId = toGraphUserId(options.appId ?? DEFAULT_GRAPH_APP_ID);
  tokens.set(DEFAULT_GRAPH_TOKEN, { userId: defaultUserId, appId: defaultAppId });

  // ---- presence rules -----------------------------------------------------------------------

  /** A session's pair at `now`, after the fade; `undefined` once it expired. */
  function currentPair(s: Session, now: number): GraphPresencePair | undefined {
    if (now >= s.expiresAt) return undefined;
    if (s.kind === 'app' && s.pair.availability === 'Available') {
      const idle = now - s.setAt;
      if (idle >= 2 * GRAPH_TIMEOUT_MS) return { availability: 'Away', activity: 'Away' };
      if (idle >= GRAPH_TIMEOUT_MS) return { availability: 'Available', activity: 'AvailableInactive' };
    }
    return s.pair;
  }

  /** Drops expired sessions and preferences. */
  function prune(user: UserRecord, now: number): void {
    user.sessions = user.sessions.filter((s) => now < s.expiresAt);
    if (user.preferred && now >= user.preferred.expiresAt) user.preferred = undefined;
  }

  function compute(user: UserRecord, now: number): Computed {
    prune(user, now);
    const live = user.sessions.map((s) => currentPair(s, now)).filter((p): p is GraphPresencePair => p !== undefined);
    let base: GraphPresencePair;
    if (live.length > 0 && user.preferred) {
      base = { availability: user.preferred.availability, activity: user.preferred.activity };
    } else {
      const states = user.inMeeting ? [...live, { availability: 'Busy', activity: 'InAMeeting' }] : live;
      base = aggregateGraphSessions(states);
    }
    if (!user.outOfOffice) return { ...base, outOfOffice: false };
    if (base.availability === 'Offline') return { availability: 'OutOfOffice', activity: 'OutOfOffice', outOfOffice: true };
    if (base.availability === 'Available') return { availability: 'Available', activity: 'OutOfOffice', outOfOffice: true };
    return { ...base, outOfOffice: true };
  }

  /** The message while it has not expired, as Graph's presenceStatusMessage (times in UTC). */
  function liveStatusMessage(user: UserRecord, now: number): UserRecord['statusMessage'] {
    const m = user.statusMessage;
    return m && (m.expiresAt === undefined || m.expiresAt > now) ? m : undefined;
  }

  function statusMessageJson(user: UserRecord, now: number): Record<string, unknown> | null {
    const m = liveStatusMessage(user, now);
    if (!m) return null;
    const utc = (t: number) => ({ dateTime: `${new Date(t).toISOString().slice(0, -1)}0000`, timeZone: 'UTC' });
    return {
      message: { content: m.text, contentType: 'text' },
      // Assumption: a message without expiry is answered with no expiryDateTime (Graph's docs show none).
      expiryDateTime: m.expiresAt === undefined ? null : utc(m.expiresAt),
      publishedDateTime: new Date(m.setAt).toISOString(),
    };
  }

  function presenceJson(user: UserRecord, now: number): Record<string, unknown> {
    const p = compute(user, now);
    return {
      '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${user.id}')/presence/$entity`,
      id: user.id,
      availability: p.availability,
      activity: p.activity,
      statusMessage: statusMessageJson(user, now),
      outOfOfficeSettings: { message: user.outOfOffice ? (user.oofMessage ?? null) : null, isOutOfOffice: p.outOfOffice },
    };
  }

  function snapshot(user: UserRecord): MockGraphUser {
    const now = clock();
    const p = compute(user, now);
    return Object.freeze({
      id: user.id,
      displayName: user.displayName,
      availability: p.availability,
      activity: p.activity,
      outOfOffice: p.outOfOffice,
      inMeeting: user.inMeeting,
      statusMessage: ((m) => (m ? Object.freeze({ text: m.text, expiresAt: m.expiresAt }) : undefined))(liveStatusMessage(user, now)),
      preferred: user.preferred ? Object.freeze({ ...user.preferred }) : undefined,
      sessions: Object.freeze(
        user.sessions.map(
          (s): MockGraphSession =>
            Object.freeze({
              sessionId: s.sessionId,
              kind: s.kind,
              set: { ...s.pair },
              current: currentPair(s, now) ?? { ...s.pair },
              setAt: s.setAt,
              expiresAt: s.expiresAt,
            }),
        ),
      ),
    });
  }

  function putSession(user: UserRecord, session: Session): void {
    user.sessions = [session, ...user.sessions.filter((s) => s.sessionId !== session.sessionId)];
  }

  // ---- throttle and faults -------------------------------------------------------------------

  /** Seconds to wait when the app is over its budget, else `undefined` (and the request is counted). */
  function overBudget(appId: GraphUserId, now: number): number | undefined {
    if (!throttle) return undefined;
    const { limit, windowMs } = throttle;
    const times = (requestTimes.get(appId) ?? []).filter((t) => t > now - windowMs);
    requestTimes.set(appId, times);
    if (times.length >= limit) return Math.max(1, Math.ceil(((times[0] as number) + windowMs - now) / 1000));
    times.push(now);
    return undefined;
  }

  const shortCircuits = (f: MockGraphFault): boolean => f.status !== undefined || f.body !== undefined;

  function takeFault(route: MockGraphRoute, subjects: readonly string[]): ActiveFault | undefined {
    return faults.take(route, () => subjects as readonly GraphUserId[]);
  }

  function faultResponse(spec: MockGraphFault): MockGraphResponse {
    const status = spec.status ?? 200;
    const headers: Record<string, string> = spec.retryAfter === undefined ? {} : { 'retry-after': spec.retryAfter };
    if (spec.body !== undefined) return { status, headers: { ...JSON_HEADERS, ...headers }, bodyText: spec.body };
    return status >= 400 ? graphError(status, 'InjectedFault', 'Injected fault', headers) : { status, headers, bodyText: '' };
  }

  // ---- routes --------------------------------------------------------------------------------

  const json = (body: unknown): MockGraphResponse => ({ status: 200, headers: { ...JSON_HEADERS }, bodyText: JSON.stringify(body) });

  function targetUser(match: RouteMatch): UserRecord | MockGraphResponse {
    const id = parseGraphUserId(match.id);
    if (!id) return graphError(400, 'BadRequest', 'The user id must be a GUID');
    return users.get(id) ?? graphError(404, 'NotFound', 'User not found');
  }

  /** The target user of a write, or the answer refusing it. */
  function writableUser(match: RouteMatch, token: TokenInfo): UserRecord | MockGraphResponse {
    const user = targetUser(match);
    if ('status' in user) return user;
    // Delegated permissions act for the signed-in user only.
    if (token.userId !== undefined && token.userId !== user.id) {
      return graphError(403, 'Forbidden', 'Delegated tokens may only change the signed-in user\'s presence');
    }
    return user;
  }

  function route(match: RouteMatch, token: TokenInfo, bodyText: string, now: number): MockGraphResponse {
    switch (match.route) {
      case 'getMe': {
        if (!token.userId) return graphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow');
        return json(presenceJson(requireUser(token.userId), now));
      }
      case 'getUser': {
        const user = targetUser(match);
        return 'status' in user ? user : json(presenceJson(user, now));
      }
      case 'getBatch': {
        const body = readBody(bodyText);
        const ids = body?.ids;
        if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
          return graphError(400, 'BadRequest', 'Body must be {"ids": [...]} with string ids');
        }
        if (ids.length > GRAPH_BATCH_LIMIT) return graphError(400, 'BadRequest', `At most ${GRAPH_BATCH_LIMIT} ids per request`);
        const parsed = ids.map((id) => parseGraphUserId(id));
        if (parsed.some((id) => id === undefined)) return graphError(400, 'BadRequest', 'Every id must be a GUID');
        const value = [...new Set(parsed as GraphUserId[])].flatMap((id) => {
          const user = users.get(id);
          return user ? [presenceJson(user, now)] : [];
        });
        return json({ value });
      }
      case 'setPresence': {
        const user = writableUser(match, token);
        if ('status' in user) return user;
        const body = readBody(bodyText);
        if (!body) return graphError(400, 'BadRequest', 'Malformed JSON body');
        const { sessionId, availability, activity, expirationDuration } = body;
        if (typeof sessionId !== 'string' || parseGraphUserId(sessionId) !== token.appId) {
          return graphError(400, 'BadRequest', 'sessionId must be the id of the calling application');
        }
        const pair = { availability: String(availability), activity: String(activity) };
        if (typeof availability !== 'string' || typeof activity !== 'string' || !isSettableGraphPair(pair)) {
          return graphError(400, 'BadRequest', 'Unsupported availability/activity combination');
        }
        let duration = DEFAULT_EXPIRATION_MS;
        if (expirationDuration !== undefined && expirationDuration !== null) {
          const ms = parseIsoDuration(expirationDuration);
          if (ms === undefined || ms < MIN_EXPIRATION_MS || ms > MAX_EXPIRATION_MS) {
            return graphError(400, 'BadRequest', 'expirationDuration must be from PT5M to PT4H');
          }
          duration = ms;
        }
        putSession(user, { sessionId: token.appId, kind: 'app', pair, setAt: now, expiresAt: now + duration });
        return ok();
      }
      case 'clearPresence': {
        const user = writableUser(match, token);
        if ('status' in user) return user;
        const sessionId = readBody(bodyText)?.sessionId;
        if (typeof sessionId !== 'string' || parseGraphUserId(sessionId) !== token.appId) {
          return graphError(400, 'BadRequest', 'sessionId must be the id of the calling application');
        }
        user.sessions = user.sessions.filter((s) => !(s.kind === 'app' && s.sessionId === token.appId));
        return ok();
      }
      case 'setPreferred': {
        const user = writableUser(match, token);
        if ('status' in user) return user;
        const body = readBody(bodyText);
        if (!body) return graphError(400, 'BadRequest', 'Malformed JSON body');
        const { availability, activity, expirationDuration } = body;
        const pair = { availability: String(availability), activity: String(activity) };
        if (typeof availability !== 'string' || typeof activity !== 'string' || !isUserPreferredGraphPair(pair)) {
          return graphError(400, 'BadRequest', 'Unsupported availability/activity combination');
        }
        let duration = defaultPreferredExpirationMs(pair.availability);
        if (expirationDuration !== undefined && expirationDuration !== null) {
          const ms = parseIsoDuration(expirationDuration);
          if (ms === undefined || ms <= 0) return graphError(400, 'BadRequest', 'expirationDuration must be an ISO 8601 duration');
          duration = ms;
        }
        user.preferred = { ...pair, expiresAt: now + duration };
        return ok();
      }
      case 'setStatusMessage': {
        const user = writableUser(match, token);
        if ('status' in user) return user;
        const message = readBody(bodyText)?.statusMessage;
        if (typeof message !== 'object' || message === null) return graphError(400, 'BadRequest', 'Body must be {"statusMessage": {...}}');
        const { message: body, expiryDateTime } = message as Record<string, unknown>;
        const content = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).content : undefined;
        if (typeof content !== 'string') return graphError(400, 'BadRequest', 'statusMessage.message.content must be a string');
        let expiresAt: number | undefined;
        if (expiryDateTime !== undefined && expiryDateTime !== null) {
          expiresAt = parseGraphDateTime(expiryDateTime);
          if (expiresAt === undefined) return graphError(400, 'BadRequest', 'expiryDateTime must be a UTC dateTimeTimeZone');
        }
        user.statusMessage = content.trim() === '' ? undefined : { text: content, setAt: now, expiresAt };
        return ok();
      }
      case 'clearPreferred': {
        const user = writableUser(match, token);
        if ('status' in user) return user;
        user.preferred = undefined;
        return ok();
      }
      default:
        return graphError(404, 'NotFound', 'Resource not found');
    }
  }

  async function handle(request: MockGraphRequest): Promise<MockGraphResponse> {
    const method = request.method.toUpperCase();
    const { pathname } = splitRequest(request);
    const match = matchRoute(method, pathname);
    const bodyText = request.bodyText ?? '';
    await sleep(latencyMs);
    let now = clock();

    const auth = headerValue(request.headers, 'Authorization');
    const bearer = auth && /^Bearer\s+(\S+)$/i.exec(auth.trim());
    const token = bearer ? tokens.get(bearer[1] as string) : undefined;
    const draft: Mutable<MockGraphLedgerEntry> = { time: now, method, route: match.route, path: match.template, status: 0 };
    if (token) draft.appId = token.appId;

    let response: MockGraphResponse;
    if (match.route === 'unknown') {
      response = match.allow
        ? { ...graphError(405, 'MethodNotAllowed', 'Method not allowed'), headers: { ...JSON_HEADERS, allow: match.allow } }
        : graphError(404, 'NotFound', 'Resource not found');
    } else if (!token) {
      response = graphError(401, 'InvalidAuthenticationToken', 'Access token is empty, invalid or expired');
    } else {
      const subjects: string[] = [];
      const pathUser = parseGraphUserId(match.id);
      if (match.route === 'getMe' && token.userId) subjects.push(token.userId);
      if (pathUser) subjects.push(pathUser);
      if (match.route === 'getBatch') {
        const ids = readBody(bodyText)?.ids;
        if (Array.isArray(ids)) {
          draft.userIds = Object.freeze(ids.filter((id): id is string => typeof id === 'string'));
          for (const id of draft.userIds) {
            const g = parseGraphUserId(id);
            if (g) subjects.push(g);
          }
        }
      }
      if (subjects[0] && match.route !== 'getBatch') draft.userId = subjects[0] as GraphUserId;

      const wait = overBudget(token.appId, now);
      if (wait !== undefined) {
        draft.throttled = true;
        response = graphError(429, 'TooManyRequests', 'Too many requests; retry after the delay in Retry-After', {
          'retry-after': String(wait),
        });
      } else {
        const fault = takeFault(match.route, subjects);
        if (fault?.spec.latencyMs) {
          await sleep(checkLatency(fault.spec.latencyMs, 'fault latencyMs'));
          now = clock();
        }
        if (fault && shortCircuits(fault.spec)) {
          draft.faulted = true;
          response = faultResponse(fault.spec);
        } else {
          response = route(match, token, bodyText, now);
        }
      }
    }
    ledger.push(Object.freeze({ ...draft, time: now, status: response.status }));
    return response;
  }

  // ---- public object -------------------------------------------------------------------------

  const graph: MockGraph = {
    defaultUserId,
    defaultAppId,
    get users() {
      return [...users.values()].map(snapshot);
    },
    get ledger() {
      return ledger.slice();
    },
    get latencyMs() {
      return latencyMs;
    },
    set latencyMs(ms: number) {
      latencyMs = checkLatency(ms, 'latencyMs');
    },
    get throttle() {
      return throttle === false ? false : { ...throttle };
    },
    set throttle(value: MockGraphThrottle | false) {
      throttle = checkThrottle(value);
    },
    faults: faults.api,
    handle,
    getUser(id) {
      const parsed = parseGraphUserId(id);
      const user = parsed === undefined ? undefined : users.get(parsed);
      return user ? snapshot(user) : undefined;
    },
    addUser(spec) {
      return snapshot(addUser(spec));
    },
    setClientSession(userId, clientId, pair) {
      const user = requireUser(userId);
      const now = clock();
      prune(user, now);
      const sessionId = `teams-client-${clientId}`;
      if (pair === null) {
        user.sessions = user.sessions.filter((s) => s.sessionId !== sessionId);
        return;
      }
      putSession(user, { sessionId, kind: 'client', pair: { ...pair }, setAt: now, expiresAt: Infinity });
    },
    setEvent(userId, event, on, eventOptions = {}) {
      const user = requireUser(userId);
      if (event === 'oof') {
        user.outOfOffice = on;
        user.oofMessage = on ? eventOptions.message : undefined;
      } else if (event === 'meeting') {
        user.inMeeting = on;
      } else {
        throw new Error('mock graph: events are "oof" or "meeting"');
      }
    },
    setStatusMessage(userId, text, expiresAt) {
      const user = requireUser(userId);
      user.statusMessage = text === null || text.trim() === '' ? undefined : { text, setAt: clock(), expiresAt };
    },
    createToken({ userId, appId }) {
      const info: TokenInfo = {
        userId: userId === undefined ? undefined : requireUser(userId).id,
        appId: appId === undefined ? defaultAppId : toGraphUserId(appId),
      };
      tokenCount += 1;
      const token = `mock-graph-token-${tokenCount}-${Math.floor(tokenRandom() * 2 ** 32).toString(16).padStart(8, '0')}`;
      tokens.set(token, info);
      return token;
    },
    expireToken(token) {
      tokens.delete(token);
    },
    clearLedger() {
      ledger = [];
    },
    stats() {
      return ledgerStats(ledger);
    },
  };
  return graph;
}
