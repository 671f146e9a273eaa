import { parseJsonLossless, PresenceWidgetsError, parseUserId, tenantOf, type UserId } from '../model';

/** Why {@link readUserJwt} refused a token. */
export type UserJwtErrorReason = 'format' | 'payload' | 'user-id' | 'company-id';

/** A user JWT that could not be read. Its message never contains the token. */
export class UserJwtError extends PresenceWidgetsError {
  readonly reason: UserJwtErrorReason;
  constructor(reason: UserJwtErrorReason, detail: string) {
    super(`Cannot read the Symphony user JWT: ${detail}`);
    this.reason = reason;
  }
}

/** The requesting user, as the extension app's user JWT names them. */
export interface SymphonyUserJwt {
  /** `user.id`, every digit kept (ids can exceed 2^53). */
  readonly userId: UserId;
  /** `user.companyId` (or a top-level `companyId`): the user's company (pod) id, when present. */
  readonly companyId: number | undefined;
  /** Tenant id read from the user id's bits; matches `companyId` for pod users. */
  readonly tenant: number;
  /** `exp` in milliseconds since 1970, when present. Not checked here. */
  readonly expiresAt: number | undefined;
  /** The whole payload; integers of more than 15 digits are decimal strings. */
  readonly payload: Readonly<Record<string, unknown>>;
}

// A user JWT is a few hundred bytes; anything far larger is not one and is not decoded.
const MAX_JWT_LENGTH = 16 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeSegment(segment: string, what: string): unknown {
  if (!BASE64URL.test(segment)) throw new UserJwtError('format', `the ${what} is not base64url`);
  const base64 = segment.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  let bytes: Uint8Array;
  try {
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    throw new UserJwtError('format', `the ${what} is not base64url`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UserJwtError('format', `the ${what} is not UTF-8`);
  }
  try {
    return parseJsonLossless(text);
  } catch {
    throw new UserJwtError(what === 'payload' ? 'payload' : 'format', `the ${what} is not JSON`);
  }
}

function readCompanyId(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^[0-9]{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new UserJwtError('company-id', 'companyId is not a non-negative integer');
  return n;
}

/**
 * Reads the requesting user's id and company id from the user JWT an extension app receives
 * after app authentication (the "circle of trust"). The payload is parsed so that ids above 2^53
 * keep every digit.
 *
 * **This only decodes; it does not verify.** The signature, issuer and expiry must be checked by
 * the app's backend with the pod's certificate before it trusts anyone's identity. In the
 * browser the values are good for display and for telling internal from external users, never
 * for access decisions.
 *
 * @throws UserJwtError when the token is not a JWT, its payload is not a JSON object, or
 *   `user.id` / `companyId` are missing or malformed.
 */
export function readUserJwt(jwt: string): SymphonyUserJwt {
  if (typeof jwt !== 'string' || jwt.length === 0 || jwt.length > MAX_JWT_LENGTH) {
    throw new UserJwtError('format', 'not a string of JWT size');
  }
  const parts = jwt.split('.');
  if (parts.length !== 3 || parts[0] === '' || parts[1] === '') {
    throw new UserJwtError('format', 'a JWT has three dot-separated parts');
  }
  const header = decodeSegment(parts[0] as string, 'header');
  if (!isRecord(header)) throw new UserJwtError('format', 'the header is not a JSON object');
  const payload = decodeSegment(parts[1] as string, 'payload');
  if (!isRecord(payload)) throw new UserJwtError('payload', 'the payload is not a JSON object');

  const user = payload.user;
  if (!isRecord(user)) throw new UserJwtError('user-id', 'the payload has no "user" object');
  const rawId = user.id;
  // A quoted id is fine; a number has at most 15 digits here, so it is exact.
  const userId = typeof rawId === 'string' || typeof rawId === 'number' ? parseUserId(rawId) : undefined;
  if (!userId) throw new UserJwtError('user-id', 'user.id is not a positive 64-bit integer');

  const companyId = readCompanyId(user.companyId ?? payload.companyId);
  const exp = payload.exp;
  const expiresAt = typeof exp === 'number' && Number.isFinite(exp) && exp > 0 ? exp * 1000 : undefined;
  return { userId, companyId, tenant: tenantOf(userId), expiresAt, payload };
}
