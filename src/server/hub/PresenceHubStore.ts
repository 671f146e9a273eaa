/**
 * Where hub nodes meet: leases that let one node of the cluster read a user per interval, the
 * last known presence for new subscribers, and a publish/subscribe bus that fans a read out to
 * every node. {@link createMemoryHubStore} serves one process; {@link createRedisHubStore}
 * serves several nodes through Redis.
 *
 * A store may fail (Redis restarting): the hub then keeps its viewers served from the node's
 * own reads and memory, and a lease taken during the outage may be taken again by another node
 * once Redis is back (one duplicate read at most per interval).
 */
export interface PresenceHubStore {
  /**
   * Takes `key` for `ttlMs` when nobody holds it (`SET key owner NX PX ttl`). True when this
   * caller got it, or already held it as `owner` (so asking again after a timeout is safe). Keys
   * name a user and an interval, so a lease is never renewed, only taken.
   */
  takeLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives a lease back when it is still `owner`'s (a failed read may be tried again at once). */
  releaseLease(key: string, owner: string): Promise<void>;
  /** Values of `keys` (null where missing). */
  getMany(keys: readonly string[]): Promise<Array<string | null>>;
  /** Sets `key` to `value` for `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sends `message` to every subscriber of `channel`, on every node. */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Calls `listener` with every message published on `channel` (by any node, this one included)
   * until the returned function is called.
   */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
}
