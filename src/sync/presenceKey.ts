import { parseUserId, type UserId } from '../model';

/**
 * `'self'` is the requesting user (GET /v2/user/presence); `local:<id>` a user read with
 * `?local=true`; any other key is a user id.
 */
export type PresenceKey = 'self' | UserId | `local:${UserId}`;

const LOCAL_PREFIX = 'local:';

export function isLocalKey(key: PresenceKey): key is `local:${UserId}` {
  return key.startsWith(LOCAL_PREFIX);
}

/** The user a key is about; `undefined` for `'self'` (known only once read). */
export function userOfKey(key: PresenceKey): UserId | undefined {
  if (key === 'self') return undefined;
  return isLocalKey(key) ? (key.slice(LOCAL_PREFIX.length) as UserId) : key;
}

/** Keys whose user needs registered interest when external: plain user ids. */
export function isRegistrable(key: PresenceKey): key is UserId {
  return key !== 'self' && !isLocalKey(key);
}

/** A key from another tab or from storage, checked; `undefined` for anything else. */
export function parsePresenceKey(raw: unknown): PresenceKey | undefined {
  if (raw === 'self') return 'self';
  if (typeof raw !== 'string') return undefined;
  if (raw.startsWith(LOCAL_PREFIX)) {
    const id = parseUserId(raw.slice(LOCAL_PREFIX.length));
    return id === raw.slice(LOCAL_PREFIX.length) ? `local:${id}` : undefined;
  }
  return parseUserId(raw) === raw ? (raw as UserId) : undefined;
}
