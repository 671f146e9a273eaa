import { randomUUID } from 'node:crypto';
import type { ClaimReadResult, PresenceGuardStore, TakeRegistrationResult } from './PresenceGuardStore';

/** Options of {@link createMemoryGuardStore}. */
export interface MemoryGuardStoreOptions {
  /**
   * Expired entries are dropped during the first call after this much time has passed since the
   * last sweep, so the store does not grow with every user ever read.
   * @default 60000
   */
  sweepIntervalMs?: number | undefined;
  /**
   * Most registrations, and separately most read claims, kept for one session. Past it the
   * session's least recently used registration is forgotten (its next read gets 428 until the
   * browser registers again) and a new read claim is refused (429) until one expires.
   * @default 10000
   */
  maxEntriesPerSession?: number | undefined;
  /**
   * Most entries (registrations, read claims, tenants) kept in all. Past it the registrations
   * and tenants of the least recently active sessions are forgotten first; live read claims
   * never are: a claim that finds no room is refused.
   * @default 200000
   */
  maxEntries?: number | undefined;
}

/** Entry counts of a {@link MemoryGuardStore}, for monitoring and tests. */
export interface MemoryGuardStoreSize {
  readonly reads: number;
  readonly registrations: number;
  readonly tenants: number;
  readonly sessions: number;
}

/** The in-memory {@link PresenceGuardStore}, with entry counts. */
export interface MemoryGuardStore extends PresenceGuardStore {
  /** Entries held now, expired ones included until the next sweep. */
  size(): MemoryGuardStoreSize;
}

interface Claim {
  readonly claimId: string;
  until: number;
}

interface SessionState {
  /** Registration expiry by user id, least recently used first. */
  readonly regs: Map<string, number>;
  readonly reads: Map<string, Claim>;
  tenant: { readonly tenant: number; readonly until: number } | undefined;
  window: { readonly start: number; count: number } | undefined;
}

function positiveOption(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1) throw new RangeError(`createMemoryGuardStore: ${name} must be a positive number`);
  return Math.floor(value);
}

/**
 * The default guard store: state in this process's memory. Correct for a single backend
 * instance; behind a load balancer each instance would hold its own count, so use
 * {@link createRedisGuardStore} there. State is lost on restart (the browser's sync engine
 * re-registers within the hour).
 *
 * Memory is bounded by `maxEntriesPerSession` and `maxEntries`; see {@link PresenceGuardStore}
 * for what is dropped first. Claims are atomic because each operation runs to completion
 * without awaiting anything.
 */
export function createMemoryGuardStore(options: MemoryGuardStoreOptions = {}): MemoryGuardStore {
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  const perSession = positiveOption(options.maxEntriesPerSession, 10_000, 'maxEntriesPerSession');
  const maxEntries = positiveOption(options.maxEntries, 200_000, 'maxEntries');
  // Least recently active session first.
  const sessions = new Map<string, SessionState>();
  const count = { reads: 0, registrations: 0, tenants: 0 };
  let lastSweep = Number.NEGATIVE_INFINITY;

  const total = () => count.reads + count.registrations + count.tenants;

  function dropRead(state: SessionState, userId: string): void {
    if (state.reads.delete(userId)) count.reads--;
  }

  function dropRegistration(state: SessionState, userId: string): void {
    if (state.regs.delete(userId)) count.registrations--;
  }

  function dropTenant(state: SessionState): void {
    if (!state.tenant) return;
    state.tenant = undefined;
    count.tenants--;
  }

  function dropExpired(key: string, state: SessionState, now: number): void {
    for (const [id, claim] of state.reads) if (claim.until <= now) dropRead(state, id);
    for (const [id, until] of state.regs) if (until <= now) dropRegistration(state, id);
    if (state.tenant && state.tenant.until <= now) dropTenant(state);
    if (state.window && now - state.window.start >= 60 * 60_000) state.window = undefined;
    if (state.reads.size === 0 && state.regs.size === 0 && !state.tenant && !state.window) sessions.delete(key);
  }

  function sweep(now: number): void {
    if (now - lastSweep < sweepIntervalMs) return;
    lastSweep = now;
    for (const [key, state] of sessions) dropExpired(key, state, now);
  }

  /** The session's state, made the most recently active. */
  function touch(sessionKey: string): SessionState {
    let state = sessions.get(sessionKey);
    if (state) sessions.delete(sessionKey);
    else state = { regs: new Map(), reads: new Map(), tenant: undefined, window: undefined };
    sessions.set(sessionKey, state);
    return state;
  }

  /** Forgets registrations and tenants of the least recently active sessions until there is room. */
  function makeRoom(now: number, keep: SessionState): void {
    if (total() < maxEntries) return;
    for (const [key, state] of sessions) {
      if (state === keep) continue;
      for (const id of state.regs.keys()) {
        if (total() < maxEntries) break;
        dropRegistration(state, id);
      }
      if (total() >= maxEntries) dropTenant(state);
      dropExpired(key, state, now);
      if (total() < maxEntries) return;
    }
    // Only the active session's own registrations are left to give up.
    for (const id of keep.regs.keys()) {
      if (total() < maxEntries) return;
      dropRegistration(keep, id);
    }
  }

  return {
    async claimRead(sessionKey, userId, now, gapMs): Promise<ClaimReadResult> {
      sweep(now);
      const state = touch(sessionKey);
      const held = state.reads.get(userId);
      if (held && held.until > now) return { ok: false, retryAfterMs: held.until - now };
      if (held) dropRead(state, userId);
      if (state.reads.size >= perSession) dropExpired(sessionKey, state, now);
      if (state.reads.size >= perSession) {
        // No claim is dropped to make room: that could let a read through early.
        let soonest = Number.POSITIVE_INFINITY;
        for (const claim of state.reads.values()) soonest = Math.min(soonest, claim.until);
        return { ok: false, retryAfterMs: Math.max(1, soonest - now) };
      }
      makeRoom(now, state);
      if (total() >= maxEntries) return { ok: false, retryAfterMs: gapMs };
      const claimId = randomUUID();
      state.reads.set(userId, { claimId, until: now + gapMs });
      count.reads++;
      return { ok: true, claimId };
    },

    async renewRead(sessionKey, userId, claimId, now, gapMs) {
      const claim = sessions.get(sessionKey)?.reads.get(userId);
      if (claim?.claimId === claimId) claim.until = Math.max(claim.until, now + gapMs);
    },

    async releaseRead(sessionKey, userId, claimId) {
      const state = sessions.get(sessionKey);
      if (state?.reads.get(userId)?.claimId === claimId) dropRead(state, userId);
    },

    async takeRegistration(sessionKey, now, limit, windowMs): Promise<TakeRegistrationResult> {
      sweep(now);
      const state = touch(sessionKey);
      if (!state.window || now - state.window.start >= windowMs) state.window = { start: now, count: 0 };
      if (state.window.count >= limit) return { ok: false, retryAfterMs: Math.max(1, state.window.start + windowMs - now) };
      state.window.count++;
      return { ok: true };
    },

    async recordRegistration(sessionKey, userIds, now, ttlMs) {
      sweep(now);
      const state = touch(sessionKey);
      for (const id of userIds) {
        dropRegistration(state, id);
        state.regs.set(id, now + ttlMs);
        count.registrations++;
      }
      // Least recently used first: the front of the map. One pass per call, not one per id:
      // a Map walks over the holes its deletions left at the front every time it is iterated.
      if (state.regs.size > perSession) {
        for (const id of state.regs.keys()) {
          if (state.regs.size <= perSession) break;
          dropRegistration(state, id);
        }
      }
      makeRoom(now, state);
    },

    async isRegistered(sessionKey, userId, now) {
      sweep(now);
      const state = sessions.get(sessionKey);
      const until = state?.regs.get(userId);
      if (!state || until === undefined || until <= now) return false;
      // A registration in use moves to the back, so the cap forgets unused ones first.
      state.regs.delete(userId);
      state.regs.set(userId, until);
      return true;
    },

    async getTenant(sessionKey, now) {
      sweep(now);
      const entry = sessions.get(sessionKey)?.tenant;
      return entry && entry.until > now ? entry.tenant : undefined;
    },

    async setTenant(sessionKey, tenant, now, ttlMs) {
      sweep(now);
      const state = touch(sessionKey);
      if (!state.tenant) count.tenants++;
      state.tenant = { tenant, until: now + ttlMs };
      makeRoom(now, state);
    },

    size() {
      return { ...count, sessions: sessions.size };
    },
  };
}
