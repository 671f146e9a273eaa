/** Microsoft Graph user ids: Entra object ids (GUIDs), and their keys in the sync engine. */
import { PresenceWidgetsError } from './errors';
import type { UserId } from './userId';

declare const graphUserIdBrand: unique symbol;

/** A Microsoft Entra object id (GUID), lower-cased: the only form put into a Graph URL path. */
export type GraphUserId = string & { readonly [graphUserIdBrand]: true };

/** A Graph user id that is not a GUID. Thrown before any request is made. */
export class InvalidGraphUserIdError extends PresenceWidgetsError {
  constructor(detail: string) {
    super(`Invalid Microsoft Graph user id: ${detail}`);
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Validates a GUID and lower-cases it. Throws {@link InvalidGraphUserIdError} otherwise. */
export function toGraphUserId(input: unknown): GraphUserId {
  if (typeof input !== 'string') throw new InvalidGraphUserIdError(`a value of type ${input === null ? 'null' : typeof input}`);
  if (!GUID.test(input)) {
    // Described, never echoed in full: the value may be an email address or worse.
    throw new InvalidGraphUserIdError(`a ${input.length}-character string that is not a GUID`);
  }
  return input.toLowerCase() as GraphUserId;
}

/** Like {@link toGraphUserId} but returns `undefined` instead of throwing. */
export function parseGraphUserId(input: unknown): GraphUserId | undefined {
  return typeof input === 'string' && GUID.test(input) ? (input.toLowerCase() as GraphUserId) : undefined;
}

const KEY_MASK = (1n << 62n) - 1n;

/**
 * The engine key for a Graph user. The sync engine keys people by Symphony's int64 ids, which
 * cannot hold a 128-bit GUID, so the GUID's two halves are folded (XOR) into 62 bits. The fold is
 * deterministic, so every tab and every render gets the same key; it is not reversible, so the
 * Graph adapter keeps a table from key back to GUID (and steps past the rare collision).
 */
export function graphUserKey(id: GraphUserId | string): UserId {
  const hex = toGraphUserId(id).replace(/-/g, '');
  const value = BigInt(`0x${hex.slice(0, 16)}`) ^ BigInt(`0x${hex.slice(16)}`);
  const folded = value & KEY_MASK;
  return (folded === 0n ? 1n : folded).toString() as UserId;
}
