import { EXTERNAL_READ_GAP_MS, INTEREST_TTL_MS, type PresenceRoute, type UserId } from '../model';
import type { PresenceGuardStore } from './PresenceGuardStore';

/** Options of {@link createPresenceGuard}. */
export interface PresenceGuardOptions {
  /** Where the guard keeps its state (shared by every server instance when it is Redis). */
  store: PresenceGuardStore;
  /** Time source, ms since 1970. @default Date.now */
  now?: (() => number) | undefined;
  /** Shortest time between two reads of one external user by one session; never below Symphony's 5 minutes. @default 300000 */
  externalReadGapMs?: number | undefined;
  /** How long a registration counts as live. @default 3600000 */
  registrationTtlMs?: number | undefined;
  /** Most registration requests one session may make in a minute. @default 300 */
  maxRegistrationsPerMinute?: number | undefined;
  /** Told about store failures (the caller gets a 503 verdict). */
  report?: ((error: unknown, route: PresenceRoute) => void) | undefined;
}

/** Why a call may not go to the pod, as an HTTP status and message for whoever asked. */
export interface GuardRefusal {
  readonly ok: false;
  /** 428: register first; 429: too soon (see `retryAfterSeconds`); 503: the store failed. */
  readonly status: 428 | 429 | 503;
  readonly message: string;
  readonly retryAfterSeconds?: number | undefined;
}

/** The guard's answer before a call: go ahead, or the refusal. */
export type GuardVerdict<T = object> = ({ readonly ok: true } & T) | GuardRefusal;

/**
 * Symphony's per-session limits, enforced on the server before a call reaches the pod: one read
 * of an external user per 5 minutes, only while a registration is live, and a bounded rate of
 * registrations. Sessions are keys (see `sessionKeyOf`), never tokens. The proxy uses it around
 * every external read and registration; other server code that calls the pod for a browser
 * session (e.g. a presence hub) can use it the same way.
 */
export interface PresenceGuard {
  /** The shortest gap between two reads of one external user, as used (ms). */
  readonly externalReadGapMs: number;
  /**
   * Claims the read of external `userId` for `sessionKey`: refused with 428 without a live
   * registration, with 429 within the gap. Settle every claim with {@link settleExternalRead}.
   */
  claimExternalRead(sessionKey: string, userId: UserId): Promise<GuardVerdict<{ readonly claimId: string }>>;
  /**
   * After the pod call: `podStatus` 400/401/403/404 gives the claim back (the pod refused before
   * reading anyone); any other status, or `undefined` for a call that got no answer, restarts the
   * gap now (the pod counts a read when it handles it, which may be long after the claim).
   */
  settleExternalRead(sessionKey: string, userId: UserId, claimId: string, podStatus: number | undefined): Promise<void>;
  /** Takes one registration slot of the session's minute; refused with 429 when spent. */
  takeRegistration(sessionKey: string): Promise<GuardVerdict>;
  /** Records a registration the pod accepted; `sentAt` is when the request was sent (its hour started then). */
  recordRegistration(sessionKey: string, ids: readonly UserId[], sentAt: number): Promise<void>;
}

// The pod refused these before reading anyone's presence, so the read claim is given back.
const UNCOUNTED_STATUSES = new Set([400, 401, 403, 404]);

const UNAVAILABLE: GuardRefusal = Object.freeze({ ok: false, status: 503, message: 'Presence guard unavailable', retryAfterSeconds: 5 });

/** Checks a duration option: `undefined` takes the default, anything but a positive number throws. */
export function positiveOption(value: number | undefined, fallback: number, name: string, owner: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${owner}: ${name} must be a positive number`);
  }
  return value;
}

function describeDuration(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}` : `${Math.ceil(ms / 1000)} seconds`;
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** Creates the guard of Symphony's per-session limits (see {@link PresenceGuard}). */
export function createPresenceGuard(options: PresenceGuardOptions, owner = 'createPresenceGuard'): PresenceGuard {
  const { store } = options;
  const now = options.now ?? Date.now;
  const report = options.report ?? (() => undefined);
  const gapMs = Math.max(EXTERNAL_READ_GAP_MS, positiveOption(options.externalReadGapMs, EXTERNAL_READ_GAP_MS, 'externalReadGapMs', owner));
  const registrationTtlMs = positiveOption(options.registrationTtlMs, INTEREST_TTL_MS, 'registrationTtlMs', owner);
  const maxRegistrationsPerMinute = Math.floor(positiveOption(options.maxRegistrationsPerMinute, 300, 'maxRegistrationsPerMinute', owner));

  return {
    externalReadGapMs: gapMs,

    async claimExternalRead(sessionKey, userId) {
      const t = now();
      try {
        if (!(await store.isRegistered(sessionKey, userId, t))) {
          return { ok: false, status: 428, message: 'Register interest in this external user first (POST /v1/user/presence/register)' };
        }
        const claim = await store.claimRead(sessionKey, userId, t, gapMs);
        if (!claim.ok) {
          return {
            ok: false,
            status: 429,
            message: `This session may read an external user's presence once every ${describeDuration(gapMs)}`,
            retryAfterSeconds: seconds(claim.retryAfterMs),
          };
        }
        return { ok: true, claimId: claim.claimId };
      } catch (error) {
        report(error, 'getUser');
        return UNAVAILABLE;
      }
    },

    async settleExternalRead(sessionKey, userId, claimId, podStatus) {
      const settled =
        podStatus !== undefined && UNCOUNTED_STATUSES.has(podStatus)
          ? store.releaseRead(sessionKey, userId, claimId)
          : store.renewRead(sessionKey, userId, claimId, now(), gapMs);
      await settled.catch((error: unknown) => report(error, 'getUser'));
    },

    async takeRegistration(sessionKey) {
      try {
        const slot = await store.takeRegistration(sessionKey, now(), maxRegistrationsPerMinute, 60_000);
        if (slot.ok) return { ok: true };
        return {
          ok: false,
          status: 429,
          message: `This session may register interest at most ${maxRegistrationsPerMinute} times a minute`,
          retryAfterSeconds: seconds(slot.retryAfterMs),
        };
      } catch (error) {
        report(error, 'register');
        return UNAVAILABLE;
      }
    },

    async recordRegistration(sessionKey, ids, sentAt) {
      const t = now();
      const remaining = registrationTtlMs - Math.max(0, t - sentAt);
      if (remaining <= 0) return;
      await store.recordRegistration(sessionKey, ids, t, remaining).catch((error: unknown) => report(error, 'register'));
    },
  };
}
