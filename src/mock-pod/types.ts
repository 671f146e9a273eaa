import type { CategoryValue, PresenceRoute, UserId, UserIdInput } from '../model';
import type { MockPodAssumptions } from './podRules';

/** The presence endpoints the emulator serves, by short name. */
export type MockPodRoute = PresenceRoute;

/** A tenant (company) of the emulated Symphony network. */
export interface MockTenantSpec {
  /** Tenant id as encoded in bits 36-62 of its users' ids. Ids of tenants >= 131072 exceed 2^53. */
  id: number;
  /** Company name shown in user records. */
  name: string;
  /**
   * How many users to generate when `users` is not given.
   * @default 20
   */
  userCount?: number | undefined;
}

/** One user to put in the emulated pod instead of the generated population. */
export interface MockUserSpec {
  /** User id; its tenant is read from the id. */
  id: UserIdInput;
  firstName?: string | undefined;
  lastName?: string | undefined;
  /** @default `${firstName} ${lastName}`, or "User <id>" */
  displayName?: string | undefined;
  /**
   * The category the user chose. `OFFLINE` is taken as "not signed in" (like `online: false`).
   * @default 'AVAILABLE'
   */
  category?: CategoryValue | undefined;
  /** @default true, or false when `category` is `'OFFLINE'` */
  online?: boolean | undefined;
  /** Idle in their Symphony client: AVAILABLE and BUSY then show as AWAY. @default false */
  idle?: boolean | undefined;
  /** Inactive users may be left out of `GET /v2/users/presence`. @default true */
  active?: boolean | undefined;
  /** When the presence was set, ms since 1970. @default the clock at creation */
  timestamp?: number | undefined;
  /** Users (usually of other companies) this user is connected to. Connections are mutual. */
  connectedTo?: readonly UserIdInput[] | undefined;
}

/** Presence changing over time by itself, like a real pod during a working day. */
export interface MockChurnOptions {
  /** Length of one churn step in clock milliseconds. */
  everyMs: number;
  /** Share of eligible users (0..1) changed at each step. */
  fraction: number;
}

/** Options of {@link createMockPod}. */
export interface MockPodOptions {
  /**
   * Time source in ms since 1970. Pass a fake to control time; `Date.now` also follows
   * `vi.useFakeTimers()`.
   * @default Date.now
   */
  clock?: (() => number) | undefined;
  /**
   * Seed of the pseudo-random generator behind the population, churn, session tokens and
   * probabilistic faults. The same seed and clock give the same pod.
   * @default 1
   */
  seed?: number | undefined;
  /**
   * Tenants; the first is the pod's home tenant. When `users` is omitted, `userCount` users are
   * generated per tenant.
   * @default Acme Capital (189, 240 users), Northwind Bank (190, 120), Far East Securities (200000, 6)
   */
  tenants?: readonly MockTenantSpec[] | undefined;
  /** Replaces the generated population. */
  users?: readonly MockUserSpec[] | undefined;
  /**
   * The user of {@link DEFAULT_SESSION_TOKEN}.
   * @default the first home-tenant user
   */
  defaultUserId?: UserIdInput | undefined;
  /**
   * Presence changes over time, applied lazily from the clock whenever a request is handled or
   * `advance()` is called. Users that own a session are never churned.
   * @default { everyMs: 60_000, fraction: 0.02 } (about one change per user per hour)
   */
  churn?: MockChurnOptions | false | undefined;
  /**
   * Delay before each answer, in ms, waited with `setTimeout` (so fake timers control it).
   * @default 0
   */
  latencyMs?: number | undefined;
  /**
   * Our readings of what Symphony's docs leave open, each on by default; switch one off to test
   * an app against the other reading (see `POD_RULES` and docs/emulator-rules.md).
   * @default every assumption in force
   */
  assumptions?: MockPodAssumptions | undefined;
}

/** Header values as the adapters receive them: a `Headers` object or a plain record. */
export type MockPodHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** A request to the emulator, as plain data. */
export interface MockPodRequest {
  /** HTTP method, any case. */
  method: string;
  /** Path below the pod base URL, e.g. `/v2/user/presence`. A `?query` part is read too. */
  path: string;
  /** Query parameters; they win over the same names in `path`. */
  query?: URLSearchParams | Readonly<Record<string, string | undefined>> | undefined;
  /** Request headers; names are matched without regard to case. */
  headers?: MockPodHeaders | undefined;
  /** Raw request body. */
  bodyText?: string | undefined;
}

/** The emulator's answer, as plain data. `bodyText` is JSON whose integers keep every digit. */
export interface MockPodResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  bodyText: string;
}

/** A user as the emulator holds it now. */
export interface MockPodUser {
  readonly id: UserId;
  readonly tenantId: number;
  /** Tenant (company) name. */
  readonly company: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly displayName: string;
  readonly email: string;
  /** What users of the same company see: OFFLINE when signed out, else the idle rule on `chosenCategory`. */
  readonly category: CategoryValue;
  /** What the user picked; shown again when they are online and active. */
  readonly chosenCategory: CategoryValue;
  readonly online: boolean;
  readonly idle: boolean;
  /** False for users the pod-wide listing leaves out. */
  readonly active: boolean;
  /** When the shown presence last changed, ms since 1970. */
  readonly timestamp: number;
}

/** One handled request. Holds ids and paths only, never the session token. */
export interface LedgerEntry {
  /** Clock time the request was handled. */
  readonly time: number;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Route name, or `'unknown'` for paths the pod does not serve. */
  readonly route: MockPodRoute | 'unknown';
  /** Path template, e.g. `/v3/user/{uid}/presence`; the raw path for unknown routes. */
  readonly path: string;
  /** Path with its actual values and query string. */
  readonly url: string;
  readonly status: number;
  /** User whose presence was read (`getUser`) or set (`setOwn`). */
  readonly userId?: UserId | undefined;
  /** Ids sent to `register`, in request order. */
  readonly userIds?: readonly UserId[] | undefined;
  /** Ids sent to `register` that were of the caller's own company: registering them is useless. */
  readonly internalUserIds?: readonly UserId[] | undefined;
  /** Owner of the session, when the token was valid. */
  readonly sessionUserId?: UserId | undefined;
  /** For `getUser`: the target belongs to another company than the caller. */
  readonly external?: boolean | undefined;
  /** The answer came from an injected fault. */
  readonly faulted?: boolean | undefined;
}

/** A failure or oddity to inject into matching requests. */
export interface MockPodFault {
  /** Which route to hit. @default '*' */
  route?: MockPodRoute | '*' | undefined;
  /**
   * Only requests about this user: the target of `getUser`, one of the ids sent to `register`,
   * or the caller for `getOwn`/`setOwn`. Never matches `listAll`, except with `category` (then
   * only that user's entry is changed).
   */
  userId?: UserIdInput | undefined;
  /** Answer with this status instead of handling the request. Body `{code, message}` unless `body` is set. */
  status?: number | undefined;
  /** `Retry-After` header value sent with `status`. */
  retryAfter?: string | undefined;
  /** Raw body to answer with (e.g. malformed JSON); status 200 unless `status` is set. */
  body?: string | undefined;
  /** Handle the request normally but put this category in the presence answer. */
  category?: string | undefined;
  /** Extra delay before the answer, ms. */
  latencyMs?: number | undefined;
  /** How many matching requests to hit. @default Infinity */
  times?: number | undefined;
  /** Chance (0..1) that a matching request is hit, drawn from the seeded generator. @default 1 */
  probability?: number | undefined;
}

/** Injected faults, tried in the order they were added; the first that fires wins. */
export interface MockPodFaults {
  /** Adds a fault; returns a function that removes it. */
  add(fault: MockPodFault): () => void;
  /** Removes every fault. */
  clear(): void;
  /** Faults still active, with `times` showing what is left. */
  list(): readonly MockPodFault[];
}

/** Counts over the ledger. */
export interface MockPodStats {
  readonly requests: number;
  readonly byRoute: Readonly<Partial<Record<MockPodRoute | 'unknown', number>>>;
  readonly byStatus: Readonly<Record<number, number>>;
}

/** An in-memory Symphony pod serving the presence API. Create one with {@link createMockPod}. */
export interface MockPod {
  /** Tenant id of the pod's own company. */
  readonly homeTenantId: number;
  /** Owner of {@link DEFAULT_SESSION_TOKEN}. */
  readonly defaultUserId: UserId;
  /** Every user, sorted by id. A snapshot: churn is applied on requests and `advance()`, not here. */
  readonly users: readonly MockPodUser[];
  /** Every request handled so far, oldest first. */
  readonly ledger: readonly LedgerEntry[];
  /** Delay before each answer, ms; may be changed at any time. */
  latencyMs: number;
  /** Injected faults. */
  readonly faults: MockPodFaults;

  /** Handles one request. Never rejects for bad input: errors are answered as HTTP errors. */
  handle(request: MockPodRequest): Promise<MockPodResponse>;
  /** Applies the churn due up to the clock's current time. */
  advance(): void;

  /** The user with this id, or `undefined`. */
  getUser(id: UserIdInput): MockPodUser | undefined;
  /**
   * Server-side change, as if the user picked a status in their Symphony client: they become
   * online and active. `OFFLINE` signs them out and keeps their chosen category.
   * Any string is accepted, so unknown categories can be tested.
   */
  setUserPresence(id: UserIdInput, category: CategoryValue): void;
  /** Marks the user idle or active in their client (AVAILABLE/BUSY show as AWAY while idle). */
  setIdle(id: UserIdInput, idle: boolean): void;
  /** Signs the user in or out; while out they show as OFFLINE. */
  setOnline(id: UserIdInput, online: boolean): void;
  /** Connects two users (mutual). */
  connect(a: UserIdInput, b: UserIdInput): void;
  /** Removes the connection between two users. */
  disconnect(a: UserIdInput, b: UserIdInput): void;
  /** True when the two users are connected. */
  isConnected(a: UserIdInput, b: UserIdInput): boolean;

  /**
   * Opens a session for a user and returns its token.
   * @param options.privileges @default DEFAULT_PRIVILEGES
   */
  createSession(options: { userId: UserIdInput; privileges?: readonly string[] | undefined }): string;
  /** Makes a token invalid, as when a session expires: later requests get 401. */
  expireSession(token: string): void;

  /** Empties the ledger. */
  clearLedger(): void;
  /** `getUser` entries, optionally only those about one user. */
  reads(userId?: UserIdInput): readonly LedgerEntry[];
  /** `register` entries, optionally only those that sent one user's id. */
  registrations(userId?: UserIdInput): readonly LedgerEntry[];
  /** Counts of requests by route and status. */
  stats(): MockPodStats;
}
