/** Result of {@link PresenceGuardStore.claimRead}. */
export type ClaimReadResult =
  /** The read may go ahead. `claimId` identifies this claim for {@link PresenceGuardStore.releaseRead}. */
  | { readonly ok: true; readonly claimId: string }
  /**
   * The same session read the same user too recently, or holds as many claims as the store keeps
   * for one session; try again in `retryAfterMs`.
   */
  | { readonly ok: false; readonly retryAfterMs: number };

/** Result of {@link PresenceGuardStore.takeRegistration}. */
export type TakeRegistrationResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/**
 * Where the proxy's guard keeps its state: who read which external user when, which
 * registrations are live, and each session's tenant. Sessions are identified by `sessionKey`, a
 * hash of the session token (the raw token never reaches the store).
 *
 * Instances of a backend that share one store hold Symphony's limits together, so a
 * multi-instance backend needs a shared store such as {@link createRedisGuardStore}.
 *
 * A store bounds what it keeps. When it must drop something it errs on the safe side of
 * Symphony's limits: it forgets registrations (a read then waits for a new one: 428) and
 * tenants (looked up again), never a live read claim; when it cannot hold another claim it
 * refuses the read.
 */
export interface PresenceGuardStore {
  /**
   * Atomically checks and claims one read of `userId`'s presence by a session: succeeds when no
   * claim of the same pair is younger than `gapMs`, and then holds the pair for `gapMs`. Two
   * concurrent calls for the same pair must never both succeed.
   */
  claimRead(sessionKey: string, userId: string, now: number, gapMs: number): Promise<ClaimReadResult>;
  /**
   * Restarts a claim's `gapMs` at `now`, when the pod answered (or the proxy gave up waiting):
   * the pod counts the read when it handles it, so a slow read must not let the next one in
   * early. Only the claim with this `claimId` is renewed.
   */
  renewRead(sessionKey: string, userId: string, claimId: string, now: number, gapMs: number): Promise<void>;
  /**
   * Gives back a claim whose read never counted at the pod (the pod refused the request). Only the
   * claim with this `claimId` is released: a newer claim of the same pair stays.
   */
  releaseRead(sessionKey: string, userId: string, claimId: string): Promise<void>;
  /**
   * Counts one registration request of a session: succeeds while the session has made fewer
   * than `limit` in the current `windowMs`.
   */
  takeRegistration(sessionKey: string, now: number, limit: number, windowMs: number): Promise<TakeRegistrationResult>;
  /** Records that the pod accepted an interest registration of `userIds`, live for `ttlMs` from `now`. */
  recordRegistration(sessionKey: string, userIds: readonly string[], now: number, ttlMs: number): Promise<void>;
  /** True while a registration of `userId` recorded for the session is live at `now`. */
  isRegistered(sessionKey: string, userId: string, now: number): Promise<boolean>;
  /** The session user's tenant (pod) id, when known and not older than its `ttlMs`. */
  getTenant(sessionKey: string, now: number): Promise<number | undefined>;
  /** Caches the session user's tenant id for `ttlMs`. */
  setTenant(sessionKey: string, tenant: number, now: number, ttlMs: number): Promise<void>;
}
