import { InvalidUserIdError } from './errors';

declare const userIdBrand: unique symbol;

/**
 * A Symphony user id as a canonical decimal string. Ids are int64 and can exceed 2^53, so the
 * library never holds them as JavaScript numbers.
 */
export type UserId = string & { readonly [userIdBrand]: true };

/** What callers may pass as a user id. */
export type UserIdInput = string | number | bigint;

const INT64_MAX = (1n << 63n) - 1n;
const TENANT_SHIFT = 36n;
const TENANT_MASK = (1n << 27n) - 1n;
// 19 digits hold INT64_MAX; the extra slack admits leading zeros without parsing huge strings.
const DIGITS = /^[0-9]{1,25}$/;

function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return value === null ? 'null' : `a value of type ${typeof value}`;
}

function fromBigInt(value: bigint, original: unknown): UserId {
  if (value <= 0n || value > INT64_MAX) {
    throw new InvalidUserIdError('range', `${describe(original)} is not between 1 and 2^63-1`);
  }
  return value.toString() as UserId;
}

/**
 * Validates and canonicalises a user id. Accepts a decimal string, a safe integer or a bigint;
 * throws {@link InvalidUserIdError} for anything else, including numbers above 2^53 whose digits
 * JavaScript has already lost.
 */
export function toUserId(input: UserIdInput): UserId {
  if (typeof input === 'bigint') return fromBigInt(input, input);
  if (typeof input === 'number') {
    if (!Number.isInteger(input)) throw new InvalidUserIdError('format', `${describe(input)} is not an integer`);
    if (!Number.isSafeInteger(input)) {
      throw new InvalidUserIdError(
        'unsafe-number',
        `${describe(input)} is above 2^53 and may have lost digits; pass it as a string or bigint`,
      );
    }
    return fromBigInt(BigInt(input), input);
  }
  if (typeof input === 'string') {
    if (!DIGITS.test(input)) throw new InvalidUserIdError('format', `${describe(input)} is not a decimal integer`);
    return fromBigInt(BigInt(input), input);
  }
  throw new InvalidUserIdError('type', `${describe(input)} is not a string, number or bigint`);
}

/** Like {@link toUserId} but returns `undefined` instead of throwing. */
export function parseUserId(input: unknown): UserId | undefined {
  if (typeof input !== 'string' && typeof input !== 'number' && typeof input !== 'bigint') return undefined;
  try {
    return toUserId(input);
  } catch {
    return undefined;
  }
}

/** True when the value is already a canonical user id string. */
export function isUserId(value: unknown): value is UserId {
  return typeof value === 'string' && parseUserId(value) === value;
}

/**
 * The tenant (pod) id a user belongs to: bits 36 to 62 of the id, as Symphony's SDKs extract it.
 * Two users with different tenants are external to each other.
 */
export function tenantOf(id: UserIdInput): number {
  return Number((BigInt(toUserId(id)) >> TENANT_SHIFT) & TENANT_MASK);
}

/** Builds a user id from a tenant id and a per-tenant sequence number (for tests and the emulator). */
export function makeUserId(tenant: number, local: number | bigint): UserId {
  if (!Number.isInteger(tenant) || tenant < 0 || BigInt(tenant) > TENANT_MASK) {
    throw new InvalidUserIdError('range', `tenant ${tenant} does not fit in 27 bits`);
  }
  const seq = BigInt(local);
  if (seq < 0n || seq >= 1n << TENANT_SHIFT) throw new InvalidUserIdError('range', `local part ${seq} does not fit in 36 bits`);
  return fromBigInt((BigInt(tenant) << TENANT_SHIFT) | seq, `${tenant}/${seq}`);
}

/** Orders ids numerically (string comparison would put "9" after "10"). */
export function compareUserIds(a: UserId, b: UserId): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}
