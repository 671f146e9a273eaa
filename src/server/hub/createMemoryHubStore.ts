import type { PresenceHubStore } from './PresenceHubStore';

/** Options of {@link createMemoryHubStore}. */
export interface MemoryHubStoreOptions {
  /** Time source, ms since 1970 (tests pass a fake). @default Date.now */
  now?: (() => number) | undefined;
  /**
   * Most keys (leases and cached presences) kept; past it the ones closest to expiry go first.
   * @default 200000
   */
  maxEntries?: number | undefined;
}

/**
 * A {@link PresenceHubStore} in this process's memory: for a hub running as a single node (or
 * several hubs in one process sharing it, as tests do). Messages are delivered asynchronously
 * (on a microtask), as Redis would, so a publisher never re-enters its own listener.
 */
export function createMemoryHubStore(options: MemoryHubStoreOptions = {}): PresenceHubStore {
  const now = options.now ?? Date.now;
  const maxEntries = Math.max(1, Math.floor(options.maxEntries ?? 200_000));
  const values = new Map<string, { value: string; expiresAt: number }>();
  const channels = new Map<string, Set<(message: string) => void>>();

  const live = (key: string): string | null => {
    const entry = values.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= now()) {
      values.delete(key);
      return null;
    }
    return entry.value;
  };

  const put = (key: string, value: string, ttlMs: number): void => {
    values.delete(key);
    values.set(key, { value, expiresAt: now() + Math.max(1, ttlMs) });
    if (values.size <= maxEntries) return;
    const t = now();
    for (const [k, v] of values) if (v.expiresAt <= t) values.delete(k);
    // Still over: drop the oldest insertions (a lease lost early costs one duplicate read).
    for (const k of values.keys()) {
      if (values.size <= maxEntries) break;
      values.delete(k);
    }
  };

  return {
    async takeLease(key, owner, ttlMs) {
      const holder = live(key);
      if (holder !== null) return holder === owner;
      put(key, owner, ttlMs);
      return true;
    },
    async releaseLease(key, owner) {
      if (live(key) === owner) values.delete(key);
    },
    async getMany(keys) {
      return keys.map(live);
    },
    async set(key, value, ttlMs) {
      put(key, value, ttlMs);
    },
    async publish(channel, message) {
      const listeners = channels.get(channel);
      if (!listeners) return;
      for (const listener of [...listeners]) {
        queueMicrotask(() => {
          try {
            listener(message);
          } catch {
            // One node's failing listener must not stop delivery to the others.
          }
        });
      }
    },
    async subscribe(channel, listener) {
      let set = channels.get(channel);
      if (!set) channels.set(channel, (set = new Set()));
      // Wrapped so that subscribing the same function twice gives two independent subscriptions.
      const own = (message: string) => listener(message);
      set.add(own);
      return async () => {
        const current = channels.get(channel);
        current?.delete(own);
        if (current?.size === 0) channels.delete(channel);
      };
    },
  };
}
