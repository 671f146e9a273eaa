import { parseUserId, toUserId } from '../model';
import type { UserRecord } from './buildPopulation';
import { DEFAULT_PRIVILEGES } from './constants';
import { checkLatency, createFaultList } from './faultList';
import { ledgerStats } from './ledgerStats';
import { podCertificateResponse } from './mockPodIdentity';
import { deriveSeed, mulberry32 } from './mulberry32';
import { createChurn, DEFAULT_CHURN } from './podChurn';
import { createPodPipeline } from './podPipeline';
import { createPodRoutes } from './podRoutes';
import { resolveAssumptions } from './podRules';
import { createPodState, pairKey, snapshot } from './podState';
import type { LedgerEntry, MockPod, MockPodFault, MockPodOptions, MockPodRoute, MockPodStats } from './types';

// Independent random streams, so e.g. opening a session never changes what churn does.
const STREAM_TOKENS = 2;
const STREAM_FAULTS = 3;

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
 * The parts: `podState` (population, sessions, the R-STAMP update), `podChurn` (presence moving
 * by itself), `podRoutes` (the five routes and their rules), `podPipeline` (latency, faults and
 * the ledger around every request). This file wires them and builds the public object.
 *
 * @example
 * const pod = createMockPod({ seed: 7, clock: () => now });
 * const res = await pod.handle({ method: 'GET', path: '/v2/user/presence',
 *   headers: { sessionToken: DEFAULT_SESSION_TOKEN } });
 */
export function createMockPod(options: MockPodOptions = {}): MockPod {
  const clock = options.clock ?? Date.now;
  const seed = options.seed ?? 1;
  const assume = resolveAssumptions(options.assumptions);
  let latencyMs = checkLatency(options.latencyMs ?? 0, 'latencyMs');
  const startTime = clock();

  const state = createPodState(options, seed, startTime, assume);
  const { users, sortedIds, connections, requireUser, update } = state;
  const applyChurn = createChurn(state, options.churn === undefined ? DEFAULT_CHURN : options.churn, seed, startTime);
  const tokenRandom = mulberry32(deriveSeed(seed, STREAM_TOKENS));
  let tokenCount = 0;
  const faults = createFaultList<MockPodRoute, MockPodFault, typeof state.defaultUserId>(toUserId, mulberry32(deriveSeed(seed, STREAM_FAULTS)));
  let ledger: LedgerEntry[] = [];

  /** Current time with churn brought up to it; every state read or change starts here. */
  function tick(): number {
    const now = clock();
    applyChurn(now);
    return now;
  }

  const handle = createPodPipeline({
    state,
    routes: createPodRoutes(state, assume),
    takeFault: faults.take,
    latencyMs: () => latencyMs,
    tick,
    podCertificate: (method) => podCertificateResponse(pod, method),
    log: (entry) => {
      ledger.push(Object.freeze(entry));
    },
  });

  const pod: MockPod = {
    homeTenantId: state.homeTenantId,
    defaultUserId: state.defaultUserId,
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
      state.openSession(token, user.id, privileges);
      return token;
    },
    expireSession(token) {
      state.sessions.delete(token);
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
