import {
  applyIdle,
  compareUserIds,
  getCategoryInfo,
  matchPresenceRoute,
  parseJsonLossless,
  parseUserId,
  toExternalView,
  toUserId,
  type CategoryValue,
  type UserId,
  type UserIdInput,
} from '../model';
import { buildPopulation, randomChosenCategory, type UserRecord } from './buildPopulation';
import {
  DEFAULT_PRIVILEGES,
  DEFAULT_SESSION_TOKEN,
  EXTERNAL_READ_INTERVAL_MS,
  INTEREST_TTL_MS,
  LIST_DEFAULT_LIMIT,
  LIST_MAX_LIMIT,
  REQUIRED_PRIVILEGES,
} from './constants';
import { ledgerStats } from './ledgerStats';
import { resolveAssumptions } from './podRules';
import { checkLatency, createFaultList, type ActiveFault as ActiveFaultOf } from './faultList';
import { podCertificateResponse } from './mockPodIdentity';
import { deriveSeed, mulberry32, type Random } from './mulberry32';
import type {
  LedgerEntry,
  MockChurnOptions,
  MockPod,
  MockPodFault,
  MockPodOptions,
  MockPodRequest,
  MockPodResponse,
  MockPodRoute,
  MockPodStats,
  MockPodUser,
} from './types';
import {
  errorResponse,
  headerValue,
  jsonResponse,
  parseBooleanParam,
  presenceListResponse,
  presenceResponse,
  safeUrl,
  splitRequest,
  type PresenceOut,
} from './wire';

const DEFAULT_CHURN: MockChurnOptions = { everyMs: 60_000, fraction: 0.02 };

// A clock that jumps days ahead would otherwise replay thousands of steps nobody can observe.
const MAX_CHURN_CATCHUP_STEPS = 1000;

// Independent random streams, so e.g. opening a session never changes what churn does.
const STREAM_TOKENS = 2;
const STREAM_FAULTS = 3;
const STREAM_CHURN_BASE = 1000;

const MESSAGES = {
  invalidSession: 'Invalid session',
  forbidden: 'The user lacks the required entitlement to perform this operation',
  notFound: 'Not found',
  noInterest: 'Presence interest not registered for this user; call /v1/user/presence/register first',
  rateLimited: 'Too many requests: the presence of an external user can be read once every 5 minutes',
} as const;

interface Session {
  readonly token: string;
  readonly userId: UserId;
  readonly privileges: ReadonlySet<string>;
  /** Registration time per external user. */
  readonly interest: Map<UserId, number>;
}

/** The last allowed read of an external user: when, and what it answered (ASM-LIMIT-429 off). */
interface ExternalRead {
  readonly at: number;
  readonly answer: Outcome;
}

interface RouteMatch {
  readonly route: MockPodRoute | 'unknown';
  readonly template: string;
  readonly uid?: string;
  /** Set when the path is served but not with this method. */
  readonly allow?: string;
}

type ActiveFault = ActiveFaultOf<MockPodFault, UserId>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type LedgerDraft = Mutable<Omit<LedgerEntry, 'status' | 'time'>>;

type Outcome =
  | { kind: 'presence'; presence: PresenceOut }
  | { kind: 'list'; list: PresenceOut[] }
  | { kind: 'response'; response: MockPodResponse };

const DIGITS = /^[0-9]+$/;

function matchRoute(method: string, pathname: string): RouteMatch {
  const match = matchPresenceRoute(method, pathname);
  if (!match) return { route: 'unknown', template: pathname };
  if (match.route === undefined) return { route: 'unknown', template: match.template, allow: match.allow };
  return match.uid === undefined ? { route: match.route, template: match.template } : { route: match.route, template: match.template, uid: match.uid };
}

const pairKey = (a: UserId, b: UserId): string => (compareUserIds(a, b) <= 0 ? `${a}:${b}` : `${b}:${a}`);

const presenceOf = (userId: UserId, category: CategoryValue, timestamp: number): Outcome => ({
  kind: 'presence',
  presence: { userId, category, timestamp },
});

const shownCategory = (u: UserRecord): CategoryValue => (u.online ? applyIdle(u.chosen, u.idle) : 'OFFLINE');

function snapshot(u: UserRecord): MockPodUser {
  return Object.freeze({
    id: u.id,
    tenantId: u.tenantId,
    company: u.company,
    firstName: u.firstName,
    lastName: u.lastName,
    displayName: u.displayName,
    email: u.email,
    category: shownCategory(u),
    chosenCategory: u.chosen,
    online: u.online,
    idle: u.idle,
    active: u.active,
    timestamp: u.timestamp,
  });
}

function sleep(ms: number): Promise<void> {
  // No timer at all for 0, so pods without latency work under any fake-timer setup.
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/**
 * Reads a register body: a JSON array of positive int64 ids written as bare integers.
 * Returns an error message instead when the body is not that.
 */
function parseIdList(bodyText: string): UserId[] | string {
  let parsed: unknown;
  try {
    parsed = parseJsonLossless(bodyText);
  } catch {
    return 'Malformed JSON body';
  }
  if (!Array.isArray(parsed)) return 'Body must be a JSON array of user ids';
  // parseJsonLossless turns long integers into strings; a quote in the text means the client
  // itself sent strings, which the spec's int64 list does not allow.
  const clientSentStrings = bodyText.includes('"');
  const ids: UserId[] = [];
  for (const item of parsed) {
    const ok =
      (typeof item === 'number' && Number.isSafeInteger(item)) ||
      (typeof item === 'string' && !clientSentStrings && DIGITS.test(item));
    const id = ok ? parseUserId(item) : undefined;
    if (!id) return 'User ids must be positive 64-bit integers';
    ids.push(id);
  }
  return ids;
}

/**
 * Creates an in-memory Symphony pod that serves the presence API with the rules of the real one:
 * sessions and privileges, interest registration for external users (lapsing after an hour),
 * one read per external user per 5 minutes, external views, the idle rule, and int64 ids that
 * keep every digit. Use it through {@link MockPod.handle}, the msw handlers or the Node server.
 *
 * Every rule names its source in `POD_RULES` (seed rule, spec, or our assumption); assumptions
 * can be switched off with `options.assumptions`. Registrations and the 5-minute limit belong to
 * the session token (a new session has registered nothing). A user's timestamp is the time of
 * their last set, also after they come back online; OFFLINE answers carry the time of the call.
 *
 * @example
 * const pod = createMockPod({ seed: 7, clock: () => now });
 * const res = await pod.handle({ method: 'GET', path: '/v2/user/presence',
 *   headers: { sessionToken: DEFAULT_SESSION_TOKEN } });
 */
export function createMockPod(options: MockPodOptions = {}): MockPod {
  const clock = options.clock ?? Date.now;
  const seed = options.seed ?? 1;
  const churn = options.churn === undefined ? DEFAULT_CHURN : options.churn;
  const assume = resolveAssumptions(options.assumptions);
  let latencyMs = checkLatency(options.latencyMs ?? 0, 'latencyMs');
  const startTime = clock();

  const population = buildPopulation(
    {
      tenants: options.tenants,
      users: options.users,
      defaultUserId: options.defaultUserId === undefined ? undefined : toUserId(options.defaultUserId),
    },
    seed,
    startTime,
  );
  const users = new Map<UserId, UserRecord>(population.users.map((u) => [u.id, u]));
  const sortedIds = [...users.keys()].sort(compareUserIds);
  const connections = new Set<string>(population.connections.map(([a, b]) => pairKey(a, b)));

  const sessions = new Map<string, Session>();
  // R-EXTERNAL-GAP, keyed by session token or, with ASM-LIMIT-PER-SESSION off, by calling user.
  const externalReads = new Map<string, ExternalRead>();
  // Users who ever had a session are driven by the tests, so churn leaves them alone.
  const sessionOwners = new Set<UserId>();
  const tokenRandom = mulberry32(deriveSeed(seed, STREAM_TOKENS));
  let tokenCount = 0;

  const faultRandom = mulberry32(deriveSeed(seed, STREAM_FAULTS));
  const faults = createFaultList<MockPodRoute, MockPodFault, UserId>(toUserId, faultRandom);

  let ledger: LedgerEntry[] = [];
  let churnStepsApplied = 0;

  function openSession(token: string, userId: UserId, privileges: readonly string[]): void {
    sessions.set(token, { token, userId, privileges: new Set(privileges), interest: new Map() });
    sessionOwners.add(userId);
  }
  openSession(DEFAULT_SESSION_TOKEN, population.defaultUserId, DEFAULT_PRIVILEGES);

  function requireUser(id: UserIdInput): UserRecord {
    const user = users.get(toUserId(id));
    if (!user) throw new Error(`mock pod: no user ${String(id)}`);
    return user;
  }

  /**
   * Applies a state change. R-STAMP: only a set (`isSet`) moves the timestamp; idling, waking and
   * signing in or out keep it, unless ASM-IDLE-KEEPS-STAMP is switched off.
   */
  function update(user: UserRecord, change: Partial<UserRecord>, time: number, isSet = false): void {
    const before = shownCategory(user);
    Object.assign(user, change);
    if (isSet || (!assume.stateChangesKeepStamp && shownCategory(user) !== before)) user.timestamp = time;
  }

  // ---- churn -------------------------------------------------------------------------------

  function churnUser(user: UserRecord, random: Random, time: number): void {
    if (!user.online) {
      const chosen = random() < 0.5 ? user.chosen : randomChosenCategory(random);
      // Signing in with the old status is no set; picking a new one on the way in is.
      update(user, { online: true, idle: false, active: true, chosen }, time, chosen !== user.chosen);
      return;
    }
    const roll = random();
    if (roll < 0.25) update(user, { online: false, idle: false }, time);
    else if (roll < 0.5) update(user, { idle: !user.idle }, time);
    else update(user, { chosen: randomChosenCategory(random), idle: false }, time, true);
  }

  function churnStep(step: number, settings: MockChurnOptions): void {
    // Each step has its own stream, so the outcome does not depend on when steps are applied.
    const random = mulberry32(deriveSeed(seed, STREAM_CHURN_BASE + step));
    const eligible = sortedIds.filter((id) => !sessionOwners.has(id));
    const count = Math.min(eligible.length, Math.round(settings.fraction * eligible.length));
    const time = startTime + step * settings.everyMs;
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(random() * (eligible.length - i));
      const picked = eligible[j] as UserId;
      eligible[j] = eligible[i] as UserId;
      eligible[i] = picked;
      churnUser(users.get(picked) as UserRecord, random, time);
    }
  }

  function applyChurn(now: number): void {
    if (!churn || churn.everyMs <= 0 || churn.fraction <= 0) return;
    const due = Math.floor((now - startTime) / churn.everyMs);
    if (due <= churnStepsApplied) return;
    for (let step = Math.max(churnStepsApplied + 1, due - MAX_CHURN_CATCHUP_STEPS + 1); step <= due; step++) {
      churnStep(step, churn);
    }
    churnStepsApplied = due;
  }

  /** Current time with churn brought up to it; every state read or change starts here. */
  function tick(): number {
    const now = clock();
    applyChurn(now);
    return now;
  }

  // ---- faults ------------------------------------------------------------------------------

  const shortCircuits = (f: MockPodFault): boolean => f.status !== undefined || f.body !== undefined;

  function takeFault(
    route: MockPodRoute,
    subjects: readonly UserId[],
    pageIds: () => readonly UserId[],
  ): ActiveFault | undefined {
    // In the pod-wide list a user can only have their entry altered, not fail the page.
    return faults.take(route, (spec) => (route === 'listAll' ? (shortCircuits(spec) ? [] : pageIds()) : subjects));
  }

  function faultResponse(spec: MockPodFault): MockPodResponse {
    const status = spec.status ?? 200;
    const headers: Record<string, string> = spec.retryAfter === undefined ? {} : { 'retry-after': spec.retryAfter };
    if (spec.body !== undefined) return jsonResponse(status, spec.body, headers);
    return status >= 400 ? errorResponse(status, 'Injected fault', headers) : jsonResponse(status, '', headers);
  }

  // ---- routes ------------------------------------------------------------------------------

  const deny = (status: number, message: string, headers?: Record<string, string>): Outcome => ({
    kind: 'response',
    response: errorResponse(status, message, headers),
  });

  const lacks = (session: Session, route: MockPodRoute): boolean => {
    const needed = REQUIRED_PRIVILEGES[route];
    return needed !== undefined && !session.privileges.has(needed);
  };

  function getOwn(session: Session): Outcome {
    const user = users.get(session.userId) as UserRecord;
    return presenceOf(user.id, shownCategory(user), user.timestamp);
  }

  function setOwn(session: Session, params: URLSearchParams, bodyText: string, now: number): Outcome {
    if (lacks(session, 'setOwn')) return assume.setWithoutPrivilege403 ? deny(403, MESSAGES.forbidden) : deny(401, MESSAGES.invalidSession);
    const soft = parseBooleanParam(params.get('soft'), false);
    if (soft === null) return deny(400, 'Query parameter "soft" must be true or false');
    let body: unknown;
    try {
      body = parseJsonLossless(bodyText);
    } catch {
      return deny(400, 'Malformed JSON body');
    }
    const category = typeof body === 'object' && body !== null ? (body as { category?: unknown }).category : undefined;
    if (typeof category !== 'string') return deny(400, 'Body must be a JSON object with a string "category"');
    const info = getCategoryInfo(category);
    if (!info) return deny(400, 'Unknown presence category');
    if (!info.settable) return deny(400, `Presence category ${info.category} cannot be set`);

    const user = users.get(session.userId) as UserRecord;
    if (soft) {
      // The pick is stored either way; while offline or idle, what others see stays derived from it.
      update(user, { chosen: info.category }, now, true);
    } else {
      update(user, { chosen: info.category, online: true, idle: false, active: true }, now, true);
    }
    return presenceOf(user.id, shownCategory(user), now);
  }

  function register(session: Session, bodyText: string, now: number, draft: LedgerDraft): Outcome {
    if (lacks(session, 'register')) return deny(403, MESSAGES.forbidden);
    const ids = parseIdList(bodyText);
    if (typeof ids === 'string') return deny(400, ids);
    const unknown = ids.find((id) => !users.has(id));
    if (unknown) return deny(404, `User ${unknown} cannot be located`);
    const tenant = (users.get(session.userId) as UserRecord).tenantId;
    const internal = ids.filter((id) => (users.get(id) as UserRecord).tenantId === tenant);
    if (internal.length > 0) draft.internalUserIds = Object.freeze(internal);
    for (const id of ids) session.interest.set(id, now);
    return { kind: 'response', response: jsonResponse(200, '{"format":"TEXT","message":"OK"}') };
  }

  function getUser(session: Session, uid: string, params: URLSearchParams, now: number): Outcome {
    const id = DIGITS.test(uid) ? parseUserId(uid) : undefined;
    if (!id) return deny(400, 'uid must be a positive 64-bit decimal integer');
    const local = parseBooleanParam(params.get('local'), false);
    if (local === null) return deny(400, 'Query parameter "local" must be true or false');
    const target = users.get(id);
    if (!target) return deny(404, `User ${id} cannot be located`);
    const caller = users.get(session.userId) as UserRecord;
    const shown = shownCategory(target);
    if (target.tenantId === caller.tenantId) {
      return presenceOf(id, shown, shown === 'OFFLINE' ? now : target.timestamp);
    }
    const limitKey = `${assume.rateLimitPerSession ? `t:${session.token}` : `u:${caller.id}`}:${id}`;
    if (local) {
      // R-LOCAL; whether it spends the 5 minutes is ASM-LOCAL-FREE.
      const answer = presenceOf(id, 'OFFLINE', now);
      return assume.localReadsFree ? answer : limited(limitKey, now, () => answer);
    }
    const registeredAt = session.interest.get(id);
    const registered = registeredAt !== undefined && now - registeredAt < INTEREST_TTL_MS;
    if (!registered && assume.unregisteredRead403) return deny(403, MESSAGES.noInterest);
    return limited(limitKey, now, () => {
      if (!registered) return presenceOf(id, 'OFFLINE', now);
      if (!connections.has(pairKey(caller.id, id))) {
        return assume.unconnectedReadsOffline ? presenceOf(id, 'OFFLINE', now) : deny(403, MESSAGES.forbidden);
      }
      const category = toExternalView(shown);
      return presenceOf(id, category, category === 'OFFLINE' ? now : target.timestamp);
    });
  }

  /** R-EXTERNAL-GAP: one read per 5 minutes; what a read too soon gets is ASM-LIMIT-429. */
  function limited(key: string, now: number, answer: () => Outcome): Outcome {
    const last = externalReads.get(key);
    if (last !== undefined && now - last.at < EXTERNAL_READ_INTERVAL_MS) {
      if (!assume.rateLimit429) return last.answer;
      const seconds = Math.ceil((last.at + EXTERNAL_READ_INTERVAL_MS - now) / 1000);
      return deny(429, MESSAGES.rateLimited, { 'retry-after': String(seconds) });
    }
    const outcome = answer();
    externalReads.set(key, { at: now, answer: outcome });
    return outcome;
  }

  /** The page `GET /v2/users/presence` answers, or an error message for bad parameters. */
  function listPage(session: Session, params: URLSearchParams): PresenceOut[] | string {
    const limitText = params.get('limit');
    const limit = limitText === null ? LIST_DEFAULT_LIMIT : DIGITS.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= LIST_MAX_LIMIT)) return `limit must be an integer from 1 to ${LIST_MAX_LIMIT}`;
    const lastText = params.get('lastUserId');
    let from: UserId | undefined;
    if (lastText !== null) {
      from = DIGITS.test(lastText) ? parseUserId(lastText) : undefined;
      const zero = /^0+$/.test(lastText);
      if (!from && !zero) return 'lastUserId must be a 64-bit decimal integer';
    }
    const tenant = (users.get(session.userId) as UserRecord).tenantId;
    const page: PresenceOut[] = [];
    for (const id of sortedIds) {
      if (page.length >= limit) break;
      const user = users.get(id) as UserRecord;
      if (user.tenantId !== tenant || !user.active) continue;
      if (from !== undefined && compareUserIds(id, from) < (assume.listFromLastInclusive ? 0 : 1)) continue;
      page.push({ userId: id, category: shownCategory(user), timestamp: user.timestamp });
    }
    return page;
  }

  function withCategory(outcome: Outcome, category: string, userId: UserId | undefined): Outcome {
    if (outcome.kind === 'presence') return { kind: 'presence', presence: { ...outcome.presence, category } };
    if (outcome.kind === 'list') {
      return {
        kind: 'list',
        list: outcome.list.map((p) => (userId === undefined || p.userId === userId ? { ...p, category } : p)),
      };
    }
    return outcome;
  }

  function toResponse(outcome: Outcome): MockPodResponse {
    if (outcome.kind === 'presence') return presenceResponse(outcome.presence);
    if (outcome.kind === 'list') return presenceListResponse(outcome.list);
    return outcome.response;
  }

  /**
   * Fills the ledger draft with the users a request is about and returns them for fault
   * matching. Done before faults are drawn, so faulted requests are logged as fully as others.
   */
  function describeRequest(
    route: MockPodRoute,
    match: RouteMatch,
    session: Session | undefined,
    bodyText: string,
    draft: LedgerDraft,
  ): UserId[] {
    if (route === 'getUser') {
      const target = DIGITS.test(match.uid ?? '') ? parseUserId(match.uid) : undefined;
      if (!target) return [];
      draft.userId = target;
      const targetUser = users.get(target);
      const caller = session ? users.get(session.userId) : undefined;
      if (caller && targetUser) draft.external = targetUser.tenantId !== caller.tenantId;
      return [target];
    }
    if (route === 'register') {
      const ids = parseIdList(bodyText);
      if (typeof ids === 'string') return [];
      draft.userIds = Object.freeze(ids);
      return ids;
    }
    if ((route === 'getOwn' || route === 'setOwn') && session) {
      draft.userId = session.userId;
      return [session.userId];
    }
    return [];
  }

  async function handle(request: MockPodRequest): Promise<MockPodResponse> {
    const method = request.method.toUpperCase();
    const { pathname, params } = splitRequest(request);
    if (pathname === '/v1/podcert') return podCertificateResponse(pod, method);
    const match = matchRoute(method, pathname);
    const bodyText = request.bodyText ?? '';
    await sleep(latencyMs);
    let now = tick();

    const token = headerValue(request.headers, 'sessionToken');
    const session = token === undefined ? undefined : sessions.get(token);
    const draft: LedgerDraft = { method, route: match.route, path: match.template, url: safeUrl(pathname, params) };
    if (session) draft.sessionUserId = session.userId;

    let response: MockPodResponse;
    const route = match.route;
    if (route === 'unknown') {
      response = match.allow
        ? errorResponse(405, 'Method not allowed', { allow: match.allow })
        : errorResponse(404, MESSAGES.notFound);
    } else {
      const subjects = describeRequest(route, match, session, bodyText, draft);
      const pageIds = (): UserId[] => {
        const page = session ? listPage(session, params) : [];
        return typeof page === 'string' ? [] : page.map((p) => p.userId);
      };
      const fault = takeFault(route, subjects, pageIds);
      if (fault?.spec.latencyMs) {
        await sleep(checkLatency(fault.spec.latencyMs, 'fault latencyMs'));
        now = tick();
      }
      if (fault && shortCircuits(fault.spec)) {
        draft.faulted = true;
        response = faultResponse(fault.spec);
      } else {
        let outcome: Outcome;
        if (!session) outcome = deny(401, MESSAGES.invalidSession);
        else if (route === 'getOwn') outcome = getOwn(session);
        else if (route === 'setOwn') outcome = setOwn(session, params, bodyText, now);
        else if (route === 'register') outcome = register(session, bodyText, now, draft);
        else if (route === 'getUser') outcome = getUser(session, match.uid ?? '', params, now);
        else if (lacks(session, 'listAll')) outcome = deny(403, MESSAGES.forbidden);
        else {
          // Recomputed: a fault's delay may have let churn move on.
          const page = listPage(session, params);
          outcome = typeof page === 'string' ? deny(400, page) : { kind: 'list', list: page };
        }
        if (fault?.spec.category !== undefined && outcome.kind !== 'response') {
          outcome = withCategory(outcome, fault.spec.category, fault.userId);
          draft.faulted = true;
        }
        response = toResponse(outcome);
      }
    }
    ledger.push(Object.freeze({ time: now, ...draft, status: response.status }));
    return response;
  }

  // ---- public object -----------------------------------------------------------------------

  const pod: MockPod = {
    homeTenantId: population.homeTenantId,
    defaultUserId: population.defaultUserId,
    get users() {
      return sortedIds.map((id) => snapshot(users.get(id) as UserRecord));
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
    faults: faults.api,
    handle,
    advance() {
      tick();
    },
    getUser(id) {
      const parsed = parseUserId(id);
      const user = parsed === undefined ? undefined : users.get(parsed);
      return user ? snapshot(user) : undefined;
    },
    setUserPresence(id, category) {
      const now = tick();
      const user = requireUser(id);
      // Signing out is no set (R-STAMP); any other category is set as through Set Presence.
      if (category === 'OFFLINE') update(user, { online: false, idle: false }, now);
      else update(user, { chosen: category, online: true, idle: false, active: true }, now, true);
    },
    setIdle(id, idle) {
      const now = tick();
      update(requireUser(id), { idle }, now);
    },
    setOnline(id, online) {
      const now = tick();
      const user = requireUser(id);
      if (user.online === online) return;
      update(user, online ? { online, idle: false, active: true } : { online, idle: false }, now);
    },
    connect(a, b) {
      connections.add(pairKey(requireUser(a).id, requireUser(b).id));
    },
    disconnect(a, b) {
      connections.delete(pairKey(requireUser(a).id, requireUser(b).id));
    },
    isConnected(a, b) {
      return connections.has(pairKey(requireUser(a).id, requireUser(b).id));
    },
    createSession({ userId, privileges = DEFAULT_PRIVILEGES }) {
      tick();
      const user = requireUser(userId);
      tokenCount += 1;
      const hex = Math.floor(tokenRandom() * 2 ** 32).toString(16).padStart(8, '0');
      const token = `mock-session-${tokenCount}-${hex}`;
      openSession(token, user.id, privileges);
      return token;
    },
    expireSession(token) {
      sessions.delete(token);
    },
    clearLedger() {
      ledger = [];
    },
    reads(userId) {
      const id = userId === undefined ? undefined : toUserId(userId);
      return ledger.filter((e) => e.route === 'getUser' && (id === undefined || e.userId === id));
    },
    registrations(userId) {
      const id = userId === undefined ? undefined : toUserId(userId);
      return ledger.filter((e) => e.route === 'register' && (id === undefined || (e.userIds ?? []).includes(id)));
    },
    stats(): MockPodStats {
      return ledgerStats(ledger);
    },
  };
  return pod;
}
