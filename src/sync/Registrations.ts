import type { PresenceApiError } from '../client';
import { INTEREST_TTL_MS, parseUserId, type UserId } from '../model';
import { retryDelay, type ResolvedSyncOptions } from './options';
import { toApiError } from './requests';
import type { SyncState } from './SyncState';

/** Registrations are treated as lapsed a minute early: the pod's clock started at receipt. */
export const INTEREST_MARGIN_MS = 60_000;

/** Whether interest registered at `at` still holds at `now` (SYM-RI-4: it lasts one hour). */
export function isInterestLive(at: number | undefined, now: number): boolean {
  return at !== undefined && now < at + INTEREST_TTL_MS - INTEREST_MARGIN_MS;
}

/** Whether interest registered at `at` is due for renewal (or was never registered). */
export function isRenewalDue(
  at: number | undefined,
  now: number,
  options: Pick<ResolvedSyncOptions, 'registrationRenewMs' | 'registrationWindowMs'>,
): boolean {
  return at === undefined || now >= at + options.registrationRenewMs - options.registrationWindowMs;
}

interface RegistrationWaiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Interest registration (POST /v1/user/presence/register): external users are registered before
 * their first read, in batches of the registration window, renewed while shown, and registered
 * again under a new session, since registrations belong to the session that made them (SYM-RI-8).
 */
export class Registrations {
  readonly #registeredAt = new Map<UserId, number>();
  /** The session the registrations in `registeredAt` were made under. */
  #registeredSession: string | undefined;
  readonly #pending = new Set<UserId>();
  readonly #waiters = new Map<UserId, RegistrationWaiter[]>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  #retryAt = 0;
  #failures = 0;

  readonly #state: SyncState;

  constructor(state: SyncState) {
    this.#state = state;
  }

  /** How many users are registered. */
  get size(): number {
    return this.#registeredAt.size;
  }

  /** The session the current registrations belong to. */
  get session(): string | undefined {
    return this.#registeredSession;
  }

  timerCount(): number {
    return (this.#timer ? 1 : 0) + (this.#renewTimer ? 1 : 0);
  }

  /** When `id` was last registered, if it was. */
  registeredAtOf(id: UserId): number | undefined {
    return this.#registeredAt.get(id);
  }

  /** Resolves once `id` is registered (at once when it is), rejects when registering fails. */
  ensure(id: UserId): Promise<void> {
    if (isInterestLive(this.#registeredAt.get(id), this.#state.now())) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const list = this.#waiters.get(id) ?? [];
      list.push({ resolve: () => resolve(), reject });
      this.#waiters.set(id, list);
      this.want(id);
    });
  }

  /** Queues `id` for the next registration request. */
  want(id: UserId): void {
    const state = this.#state;
    this.#pending.add(id);
    if (!state.started || this.#timer || state.destroyed) return;
    const delay = Math.max(state.options.registrationWindowMs, this.#retryAt - state.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#flush();
    }, delay);
  }

  /** Starts the timer for ids queued while it could not run (before start, in a follower). */
  wantPending(): void {
    for (const id of this.#pending) this.want(id);
  }

  /** Treats `id` as never registered (a 403 may come from a lost registration). */
  forget(id: UserId): void {
    this.#registeredAt.delete(id);
  }

  /** Takes registrations another tab made; those of another session replace ours. */
  recordShared(ids: readonly string[], at: number, session: string | undefined): void {
    if (session !== this.#registeredSession) {
      // Registrations of another session are no use to ours; the newest session's count.
      this.#registeredAt.clear();
      this.#registeredSession = session;
    }
    for (const raw of ids) {
      const id = parseUserId(raw);
      if (id && at > (this.#registeredAt.get(id) ?? -Infinity)) this.#registeredAt.set(id, at);
    }
  }

  /**
   * A new session registered nothing: drop the old session's registrations and register every
   * external user still shown again, in one request.
   */
  onSessionChange(session: string | undefined): void {
    const state = this.#state;
    if (this.#registeredSession === session || this.#registeredAt.size === 0) return;
    this.#registeredAt.clear();
    this.#registeredSession = session;
    if (!state.coordinator.isLeader()) return;
    const remote = state.remoteWants.visibleKeys();
    for (const e of state.entries.values()) {
      if (state.needsInterest(e.key) && (e.refs > 0 || remote.has(e.key) || e.waiters.size > 0)) {
        this.want(e.key);
      }
    }
  }

  /** Renews interest for external users still shown, before it lapses. */
  scheduleRenewal(): void {
    const state = this.#state;
    this.stopRenewal();
    if (!state.started || state.destroyed || !state.coordinator.isLeader()) return;
    const remote = state.remoteWants.visibleKeys();
    let earliest = Infinity;
    for (const [id, at] of this.#registeredAt) {
      // Ids already queued are renewed by that flush, which schedules the next renewal itself.
      if (this.#pending.has(id)) continue;
      const entry = state.entries.get(id);
      if (entry && (entry.refs > 0 || remote.has(id))) earliest = Math.min(earliest, at + state.options.registrationRenewMs);
    }
    if (earliest === Infinity) return;
    this.#renewTimer = setTimeout(
      () => {
        this.#renewTimer = undefined;
        const remoteNow = state.remoteWants.visibleKeys();
        for (const [id, at] of this.#registeredAt) {
          const entry = state.entries.get(id);
          if (entry && (entry.refs > 0 || remoteNow.has(id)) && isRenewalDue(at, state.now(), state.options)) this.want(id);
        }
        this.scheduleRenewal();
      },
      Math.max(0, earliest - state.now()),
    );
  }

  /** Stops renewing (this tab stopped leading; the new leader renews). */
  stopRenewal(): void {
    if (this.#renewTimer) clearTimeout(this.#renewTimer);
    this.#renewTimer = undefined;
  }

  /** Forgets registrations that lapsed for users the engine no longer holds. */
  prune(now: number): void {
    for (const [id, at] of this.#registeredAt) {
      if (now >= at + INTEREST_TTL_MS && !this.#state.entries.has(id)) this.#registeredAt.delete(id);
    }
  }

  /** Drops both timers (the engine is destroyed). */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.stopRenewal();
  }

  async #flush(): Promise<void> {
    const ids = [...this.#pending].filter((id) => {
      const at = this.#registeredAt.get(id);
      return !isInterestLive(at, this.#state.now()) || isRenewalDue(at, this.#state.now(), this.#state.options);
    });
    this.#pending.clear();
    const size = this.#state.options.registrationChunkSize;
    const chunks: UserId[][] = [];
    for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
    for (const chunk of chunks) await this.#registerChunk(chunk);
    this.scheduleRenewal();
  }

  async #registerChunk(chunk: UserId[], sessionRetries = 2): Promise<void> {
    const state = this.#state;
    if (chunk.length === 0 || state.destroyed) return;
    const at = state.now();
    state.emit({ type: 'request', kind: 'register', at, ids: chunk, external: true });
    try {
      const session = state.session;
      await state.client.registerInterest(chunk, { session });
      this.#failures = 0;
      if (session !== this.#registeredSession) {
        this.#registeredAt.clear();
        this.#registeredSession = session;
      }
      for (const id of chunk) this.#registeredAt.set(id, at);
      state.coordinator.post({ t: 'registered', ids: chunk, at, session });
      for (const id of chunk) this.#settle(id);
    } catch (raw) {
      const error = toApiError(raw, 'POST /v1/user/presence/register');
      if (error.kind === 'session-changed' && sessionRetries > 0) {
        // The token changed under us: register again, under the session that will read.
        try {
          await state.links.checkSession();
        } catch (failure) {
          for (const id of chunk) this.#settle(id, toApiError(failure, 'POST /v1/user/presence/register'));
          return;
        }
        await this.#registerChunk(chunk, sessionRetries - 1);
        return;
      }
      if ((error.kind === 'not-found' || error.kind === 'bad-request') && chunk.length > 1) {
        // One unknown id fails the whole list; halve it so the others still get registered.
        const half = Math.ceil(chunk.length / 2);
        await this.#registerChunk(chunk.slice(0, half));
        await this.#registerChunk(chunk.slice(half));
        return;
      }
      this.#failures += 1;
      this.#retryAt = state.now() + retryDelay(error, this.#failures, state.options);
      for (const id of chunk) this.#settle(id, error);
    }
  }

  #settle(id: UserId, error?: PresenceApiError): void {
    const waiters = this.#waiters.get(id);
    this.#waiters.delete(id);
    for (const w of waiters ?? []) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }
}
