import { PresenceApiError } from '../client';
import { LIST_LIMIT_MAX, makePresence, parseUserId, tenantOf, isLaterAnswer, type Presence, type UserId } from '../model';
import { acceptAnswer, clearFault } from './answers';
import { listingDue } from './budget';
import { retryDelay } from './options';
import { toApiError, withTimeout } from './requests';
import type { SyncState } from './SyncState';
import type { PodListing } from './types';

/** The key other tabs use to ask the leader for the pod-wide listing. */
export const LISTING_WANT = '#pod-listing';

const LISTING_ENDPOINT = 'GET /v2/users/presence';

interface ListingWaiter {
  resolve: (l: PodListing) => void;
  reject: (e: unknown) => void;
}

/**
 * The pod-wide listing (`GET /v2/users/presence`, usePresences source 'pod'): read at the
 * internal interval while retained, in one tab for all, with the same back-off and Retry-After
 * as every read. Every listed user's presence lands in the engine as if read one by one.
 */
export class PodListingPoller {
  #refs = 0;
  #listing: PodListing | undefined;
  #error: PresenceApiError | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inflight = false;
  #lastAt: number | undefined;
  #retryAt = 0;
  #failures = 0;
  readonly #waiters = new Set<ListingWaiter>();

  readonly #state: SyncState;

  constructor(state: SyncState) {
    this.#state = state;
  }

  get hasTimer(): boolean {
    return this.#timer !== undefined;
  }

  /** The last listing (undefined before the first). */
  get current(): PodListing | undefined {
    return this.#listing;
  }

  /** Keeps the listing read; `onWantsChange` runs when this tab starts or stops wanting it. */
  retain(onWantsChange: () => void): () => void {
    this.#refs += 1;
    if (this.#refs === 1) onWantsChange();
    this.schedule();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#refs -= 1;
      if (this.#refs === 0) onWantsChange();
      this.schedule();
    };
  }

  get(): { listing: PodListing | undefined; error: PresenceApiError | undefined } {
    return { listing: this.#listing, error: this.#error };
  }

  /** Whether this tab shows the listing or waits for it: other tabs' leader must read it. */
  get wanted(): boolean {
    return this.#refs > 0 || this.waiting;
  }

  /** Whether someone awaits the listing: reason to read it even from a hidden page. */
  get waiting(): boolean {
    return this.#waiters.size > 0;
  }

  /**
   * The listing for a query function: the known one at once, or the first one to arrive. A
   * waiter is reason enough to read it (a prefetch, a hidden page), as for a user's read.
   */
  read(signal: AbortSignal | undefined, onWantsChange: () => void): Promise<PodListing> {
    if (this.#error) return Promise.reject(this.#error);
    if (this.#listing) return Promise.resolve(this.#listing);
    return new Promise<PodListing>((resolve, reject) => {
      const waiter = { resolve, reject };
      this.#waiters.add(waiter);
      // A hidden tab that awaits the listing must say so, even when it already listed it.
      if (this.#waiters.size === 1) onWantsChange();
      signal?.addEventListener('abort', () => {
        if (!this.#waiters.delete(waiter)) return;
        reject(new PresenceApiError({ kind: 'aborted', status: 0, endpoint: LISTING_ENDPOINT }));
        if (this.#waiters.size === 0) onWantsChange();
        this.schedule();
      });
      this.schedule();
    });
  }

  schedule(remote?: Set<string>): void {
    const state = this.#state;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!state.started || state.destroyed || this.#inflight || !state.coordinator.isLeader()) return;
    if (!this.#isActive(remote)) return;
    const due = listingDue(this.#lastAt, this.#retryAt, state.options);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#poll();
    }, Math.max(0, due - state.now()));
  }

  /** Takes a listing asked for at `at`: each user's presence as if read one by one, then the summary. */
  apply(presences: readonly Presence[], at: number, share: boolean): void {
    const state = this.#state;
    const ids: UserId[] = [];
    const clean: Presence[] = [];
    for (const raw of presences) {
      const id = parseUserId(raw?.userId);
      if (!id || typeof raw.category !== 'string') continue;
      const presence = makePresence(id, raw.category, typeof raw.timestamp === 'number' ? raw.timestamp : undefined);
      ids.push(id);
      clean.push(presence);
      const entry = state.entry(id);
      const hadError = entry.error !== undefined;
      if (isLaterAnswer(entry.seenAt, at)) clearFault(entry);
      acceptAnswer(state, entry, presence, at, hadError, false);
    }
    const first = ids[0];
    this.#listing = { userIds: ids, homeTenant: first === undefined ? undefined : tenantOf(first), at };
    this.#error = undefined;
    for (const w of [...this.#waiters]) w.resolve(this.#listing);
    this.#waiters.clear();
    state.emit({ type: 'listing', listing: this.#listing });
    if (share) this.post(this.#listing, clean);
  }

  /** Sends the listing to the other tabs, with its users' presence (as known now, unless given; not when some are forgotten). */
  post(listing: PodListing, presences?: Presence[]): void {
    const state = this.#state;
    const out =
      presences ??
      listing.userIds.flatMap((id) => {
        const p = state.entries.get(id)?.presence;
        return p ? [p] : [];
      });
    // Other tabs learn the listed users from their presences: with some forgotten (swept) it would
    // read as a shorter listing. The leader reads it afresh for whoever asks, and shares that.
    if (out.length < listing.userIds.length) return;
    state.coordinator.post({ t: 'listing', at: listing.at, homeTenant: listing.homeTenant, presences: out });
  }

  /** Drops the timer and rejects whoever waits (the engine is destroyed). */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const aborted = new PresenceApiError({ kind: 'aborted', status: 0, endpoint: LISTING_ENDPOINT });
    for (const w of [...this.#waiters]) w.reject(aborted);
    this.#waiters.clear();
  }

  #isActive(remote = this.#state.remoteWants.visibleKeys()): boolean {
    return (this.#refs > 0 && this.#state.visible) || this.#waiters.size > 0 || remote.has(LISTING_WANT);
  }

  async #poll(): Promise<void> {
    const state = this.#state;
    if (this.#inflight || state.destroyed) return;
    this.#inflight = true;
    const at = state.now();
    this.#lastAt = at;
    state.emit({ type: 'request', kind: 'list', at });
    try {
      const presences = await withTimeout(state.options.requestTimeoutMs, (signal) =>
        state.client.listAllPresence({ limit: LIST_LIMIT_MAX, signal }),
      );
      if (state.destroyed) return;
      this.#failures = 0;
      this.#retryAt = 0;
      this.apply(presences, at, true);
    } catch (raw) {
      const error = toApiError(raw, LISTING_ENDPOINT);
      if (error.kind === 'aborted' || state.destroyed) return;
      this.#failures += 1;
      this.#retryAt = state.now() + retryDelay(error, this.#failures, state.options);
      this.#error = error;
      for (const w of [...this.#waiters]) w.reject(error);
      this.#waiters.clear();
      state.emit({ type: 'listing-error', error });
    } finally {
      this.#inflight = false;
      this.schedule();
    }
  }
}
