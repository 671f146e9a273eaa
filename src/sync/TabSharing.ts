import { PresenceApiError } from '../client';
import { isLaterAnswer, makePresence, parseUserId, type Presence } from '../model';
import { acceptAnswer, clearFault, failEntry } from './answers';
import { summarizeError, type SharedEntry, type SyncMessage } from './messages';
import { LISTING_WANT, type PodListingPoller } from './PodListingPoller';
import { isRegistrable, parsePresenceKey, type PresenceKey } from './presenceKey';
import type { ReadScheduler } from './ReadScheduler';
import type { Registrations } from './Registrations';
import { WANT_REFRESH_MS } from './RemoteWants';
import type { SyncState } from './SyncState';

/**
 * Other tabs: one tab (the leader) polls for all. Followers announce what they show; the leader
 * shares every read, registration, answer and error, and a new leader takes over the budget the
 * old one spent. The transport is a `TabCoordinator`.
 */
export class TabSharing {
  #wantTimer: ReturnType<typeof setTimeout> | undefined;
  #wantRefreshTimer: ReturnType<typeof setInterval> | undefined;

  readonly #state: SyncState;
  readonly #reads: ReadScheduler;
  readonly #registrations: Registrations;
  readonly #listing: PodListingPoller;

  constructor(state: SyncState, reads: ReadScheduler, registrations: Registrations, listing: PodListingPoller) {
    this.#state = state;
    this.#reads = reads;
    this.#registrations = registrations;
    this.#listing = listing;
  }

  timerCount(): number {
    return (this.#wantTimer ? 1 : 0) + (this.#wantRefreshTimer ? 1 : 0);
  }

  /** Tells the leader, soon, what this follower shows. */
  announceWants(): void {
    const state = this.#state;
    if (!state.started || state.coordinator.isLeader() || this.#wantTimer || state.destroyed) return;
    // Coalesce the burst of retains a render makes into one message.
    this.#wantTimer = setTimeout(() => {
      this.#wantTimer = undefined;
      if (state.coordinator.isLeader() || state.destroyed) return;
      state.coordinator.post({
        t: 'want',
        tab: state.coordinator.tabId,
        keys: this.#localWantedKeys(),
        visible:
          state.visible ||
          this.#listing.waiting ||
          this.#localWantedKeys().some((k) => (state.entries.get(k as PresenceKey)?.waiters.size ?? 0) > 0),
      });
    }, 0);
  }

  /** Repeats the wish list, so that a leader that missed it (or a new one) learns it. */
  startWantRefresh(): void {
    if (this.#wantRefreshTimer) return;
    this.#wantRefreshTimer = setInterval(() => this.announceWants(), WANT_REFRESH_MS);
  }

  onLeadership(leader: boolean): void {
    const state = this.#state;
    if (state.destroyed) return;
    if (leader) {
      this.#stopAnnouncing();
      this.#registrations.wantPending();
      for (const e of state.entries.values()) {
        if ((e.refs > 0 || e.waiters.size > 0) && state.needsInterest(e.key)) {
          this.#registrations.want(e.key);
        }
      }
      this.#reads.rescheduleAll();
    } else {
      this.#reads.cancelAll();
      this.#registrations.stopRenewal();
      this.startWantRefresh();
      this.announceWants();
    }
  }

  onMessage(message: SyncMessage): void {
    const state = this.#state;
    if (state.destroyed || !message || typeof message !== 'object') return;
    const leader = state.coordinator.isLeader();
    switch (message.t) {
      case 'want': {
        state.remoteWants.set(message.tab, message.keys, message.visible, state.now());
        state.remoteWants.expire(state.now());
        if (leader) {
          for (const raw of message.keys) {
            const key = parsePresenceKey(raw);
            if (!key) continue;
            const entry = state.entry(key);
            // The error, when the last read failed: the presence before it would clear the
            // follower's copy of that error (it is not older by its own time).
            if (entry.error) state.coordinator.post({ t: 'error', key: entry.key, error: summarizeError(entry.error) });
            else if (entry.presence) state.coordinator.post({ t: 'presence', key: entry.key, presence: entry.presence, at: entry.seenAt });
            if (state.needsInterest(key)) this.#registrations.want(key);
          }
          const listing = this.#listing.current;
          if (message.keys.includes(LISTING_WANT) && listing) this.#listing.post(listing);
          this.#reads.rescheduleAll();
        }
        break;
      }
      case 'bye':
        state.remoteWants.delete(message.tab);
        if (leader) this.#reads.rescheduleAll();
        break;
      case 'read': {
        const key = parsePresenceKey(message.key);
        if (!key) return;
        const entry = state.entry(key);
        entry.lastReadAt = Math.max(entry.lastReadAt ?? 0, message.at);
        break;
      }
      case 'registered':
        this.#registrations.recordShared(message.ids, message.at, message.session);
        break;
      case 'presence':
        this.#acceptShared(message.key, message.presence, message.at);
        break;
      case 'listing':
        if (!leader && Array.isArray(message.presences) && typeof message.at === 'number') {
          this.#listing.apply(message.presences, message.at, false);
        }
        break;
      case 'error': {
        const entry = state.entries.get(message.key as PresenceKey);
        if (!entry || leader) return;
        failEntry(state, entry, new PresenceApiError(message.error), false);
        break;
      }
      case 'hello':
        if (leader) state.coordinator.post({ t: 'state', entries: this.#sharedEntries() });
        break;
      case 'state':
        for (const shared of message.entries) {
          if (shared.lastReadAt !== undefined) this.onMessage({ t: 'read', key: shared.key, at: shared.lastReadAt });
          if (shared.registeredAt !== undefined) {
            this.onMessage({ t: 'registered', ids: [shared.key], at: shared.registeredAt, session: shared.registeredSession });
          }
          if (shared.presence) this.#acceptShared(shared.key, shared.presence, shared.seenAt);
        }
        break;
      default:
        break;
    }
  }

  /** Drops both timers (the engine is destroyed). */
  stop(): void {
    this.#stopAnnouncing();
  }

  #stopAnnouncing(): void {
    if (this.#wantRefreshTimer) clearInterval(this.#wantRefreshTimer);
    this.#wantRefreshTimer = undefined;
    if (this.#wantTimer) clearTimeout(this.#wantTimer);
    this.#wantTimer = undefined;
  }

  #localWantedKeys(): string[] {
    const keys: string[] = [];
    for (const e of this.#state.entries.values()) if (e.refs > 0 || e.waiters.size > 0) keys.push(e.key);
    if (this.#listing.wanted) keys.push(LISTING_WANT);
    return keys;
  }

  #acceptShared(rawKey: string, presence: Presence, at: number | undefined): void {
    const state = this.#state;
    const key = parsePresenceKey(rawKey);
    if (!key || !presence || typeof presence.category !== 'string') return;
    const id = parseUserId(presence.userId);
    if (!id) return;
    const clean = makePresence(id, presence.category, typeof presence.timestamp === 'number' ? presence.timestamp : undefined);
    const entry = state.entry(key);
    if (key === 'self') state.learnSelf(clean);
    // A tab of an older version sends no time: take it as just asked.
    const askedAt = typeof at === 'number' && Number.isFinite(at) ? at : state.now();
    if (!isLaterAnswer(entry.seenAt, askedAt)) return;
    const hadError = entry.error !== undefined;
    clearFault(entry);
    acceptAnswer(state, entry, clean, askedAt, hadError, false);
  }

  #sharedEntries(): SharedEntry[] {
    const out: SharedEntry[] = [];
    for (const e of this.#state.entries.values()) {
      out.push({
        key: e.key,
        presence: e.presence,
        lastReadAt: e.lastReadAt,
        seenAt: e.seenAt,
        registeredAt: isRegistrable(e.key) ? this.#registrations.registeredAtOf(e.key) : undefined,
        registeredSession: this.#registrations.session,
      });
    }
    return out;
  }
}
