import { randomUUID } from 'node:crypto';
import type { ClaimReadResult, PresenceGuardStore } from './PresenceGuardStore';

/** Options of {@link createMemoryGuardStore}. */
export interface MemoryGuardStoreOptions {
  /**
   * Expired entries are dropped during the first call after this much time has passed since the
   * last sweep, so the store does not grow with every user ever read.
   * @default 60000
   */
  sweepIntervalMs?: number | undefined;
}

/** Entry counts of a {@link MemoryGuardStore}, for monitoring and tests. */
export interface MemoryGuardStoreSize {
  readonly reads: number;
  readonly registrations: number;
  readonly tenants: number;
}

/** The in-memory {@link PresenceGuardStore}, with entry counts. */
export interface MemoryGuardStore extends PresenceGuardStore {
  /** Entries held now, expired ones included until the next sweep. */
  size(): MemoryGuardStoreSize;
}

interface Claim {
  readonly claimId: string;
  readonly until: number;
}

// NUL cannot occur in a hash or a user id, so the pair key is unambiguous.
const pair = (sessionKey: string, userId: string): string => `${sessionKey}\u0000${userId}`;

/**
 * The default guard store: state in this process's memory. Correct for a single backend
 * instance; behind a load balancer each instance would hold its own count, so use
 * {@link createRedisGuardStore} there. State is lost on restart (the browser's sync engine
 * re-registers within the hour).
 *
 * Claims are atomic because each operation runs to completion without awaiting anything.
 */
export function createMemoryGuardStore(options: MemoryGuardStoreOptions = {}): MemoryGuardStore {
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  const reads = new Map<string, Claim>();
  const registrations = new Map<string, number>();
  const tenants = new Map<string, { tenant: number; until: number }>();
  let lastSweep = Number.NEGATIVE_INFINITY;

  function sweep(now: number): void {
    if (now - lastSweep < sweepIntervalMs) return;
    lastSweep = now;
    for (const [key, claim] of reads) if (claim.until <= now) reads.delete(key);
    for (const [key, until] of registrations) if (until <= now) registrations.delete(key);
    for (const [key, entry] of tenants) if (entry.until <= now) tenants.delete(key);
  }

  return {
    async claimRead(sessionKey, userId, now, gapMs): Promise<ClaimReadResult> {
      sweep(now);
      const key = pair(sessionKey, userId);
      const held = reads.get(key);
      if (held && held.until > now) return { ok: false, retryAfterMs: held.until - now };
      const claimId = randomUUID();
      reads.set(key, { claimId, until: now + gapMs });
      return { ok: true, claimId };
    },

    async releaseRead(sessionKey, userId, claimId) {
      const key = pair(sessionKey, userId);
      if (reads.get(key)?.claimId === claimId) reads.delete(key);
    },

    async recordRegistration(sessionKey, userIds, now, ttlMs) {
      sweep(now);
      for (const id of userIds) registrations.set(pair(sessionKey, id), now + ttlMs);
    },

    async isRegistered(sessionKey, userId, now) {
      sweep(now);
      const until = registrations.get(pair(sessionKey, userId));
      return until !== undefined && until > now;
    },

    async getTenant(sessionKey, now) {
      sweep(now);
      const entry = tenants.get(sessionKey);
      return entry && entry.until > now ? entry.tenant : undefined;
    },

    async setTenant(sessionKey, tenant, now, ttlMs) {
      sweep(now);
      tenants.set(sessionKey, { tenant, until: now + ttlMs });
    },

    size() {
      return { reads: reads.size, registrations: registrations.size, tenants: tenants.size };
    },
  };
}
