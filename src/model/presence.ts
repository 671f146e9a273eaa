import { isKnownCategory, toExternalView, type CategoryValue } from './categories';
import type { GraphStatusMessage } from './parseGraphPresence';
import { parseUserId, type UserId } from './userId';

/** One user's presence, normalised from the server's answer. */
export interface Presence {
  /** Canonical decimal user id; every digit kept. */
  readonly userId: UserId;
  /** The category as sent. Unknown values are kept verbatim; check `isUnknown` before trusting it. */
  readonly category: CategoryValue;
  /** True when `category` is not one of the documented names. */
  readonly isUnknown: boolean;
  /**
   * Milliseconds since 1970 when the state was set. For OFFLINE users Symphony returns the time
   * of the call instead, so it is not a "since" for them. `undefined` when the server sent none.
   */
  readonly timestamp: number | undefined;
  /** Which platform the presence came from; absent means Symphony (every presence before Graph support). */
  readonly source?: 'symphony' | 'graph' | undefined;
  /** Graph's own state, when the presence came from Microsoft Graph: what `category` was mapped from. */
  readonly graph?: PresenceGraphDetails | undefined;
  /**
   * Set by the sync engine: when the read that gave this status was sent (ms since 1970). Answers
   * that repeat the status keep the first one's time, so badges do not re-render for them.
   */
  readonly observedAt?: number | undefined;
  /**
   * Set by the sync engine while a newer answer cannot be asked for yet (restored after a reload,
   * or the pod answered 429): when the next read may go out (ms since 1970). Not an error: the
   * status is the last known one.
   */
  readonly updateDueAt?: number | undefined;
}

/** Microsoft Graph's state behind a presence whose `category` was mapped from it. */
export interface PresenceGraphDetails {
  /** Graph availability, verbatim (e.g. `DoNotDisturb`). */
  readonly availability: string;
  /** Graph activity, verbatim (e.g. `Presenting`). */
  readonly activity: string;
  /** `outOfOfficeSettings.isOutOfOffice`. */
  readonly outOfOffice: boolean;
  /** The user's Graph object id (GUID); `userId` holds the engine key derived from it. */
  readonly id?: string | undefined;
  /** The user's status message, with its expiry (`statusMessage`). Text written by the user. */
  readonly statusMessage?: GraphStatusMessage | undefined;
  /** `outOfOfficeSettings.message` (the automatic reply), while out of office. Text written by the user. */
  readonly outOfOfficeMessage?: string | undefined;
}

/** Result of reading server JSON: a value, or a reason that never contains the body's text. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Builds a {@link Presence}, classing the category as known or unknown. */
export function makePresence(userId: UserId, category: CategoryValue, timestamp?: number): Presence {
  return { userId, category, isUnknown: !isKnownCategory(category), timestamp };
}

/**
 * Reads one V2Presence object. `fallbackUserId` fills in the id when the endpoint's answer omits
 * it (the requesting user's own presence, or the id that was asked for).
 */
export function parsePresence(raw: unknown, fallbackUserId?: UserId): ParseResult<Presence> {
  if (!isRecord(raw)) return fail('presence is not a JSON object');
  const { category, userId, timestamp } = raw;
  if (typeof category !== 'string') return fail('presence has no string "category"');
  if (category.length === 0) return fail('presence has an empty "category"');
  let id: UserId | undefined;
  if (userId === undefined || userId === null) id = fallbackUserId;
  else if (typeof userId === 'string' || typeof userId === 'number') id = parseUserId(userId);
  if (id === undefined) return fail('presence has no valid "userId"');
  let ts: number | undefined;
  if (timestamp !== undefined && timestamp !== null) {
    if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
      return fail('presence has an invalid "timestamp"');
    }
    ts = timestamp;
  }
  return { ok: true, value: makePresence(id, category, ts) };
}

/** Reads a V2PresenceList (the pod-wide listing). One bad entry fails the whole page. */
export function parsePresenceList(raw: unknown): ParseResult<Presence[]> {
  if (!Array.isArray(raw)) return fail('presence list is not a JSON array');
  const out: Presence[] = [];
  for (let i = 0; i < raw.length; i++) {
    const entry = parsePresence(raw[i]);
    if (!entry.ok) return fail(`entry ${i}: ${entry.reason}`);
    out.push(entry.value);
  }
  return { ok: true, value: out };
}

/** The presence as a viewer of another company sees it. */
export function externalPresence(p: Presence): Presence {
  const category = toExternalView(p.category);
  return category === p.category ? p : { ...p, category };
}

/**
 * True when an answer asked for at `nextAskedAt` may replace the one asked for at `currentAskedAt`:
 * between two reads, the one sent later wins. Timestamps cannot order answers: an OFFLINE answer
 * carries the time of the call (SYM-GUP-2), and a user back online answers the time of their
 * last set, which may be days older than the OFFLINE answers before it (SYM-GUP-1).
 */
export function isLaterAnswer(currentAskedAt: number | undefined, nextAskedAt: number): boolean {
  return currentAskedAt === undefined || nextAskedAt >= currentAskedAt;
}

/**
 * True when `next` tells nothing new over `current`: same user, category and Graph state, and the
 * same timestamp, except for OFFLINE, whose timestamp Symphony sets to the time of each call.
 * Publishing such an answer would re-render every badge of the user for nothing.
 */
export function isSamePresence(current: Presence | undefined, next: Presence): boolean {
  if (!current || current.userId !== next.userId || current.category !== next.category) return false;
  if (current.timestamp !== next.timestamp && next.category !== 'OFFLINE') return false;
  const a = current.graph;
  const b = next.graph;
  return a === b || (!!a && !!b && a.availability === b.availability && a.activity === b.activity && a.outOfOffice === b.outOfOffice);
}
