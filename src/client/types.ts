import type { CategoryValue, Presence, UserId, UserIdInput } from '../model';

/** Options every call takes. */
export interface CallOptions {
  /** Cancels the request; the call then rejects with a `PresenceApiError` of kind `aborted`. */
  signal?: AbortSignal | undefined;
  /**
   * Send only under this session (a key from `sessionKey()`). If the token provider now gives
   * another token, or the pod answers 401 and the token is renewed, the call fails with kind
   * `session-changed` instead of being sent or retried under a session that registered nothing.
   */
  session?: string | undefined;
}

/** How the client obtains the `sessionToken` header value. */
export type SessionTokenProvider = (options: { forceRefresh: boolean }) => string | Promise<string>;

export interface SymphonyClientOptions {
  /**
   * Base URL the pod API paths hang under, as in the spec's `servers` entry:
   * `https://acme.symphony.com/pod`, or the app's own proxy such as `/api/symphony/pod`.
   */
  podUrl: string;
  /**
   * Returns the session token (or on-behalf-of token). Called with `forceRefresh: true` once after a 401.
   * Omit it when a backend proxy adds the token server side.
   */
  getSessionToken?: SessionTokenProvider | undefined;
  /** `fetch` to use; defaults to the global one. */
  fetch?: typeof fetch | undefined;
  /** Extra headers for every request (never put the session token here). */
  headers?: Record<string, string> | undefined;
}

/** Options of a set. */
export interface SetCallOptions extends CallOptions {
  /**
   * Send with `fetch(..., { keepalive: true })`, so the request outlives the page (a set made
   * from `pagehide`). Keepalive bodies are limited to 64 KiB, far above a set's.
   */
  keepalive?: boolean | undefined;
}

export interface SetPresenceInput {
  category: CategoryValue;
  /** Let the pod apply the user's idle or offline state on top of the new category. */
  soft?: boolean | undefined;
}

export interface ListPresenceOptions extends CallOptions {
  /** Skip users with ids below this one (paging). */
  lastUserId?: UserIdInput | undefined;
  /** Page size, 1 to 5000; the pod's default is 1000. */
  limit?: number | undefined;
}

/** What a presence source can and cannot do; the sync engine adapts to it. */
export interface PresenceClientCapabilities {
  /**
   * Whether Symphony's external-user rules apply (interest registration, one read per 5 minutes).
   * Sources without them (Microsoft Graph) set false. @default true
   */
  externalLimits?: boolean | undefined;
  /** Most ids `getUsersPresence` takes in one call. @default 650 */
  maxBatch?: number | undefined;
}

/** Typed access to the Symphony pod presence endpoints. Every failure is a `PresenceApiError`. */
export interface SymphonyClient {
  readonly podUrl: string;
  /** Absent on the Symphony client itself: every rule applies. */
  readonly capabilities?: PresenceClientCapabilities | undefined;
  /**
   * Optional batch read (Graph's getPresencesByUserId). When present, the engine reads users that
   * fall due together in one call instead of one call each. Users missing from the answer fail as
   * `not-found`.
   */
  getUsersPresence?(userIds: readonly UserId[], options?: CallOptions): Promise<Presence[]>;
  /**
   * Optional: turns what the app passes as a user id into the engine key, for sources whose ids
   * are not int64 (Graph's GUIDs). Absent: `toUserId`. Keys from it are only known to this client
   * instance, so the engine does not share them between tabs.
   */
  toKey?(userId: UserIdInput): UserId;
  /**
   * The identity of the current session (a digest of the token, never the token), or `undefined`
   * when no token provider is set (a backend proxy holds the session). Pass it as
   * `CallOptions.session` to keep a call on that session.
   */
  sessionKey?(options?: CallOptions): Promise<string | undefined>;
  /** GET /v2/user/presence: the requesting user's own presence. */
  getOwnPresence(options?: CallOptions): Promise<Presence>;
  /** POST /v2/user/presence?soft=: sets the requesting user's presence. */
  setOwnPresence(input: SetPresenceInput, options?: SetCallOptions): Promise<Presence>;
  /** POST /v1/user/presence/register: registers interest in external users' presence. */
  registerInterest(userIds: readonly UserIdInput[], options?: CallOptions): Promise<void>;
  /** GET /v3/user/{uid}/presence?local=: one user's presence. */
  getUserPresence(userId: UserIdInput, options?: CallOptions & { local?: boolean | undefined }): Promise<Presence>;
  /** GET /v2/users/presence: one page of the pod-wide listing, sorted by user id. */
  listPresence(options?: ListPresenceOptions): Promise<Presence[]>;
  /** Every page of the pod-wide listing, following `lastUserId`. */
  listAllPresence(options?: ListPresenceOptions & { maxPages?: number | undefined }): Promise<Presence[]>;
}

export type { Presence, UserId };
