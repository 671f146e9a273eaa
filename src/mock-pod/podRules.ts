import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from '../model';

/**
 * Every rule the emulator enforces, with where it comes from. Rules from the seed documents and
 * the official spec cite their id in `shared/SEED-RULES.md`; the rest are our assumptions about
 * what the docs leave open, and each of those can be switched off through
 * `createMockPod({ assumptions: { ... } })` so that apps can be tested against the other
 * reading too. `docs/emulator-rules.md` prints this table.
 */
export interface PodRule {
  /** Stable id; assumptions start with `ASM-`. */
  readonly id: string;
  /** What the emulator does. */
  readonly rule: string;
  /**
   * A seed rule id (`SYM-…`), `spec` for the official pod OpenAPI spec, `assumption` for our
   * reading of what the docs leave open (always switchable), or what else it rests on.
   */
  readonly source: string;
  /** For assumptions: what the emulator does instead when the assumption is switched off. */
  readonly whenOff?: string;
}

/** The switchable assumptions, each `true` (in force) by default. */
export interface MockPodAssumptions {
  /**
   * ASM-UNREGISTERED-403: reading an external user without live interest answers 403. Off: it
   * answers OFFLINE with the time of the call, which a client cannot tell from a real OFFLINE.
   * @default true
   */
  unregisteredRead403?: boolean | undefined;
  /**
   * ASM-UNCONNECTED-OFFLINE: an external user the caller is not connected to reads as OFFLINE.
   * Off: 403.
   * @default true
   */
  unconnectedReadsOffline?: boolean | undefined;
  /**
   * ASM-LIMIT-429: a read of an external user within 5 minutes of the last one answers 429 with
   * `Retry-After`. Off: it answers 200 with the presence as of the last allowed read.
   * @default true
   */
  rateLimit429?: boolean | undefined;
  /**
   * ASM-LIMIT-PER-SESSION: the 5-minute limit counts per session token. Off: per calling user,
   * across all of their sessions (a new token does not reset it).
   * @default true
   */
  rateLimitPerSession?: boolean | undefined;
  /**
   * ASM-LOCAL-FREE: `local=true` reads of external users (answered OFFLINE) do not count against
   * the 5-minute limit. Off: they count like any read of that user.
   * @default true
   */
  localReadsFree?: boolean | undefined;
  /**
   * ASM-IDLE-KEEPS-STAMP: idling, waking, signing in and out do not move the timestamp; only a
   * set does. Off: every change of what others see moves it.
   * @default true
   */
  stateChangesKeepStamp?: boolean | undefined;
  /**
   * ASM-LIST-INCLUSIVE: the pod-wide listing starts at `lastUserId` itself. Off: just after it.
   * @default true
   */
  listFromLastInclusive?: boolean | undefined;
  /**
   * ASM-SET-403: Set Presence without ADMIN_PRESENCE_UPDATE answers 403 (the spec lists no 403
   * for it). Off: 401.
   * @default true
   */
  setWithoutPrivilege403?: boolean | undefined;
}

export type ResolvedAssumptions = Required<{ [K in keyof MockPodAssumptions]: boolean }>;

export function resolveAssumptions(given: MockPodAssumptions = {}): ResolvedAssumptions {
  const on = (value: boolean | undefined) => value !== false;
  return {
    unregisteredRead403: on(given.unregisteredRead403),
    unconnectedReadsOffline: on(given.unconnectedReadsOffline),
    rateLimit429: on(given.rateLimit429),
    rateLimitPerSession: on(given.rateLimitPerSession),
    localReadsFree: on(given.localReadsFree),
    stateChangesKeepStamp: on(given.stateChangesKeepStamp),
    listFromLastInclusive: on(given.listFromLastInclusive),
    setWithoutPrivilege403: on(given.setWithoutPrivilege403),
  };
}

/** Every assumption switched off: the other reading of everything the docs leave open. */
export const ALL_ASSUMPTIONS_OFF: Readonly<ResolvedAssumptions> = Object.freeze({
  unregisteredRead403: false,
  unconnectedReadsOffline: false,
  rateLimit429: false,
  rateLimitPerSession: false,
  localReadsFree: false,
  stateChangesKeepStamp: false,
  listFromLastInclusive: false,
  setWithoutPrivilege403: false,
});

export const POD_RULES: readonly PodRule[] = Object.freeze([
  { id: 'R-OWN', rule: 'GET /v2/user/presence answers the caller: category, userId, timestamp', source: 'SYM-GP-1' },
  { id: 'R-CATEGORIES', rule: 'Categories are strings; the 11 documented ones plus any other value are passed through', source: 'SYM-GP-5, SYM-GP-6' },
  { id: 'R-EXTERNAL-VIEW', rule: 'Users of another company see BE_RIGHT_BACK and DO_NOT_DISTURB as AWAY, OFF_WORK as OFFLINE', source: 'SYM-GP-3' },
  { id: 'R-SET', rule: 'POST /v2/user/presence sets the caller\'s presence; the timestamp becomes the time of the set', source: 'SYM-SP-1, SYM-SP-6' },
  { id: 'R-SET-SOFT-OFFLINE', rule: 'A soft set on an OFFLINE user answers OFFLINE; the new category shows when the user comes online', source: 'SYM-SP-2' },
  { id: 'R-SET-SOFT-IDLE', rule: 'A soft set on an idle user shows AWAY for AVAILABLE and BUSY', source: 'SYM-SP-3' },
  { id: 'R-IDLE', rule: 'Idle users in AVAILABLE or BUSY show as AWAY; the prior category returns when they are active', source: 'SYM-SP-4' },
  { id: 'R-SET-PRIVILEGE', rule: 'Set Presence needs ADMIN_PRESENCE_UPDATE', source: 'SYM-SP-5' },
  { id: 'R-STAMP', rule: 'A user\'s timestamp is the time of their last set, also after they come back online', source: 'SYM-GUP-1, SYM-SP-6' },
  { id: 'R-OFFLINE-STAMP', rule: 'An OFFLINE answer of GET /v3/user/{uid}/presence carries the time of the call', source: 'SYM-GUP-2' },
  { id: 'R-INTERNAL', rule: 'Users of the caller\'s company are read without registration', source: 'SYM-RI-2, SYM-RI-5' },
  { id: 'R-REGISTER', rule: 'POST /v1/user/presence/register takes a JSON array of int64 ids; an unknown id fails with 404', source: 'SYM-RI-1, SYM-RI-7' },
  { id: 'R-REGISTER-PRIVILEGE', rule: 'Register needs ADMIN_PRESENCE_UPDATE (403 otherwise)', source: 'SYM-RI-7' },
  { id: 'R-INTEREST-FIRST', rule: 'An external user is read only after interest was registered', source: 'SYM-RI-3, SYM-GUP-3' },
  { id: 'R-INTEREST-HOUR', rule: 'A registration lapses an hour after it was made; registering again renews it', source: 'SYM-RI-4' },
  { id: 'R-INTEREST-SESSION', rule: 'Registrations belong to the session token that made them; a new session has none', source: 'SYM-RI-8' },
  { id: 'R-EXTERNAL-GAP', rule: 'An external user\'s presence is read at most once per 5 minutes', source: 'SYM-RI-6' },
  { id: 'R-CONNECTED', rule: 'External users are seen only by users connected to them', source: 'SYM-RI-2' },
  { id: 'R-LOCAL', rule: 'local=true answers OFFLINE for users of other companies, without registration', source: 'SYM-GUP-4' },
  { id: 'R-LIST', rule: `GET /v2/users/presence lists the caller's company sorted by id, limit 1..${LIST_LIMIT_MAX} (default ${LIST_LIMIT_DEFAULT}), may omit inactive users`, source: 'spec' },
  { id: 'R-LIST-PRIVILEGE', rule: 'The pod-wide listing needs GET_PRESENCE (the spec lists 403 for it)', source: 'spec' },
  { id: 'R-SESSION', rule: 'Every call needs a valid sessionToken header; 401 otherwise', source: 'spec' },
  { id: 'ASM-UNREGISTERED-403', rule: 'An external read without live interest answers 403', source: 'assumption', whenOff: 'answers OFFLINE with the call time' },
  { id: 'ASM-UNCONNECTED-OFFLINE', rule: 'An external user the caller is not connected to reads as OFFLINE', source: 'assumption', whenOff: 'answers 403' },
  { id: 'ASM-LIMIT-429', rule: 'A read within the 5 minutes answers 429 with Retry-After in seconds (the spec lists no 429)', source: 'assumption', whenOff: 'answers 200 with the presence as of the last allowed read' },
  { id: 'ASM-LIMIT-PER-SESSION', rule: 'The 5-minute limit counts per session token', source: 'assumption', whenOff: 'counts per calling user across sessions' },
  { id: 'ASM-LOCAL-FREE', rule: 'local=true reads of external users do not count against the 5-minute limit', source: 'assumption', whenOff: 'they count' },
  { id: 'ASM-IDLE-KEEPS-STAMP', rule: 'Idling, waking and signing in or out keep the timestamp of the last set', source: 'assumption', whenOff: 'every change of what others see moves the timestamp' },
  { id: 'ASM-LIST-INCLUSIVE', rule: 'The listing starts at lastUserId itself', source: 'assumption', whenOff: 'starts just after it' },
  { id: 'ASM-SET-403', rule: 'Set Presence without the privilege answers 403 (the spec lists no 403 for it)', source: 'assumption', whenOff: 'answers 401' },
  { id: 'HTTP-405', rule: 'A known path with another method answers 405 with Allow; unknown paths 404', source: 'HTTP semantics (RFC 9110)' },
  { id: 'TEST-FAULTS', rule: 'Injected faults answer before the session is checked and change no state', source: 'test feature, not a pod rule' },
] satisfies PodRule[]);
