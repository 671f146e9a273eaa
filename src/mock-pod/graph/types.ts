import type { GraphActivity, GraphAvailability, GraphPresencePair, GraphUserId } from '../../model';
import type { MockPodRequest, MockPodResponse } from '../types';

/** The Graph presence endpoints the emulator serves, by short name. */
export type MockGraphRoute =
  | 'getMe'
  | 'getUser'
  | 'getBatch'
  | 'setPresence'
  | 'clearPresence'
  | 'setPreferred'
  | 'clearPreferred'
  | 'setStatusMessage';

/** A request to the emulator, as plain data (same shape as the Symphony emulator's). */
export type MockGraphRequest = MockPodRequest;
/** The emulator's answer, as plain data. */
export type MockGraphResponse = MockPodResponse;

/** One user to put in the emulated tenant. */
export interface MockGraphUserSpec {
  /** Object id. @default a GUID drawn from the seed */
  id?: string | undefined;
  displayName: string;
  /**
   * Teams clients signed in at creation, each a session that keeps itself alive (no timeout, no
   * expiry) until changed with `setClientSession`. None: the user is Offline.
   * @default [{ availability: 'Available', activity: 'Available' }]
   */
  clients?: readonly GraphPresencePair[] | undefined;
  /** A user-preferred presence set at creation (with its default expiry). */
  preferred?: GraphPresencePair | undefined;
  /** Out-of-office event on at creation. @default false */
  outOfOffice?: boolean | undefined;
  /** In-a-meeting event on at creation. @default false */
  inMeeting?: boolean | undefined;
}

/** Graph's throttle as the emulator applies it: at most `limit` requests per app per `windowMs`. */
export interface MockGraphThrottle {
  limit: number;
  windowMs: number;
}

/** Options of {@link createMockGraph}. */
export interface MockGraphOptions {
  /** Time source in ms since 1970; `Date.now` follows `vi.useFakeTimers()`. @default Date.now */
  clock?: (() => number) | undefined;
  /** Seed for generated ids, tokens and probabilistic faults. @default 1 */
  seed?: number | undefined;
  /** The tenant's people. @default eight people in varied states (see `DEFAULT_GRAPH_USERS`) */
  users?: readonly MockGraphUserSpec[] | undefined;
  /** The signed-in user of `DEFAULT_GRAPH_TOKEN`. @default the first user */
  defaultUserId?: string | undefined;
  /** The app of `DEFAULT_GRAPH_TOKEN` (its id is the `sessionId` it must send). @default DEFAULT_GRAPH_APP_ID */
  appId?: string | undefined;
  /**
   * Requests allowed per app in a sliding window before 429 with `Retry-After`; `false` turns the
   * throttle off. @default { limit: 1500, windowMs: 30000 } (Graph's presence throttle)
   */
  throttle?: MockGraphThrottle | false | undefined;
  /** Delay before each answer, ms, waited with `setTimeout`. @default 0 */
  latencyMs?: number | undefined;
}

/** One presence session as the emulator holds it now. */
export interface MockGraphSession {
  /** The app id (for app sessions) or the client name given to `setClientSession`. */
  readonly sessionId: string;
  readonly kind: 'app' | 'client';
  /** The pair as set. */
  readonly set: GraphPresencePair;
  /** The pair now, after the timeout fade. */
  readonly current: GraphPresencePair;
  readonly setAt: number;
  /** When the session ends; `Infinity` for Teams clients. */
  readonly expiresAt: number;
}

/** A user and the presence Graph would answer for them now. */
export interface MockGraphUser {
  readonly id: GraphUserId;
  readonly displayName: string;
  readonly availability: GraphAvailability;
  readonly activity: GraphActivity;
  readonly outOfOffice: boolean;
  readonly inMeeting: boolean;
  /** The status message while set and not expired. */
  readonly statusMessage: { readonly text: string; readonly expiresAt: number | undefined } | undefined;
  /** The user-preferred presence, while set and not expired (it only shows while a session exists). */
  readonly preferred: (GraphPresencePair & { readonly expiresAt: number }) | undefined;
  /** Live sessions, most recently set first. */
  readonly sessions: readonly MockGraphSession[];
}

/** One handled request. Never holds the token. */
export interface MockGraphLedgerEntry {
  readonly time: number;
  readonly method: string;
  readonly route: MockGraphRoute | 'unknown';
  /** Path template, e.g. `/users/{id}/presence`. */
  readonly path: string;
  readonly status: number;
  /** The app the token belongs to, when it was valid. */
  readonly appId?: string | undefined;
  /** The user in the path (or `/me`'s user). */
  readonly userId?: GraphUserId | undefined;
  /** Ids sent to getPresencesByUserId. */
  readonly userIds?: readonly string[] | undefined;
  /** The answer came from an injected fault. */
  readonly faulted?: boolean | undefined;
  /** The answer was the throttle's 429. */
  readonly throttled?: boolean | undefined;
}

/** A failure to inject into matching requests, as with the Symphony emulator. */
export interface MockGraphFault {
  /** @default '*' */
  route?: MockGraphRoute | '*' | undefined;
  /** Only requests about this user (path user, `/me`'s user, or one of the batch ids). */
  userId?: string | undefined;
  /** Answer with this status and a Graph error body (unless `body`). */
  status?: number | undefined;
  /** `Retry-After` header value sent with `status`. */
  retryAfter?: string | undefined;
  /** Raw body (e.g. malformed JSON); status 200 unless `status` is set. */
  body?: string | undefined;
  /** Extra delay before the answer, ms. */
  latencyMs?: number | undefined;
  /** @default Infinity */
  times?: number | undefined;
  /** Chance (0..1), drawn from the seeded generator. @default 1 */
  probability?: number | undefined;
}

/** Injected faults; the first that fires wins. */
export interface MockGraphFaults {
  add(fault: MockGraphFault): () => void;
  clear(): void;
  list(): readonly MockGraphFault[];
}

/** Calendar-driven states: out of office (`showAs: oof`) and a meeting in progress. */
export type MockGraphEvent = 'oof' | 'meeting';

/** An in-memory Microsoft Graph serving the presence API. Create one with {@link createMockGraph}. */
export interface MockGraph {
  /** Owner of `DEFAULT_GRAPH_TOKEN`. */
  readonly defaultUserId: GraphUserId;
  /** App of `DEFAULT_GRAPH_TOKEN`. */
  readonly defaultAppId: GraphUserId;
  /** Every user with their presence now, in creation order. */
  readonly users: readonly MockGraphUser[];
  /** Every request handled so far, oldest first. */
  readonly ledger: readonly MockGraphLedgerEntry[];
  /** Delay before each answer, ms. */
  latencyMs: number;
  /** The throttle; may be changed at any time (`false` turns it off). */
  throttle: MockGraphThrottle | false;
  readonly faults: MockGraphFaults;

  /** Handles one request. Never rejects for bad input: errors are answered as Graph errors. */
  handle(request: MockGraphRequest): Promise<MockGraphResponse>;

  /** The user with this id, or `undefined`. */
  getUser(id: string): MockGraphUser | undefined;
  /** Adds a user; returns them. */
  addUser(spec: MockGraphUserSpec): MockGraphUser;
  /** Signs a Teams client in with a pair (or changes it), or out with `null`. Clients never fade or expire. */
  setClientSession(userId: string, clientId: string, pair: GraphPresencePair | null): void;
  /** Turns a calendar event on or off: `oof` (out of office) or `meeting` (Busy/InAMeeting). */
  setEvent(userId: string, event: MockGraphEvent, on: boolean, options?: { message?: string | undefined }): void;

  /** Sets (or with `null`, clears) a user's status message as Teams would, with an optional expiry (ms since 1970). */
  setStatusMessage(userId: string, text: string | null, expiresAt?: number | undefined): void;
  /** Issues a token: delegated (with `userId`) or application-only. */
  createToken(options: { userId?: string | undefined; appId?: string | undefined }): string;
  /** Makes a token invalid: later requests with it get 401. */
  expireToken(token: string): void;

  clearLedger(): void;
  /** Counts by route and status. */
  stats(): { requests: number; byRoute: Partial<Record<MockGraphRoute | 'unknown', number>>; byStatus: Record<number, number> };
}
