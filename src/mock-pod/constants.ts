import { EXTERNAL_READ_GAP_MS, INTEREST_TTL_MS as RULE_INTEREST_TTL_MS, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from '../model';
import type { MockPodRoute } from './types';

/**
 * Token of the session every pod opens for its default user. Send it as the `sessionToken`
 * header; it carries {@link DEFAULT_PRIVILEGES}.
 */
export const DEFAULT_SESSION_TOKEN = 'mock-pod-default-session-token';

/** Privileges of the default session and of `createSession` when none are given. */
export const DEFAULT_PRIVILEGES: readonly string[] = Object.freeze([
  'ADMIN_PRESENCE_UPDATE',
  'GET_PRESENCE',
  'SET_PRESENCE',
]);

/**
 * The privilege each route checks (403 without it). Register and Set Presence need
 * ADMIN_PRESENCE_UPDATE, as their Symphony docs say. The pod-wide listing is the only read
 * the spec gives a 403, so it asks for GET_PRESENCE. Reading one's own or another user's
 * presence needs only a valid session.
 */
export const REQUIRED_PRIVILEGES: Readonly<Partial<Record<MockPodRoute, string>>> = Object.freeze({
  setOwn: 'ADMIN_PRESENCE_UPDATE',
  register: 'ADMIN_PRESENCE_UPDATE',
  listAll: 'GET_PRESENCE',
});

/** A registered interest in an external user's presence lapses after this long (R-INTEREST-HOUR). */
export const INTEREST_TTL_MS = RULE_INTEREST_TTL_MS;

/** One read of the same external user per session in this window (R-EXTERNAL-GAP). */
export const EXTERNAL_READ_INTERVAL_MS = EXTERNAL_READ_GAP_MS;

/** `limit` of `GET /v2/users/presence` when none is given. */
export const LIST_DEFAULT_LIMIT = LIST_LIMIT_DEFAULT;

/** Largest `limit` `GET /v2/users/presence` accepts. */
export const LIST_MAX_LIMIT = LIST_LIMIT_MAX;
