import type { GraphActivity, GraphAvailability, GraphPresence } from '../../model';
import type { CallOptions } from '../types';

/**
 * Returns a Microsoft Graph access token (delegated or application). Called with
 * `forceRefresh: true` once after a 401; the token is sent only in the `Authorization` header.
 */
export type AccessTokenProvider = (options: { forceRefresh: boolean }) => string | Promise<string>;

/** Options of {@link createGraphClient}. */
export interface GraphClientOptions {
  /**
   * Returns the access token. Omit it when a backend proxy at `graphUrl` adds the token itself.
   */
  getAccessToken?: AccessTokenProvider | undefined;
  /**
   * The application (client) id, a GUID. Graph wants it as `sessionId` in setPresence and
   * clearPresence: one presence session per app and user.
   */
  sessionId: string;
  /** Base URL of the Graph version to call, or the app's own proxy. @default 'https://graph.microsoft.com/v1.0' */
  graphUrl?: string | undefined;
  /** `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Extra headers for every request (never put the token here). */
  headers?: Record<string, string> | undefined;
  /**
   * Time source for honouring `Retry-After` between calls, in ms since 1970.
   * @default Date.now
   */
  now?: (() => number) | undefined;
}

/** What `setPresence` sends for a user. */
export interface GraphSetPresenceInput {
  /** The user's object id (GUID). */
  userId: string;
  availability: GraphAvailability;
  activity: GraphActivity;
  /**
   * How long the session lasts without a renewal: an ISO 8601 duration from `PT5M` to `PT4H`.
   * Omitted: Graph's default of 5 minutes.
   */
  expirationDuration?: string | undefined;
}

/** What `setUserPreferredPresence` sends for a user. */
export interface GraphSetPreferredInput {
  /** The user's object id (GUID). */
  userId: string;
  availability: GraphAvailability;
  activity: GraphActivity;
  /**
   * ISO 8601 duration. Omitted: 1 day for DoNotDisturb and Busy, 7 days otherwise.
   */
  expirationDuration?: string | undefined;
}

/** What `setStatusMessage` sends for a user. */
export interface GraphSetStatusMessageInput {
  /** The user's object id (GUID). */
  userId: string;
  /** Plain text, at most 280 characters; an empty string clears the message. */
  message: string;
  /** When the message stops showing, ms since 1970. Omitted: it stays until replaced. */
  expiresAt?: number | undefined;
}

/** Typed access to Graph's presence endpoints. Every failure is a `PresenceApiError`. */
export interface GraphClient {
  /** The base URL in use, without a trailing slash. */
  readonly graphUrl: string;
  /** The application id sent as `sessionId`. */
  readonly sessionId: string;
  /** GET /me/presence: the signed-in user's presence (delegated tokens only). */
  getMyPresence(options?: CallOptions): Promise<GraphPresence>;
  /** GET /users/{id}/presence. Throws `InvalidGraphUserIdError` for an id that is not a GUID. */
  getPresence(userId: string, options?: CallOptions): Promise<GraphPresence>;
  /**
   * POST /communications/getPresencesByUserId, in calls of at most 650 ids (Graph's limit).
   * Duplicates are sent once; users Graph does not return are simply absent from the result.
   */
  getPresences(userIds: readonly string[], options?: CallOptions): Promise<GraphPresence[]>;
  /**
   * POST /users/{id}/presence/setPresence for this app's session. Only the pairs Graph accepts
   * (see `SET_PRESENCE_PAIRS`); pair and duration are checked before anything is sent.
   */
  setPresence(input: GraphSetPresenceInput, options?: CallOptions): Promise<void>;
  /** POST /users/{id}/presence/clearPresence: ends this app's session for the user. */
  clearPresence(userId: string, options?: CallOptions): Promise<void>;
  /** POST /users/{id}/presence/setUserPreferredPresence (pairs in `USER_PREFERRED_PAIRS`). */
  setUserPreferredPresence(input: GraphSetPreferredInput, options?: CallOptions): Promise<void>;
  /** POST /users/{id}/presence/clearUserPreferredPresence. */
  clearUserPreferredPresence(userId: string, options?: CallOptions): Promise<void>;
  /** POST /users/{id}/presence/setStatusMessage: sets (or, with an empty message, clears) the user's note. */
  setStatusMessage(input: GraphSetStatusMessageInput, options?: CallOptions): Promise<void>;
}

