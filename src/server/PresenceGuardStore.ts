/** Result of {@link PresenceGuardStore.claimRead}. */
export type ClaimReadResult =
  /** The read may go ahead. `claimId` identifies this claim for {@link PresenceGuardStore.releaseRead}. */
  | { readonly ok: true; readonly claimId: string }
  /** The same session read the same user too recently; try again in `retryAfterMs`. */
  | { readonly ok: false; readonly retryAfterMs: number };

/**
 * Where the proxy's guard keeps its state: who read which external user when, which
 * registrations are live, and each session's tenant. Sessions are identified by `sessionKey`, a
 * hash of the session token (the raw token never reaches the store).
 *
 * Instances of a backend that share one store hold Symphony's limits together, so a
 * multi-instance backend needs a shared store such as {@link createRedisGuardStore}.
 */
export interface PresenceGuardStore {
  /**
   * Atomically checks and claims one read of `userId`'s presence by a session: succeeds when no
   * claim of the same pair is younger than `gapMs`, and then holds the pair for `gapMs`. Two
   * concurrent calls for the same pair must never both succeed.
   */
  claimRead(sessionKey: string, userId: string, now: number, gapMs: number): Promise<ClaimReadResult>;
  /**
   * Gives back a claim whose read never counted at the pod (the pod refused the request). Only the
   * claim with this `claimId` is released: a newer claim of the same pair stays.
   */
  releaseRead(sessionKey: string, userId: string, claimId: string): Promise<void>;
  /** Records that the pod accepted an interest registration of `userIds`, live for `ttlMs` from `now`. */
  recordRegistration(sessionKey: string, userIds: readonly string[], now: number, ttlMs: number): Promise<void>;
  /** True while a registration of `userId` recorded for the session is live at `now`. */
  isRegistered(sessionKey: string, userId: string, now: number): Promise<boolean>;
  /** The session user's tenant (pod) id, when known and not older than its `ttlMs`. */
  getTenant(sessionKey: string, now: number): Promise<number | undefined>;
  /** Caches the session user's tenant id for `ttlMs`. */
  setTenant(sessionKey: string, tenant: number, now: number, ttlMs: number): Promise<void>;
}
