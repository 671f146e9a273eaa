import { defaultPreferredExpirationMs, parseGraphUserId, toGraphUserId, type GraphPresencePair, type GraphUserId } from '../../model';
import { checkLatency, createFaultList } from '../faultList';
import { ledgerStats } from '../ledgerStats';
import { deriveSeed, mulberry32 } from '../mulberry32';
import { checkThrottle, createGraphPipeline } from './graphPipeline';
import { createGraphRoutes } from './graphRoutes';
import { prune, putSession, snapshot, type TokenInfo, type UserRecord } from './graphUserRecord';
import type { MockGraph, MockGraphFault, MockGraphLedgerEntry, MockGraphOptions, MockGraphRoute, MockGraphThrottle, MockGraphUserSpec } from './types';

export { GRAPH_BATCH_LIMIT } from './graphRoutes';

/** Token every emulator accepts for its default user and app. Send it as `Authorization: Bearer ...`. */
export const DEFAULT_GRAPH_TOKEN = 'mock-graph-default-token';
/** The default app's id: the `sessionId` `DEFAULT_GRAPH_TOKEN`'s setPresence calls must send. */
export const DEFAULT_GRAPH_APP_ID = '22553876-f5ab-4529-bffb-cfe50aa89f87';
/** Graph's presence throttle: 1,500 requests per 30 seconds per app per tenant. */
export const GRAPH_THROTTLE: Readonly<MockGraphThrottle> = Object.freeze({ limit: 1500, windowMs: 30_000 });
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
 *
 * The parts: `graphUserRecord` (a user's sessions and the presence rules over them), `graphRoutes`
 * (the seven routes), `graphPipeline` (latency, throttle, faults and the ledger around every
 * request). This file holds the users and tokens and builds the public object.
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

  const handle = createGraphPipeline({
    clock,
    tokens,
    latencyMs: () => latencyMs,
    throttle: () => throttle,
    takeFault: faults.take,
    route: createGraphRoutes(users, requireUser),
    log: (entry) => {
      ledger.push(entry);
    },
  });

  const graph: MockGraph = {
    defaultUserId,
    defaultAppId,
    get users() {
      const now = clock();
      return [...users.values()].map((user) => snapshot(user, now));
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
      return user ? snapshot(user, clock()) : undefined;
    },
    addUser(spec) {
      return snapshot(addUser(spec), clock());
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
