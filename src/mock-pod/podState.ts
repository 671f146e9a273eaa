import { applyIdle, compareUserIds, parseJsonLossless, parseUserId, toUserId, type CategoryValue, type UserId, type UserIdInput } from '../model';
import { buildPopulation, type UserRecord } from './buildPopulation';
import { DEFAULT_PRIVILEGES, DEFAULT_SESSION_TOKEN } from './constants';
import type { ResolvedAssumptions } from './podRules';
import type { MockPodOptions, MockPodResponse, MockPodUser } from './types';
import type { PresenceOut } from './wire';

/** One session token's view of the pod: who it is, what it may do, whom it registered. */
export interface Session {
  readonly token: string;
  readonly userId: UserId;
  readonly privileges: ReadonlySet<string>;
  /** Registration time per external user. */
  readonly interest: Map<UserId, number>;
}

/** What a route answers before it is written out: a presence, a page, or a finished response. */
export type Outcome =
  | { kind: 'presence'; presence: PresenceOut }
  | { kind: 'list'; list: PresenceOut[] }
  | { kind: 'response'; response: MockPodResponse };

/** The population and sessions every part of the emulator reads and changes. */
export interface PodState {
  readonly homeTenantId: number;
  readonly defaultUserId: UserId;
  readonly users: ReadonlyMap<UserId, UserRecord>;
  /** Every user id in ascending int64 order (the order of `GET /v2/users/presence`). */
  readonly sortedIds: readonly UserId[];
  /** Connected pairs, as {@link pairKey}. */
  readonly connections: Set<string>;
  readonly sessions: Map<string, Session>;
  /** Users who ever had a session are driven by the tests, so churn leaves them alone. */
  readonly sessionOwners: Set<UserId>;
  openSession(token: string, userId: UserId, privileges: readonly string[]): void;
  requireUser(id: UserIdInput): UserRecord;
  /**
   * Applies a state change. R-STAMP: only a set (`isSet`) moves the timestamp; idling, waking and
   * signing in or out keep it, unless ASM-IDLE-KEEPS-STAMP is switched off.
   */
  update(user: UserRecord, change: Partial<UserRecord>, time: number, isSet?: boolean): void;
}

export const DIGITS = /^[0-9]+$/;

export const pairKey = (a: UserId, b: UserId): string => (compareUserIds(a, b) <= 0 ? `${a}:${b}` : `${b}:${a}`);

export const presenceOf = (userId: UserId, category: CategoryValue, timestamp: number): Outcome => ({
  kind: 'presence',
  presence: { userId, category, timestamp },
});

/** What others see of a user: the chosen category through the idle rule, or OFFLINE when signed out. */
export const shownCategory = (u: UserRecord): CategoryValue => (u.online ? applyIdle(u.chosen, u.idle) : 'OFFLINE');

export function snapshot(u: UserRecord): MockPodUser {
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

/**
 * Reads a register body: a JSON array of positive int64 ids written as bare integers.
 * Returns an error message instead when the body is not that.
 */
export function parseIdList(bodyText: string): UserId[] | string {
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

/** Builds the population of `options` and opens the default session. */
export function createPodState(
  options: MockPodOptions,
  seed: number,
  startTime: number,
  assume: ResolvedAssumptions,
): PodState {
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
  const sessions = new Map<string, Session>();
  const sessionOwners = new Set<UserId>();

  const state: PodState = {
    homeTenantId: population.homeTenantId,
    defaultUserId: population.defaultUserId,
    users,
    sortedIds: [...users.keys()].sort(compareUserIds),
    connections: new Set<string>(population.connections.map(([a, b]) => pairKey(a, b))),
    sessions,
    sessionOwners,
    openSession(token, userId, privileges) {
      sessions.set(token, { token, userId, privileges: new Set(privileges), interest: new Map() });
      sessionOwners.add(userId);
    },
    requireUser(id) {
      const user = users.get(toUserId(id));
      if (!user) throw new Error(`mock pod: no user ${String(id)}`);
      return user;
    },
    update(user, change, time, isSet = false) {
      const before = shownCategory(user);
      Object.assign(user, change);
      if (isSet || (!assume.stateChangesKeepStamp && shownCategory(user) !== before)) user.timestamp = time;
    },
  };
  state.openSession(DEFAULT_SESSION_TOKEN, population.defaultUserId, DEFAULT_PRIVILEGES);
  return state;
}
