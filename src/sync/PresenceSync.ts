/*
 * The engine's facade: it owns the public API and wires the parts, each the one answer to a
 * question: ./budget (when may a key be read), ./ReadScheduler (when is it read, and what an
 * answer or a failure does), ./answers (how an answer is shown), ./Registrations (interest),
 * ./OwnPresenceWriter (sets), ./TabSharing (other tabs), ./BatchReader, ./PodListingPoller,
 * ./Sessions (sessions and reloads), ./Sweeper (housekeeping). They share ./SyncState.
 */
import { PresenceApiError, type SymphonyClient } from '../client';
import { toUserId, type CategoryValue, type Presence, type UserId, type UserIdInput } from '../model';
import { BatchReader } from './BatchReader';
import { HUB_FEED, type HubSourceWithFeed } from './hubFeedKey';
import { resolveSyncOptions, type ResolvedSyncOptions } from './options';
import { OwnPresenceWriter } from './OwnPresenceWriter';
import { createSessionStoragePersistence } from './persistence';
import { PodListingPoller } from './PodListingPoller';
import type { PresenceKey } from './presenceKey';
import { ReadScheduler } from './ReadScheduler';
import { Registrations } from './Registrations';
import { Sessions } from './Sessions';
import { Sweeper } from './Sweeper';
import { SyncState, type Waiter } from './SyncState';
import { TabSharing } from './TabSharing';
import { createLocalCoordinator } from './TabCoordinator';
import type {
  PodListing,
  PresenceEntryState,
  PresenceSyncConfig,
  SyncEvent,
  SyncStats,
  VisibilitySource,
} from './types';

const documentVisibility: VisibilitySource = {
  isVisible: () => typeof document === 'undefined' || document.visibilityState !== 'hidden',
  subscribe(listener) {
    if (typeof document === 'undefined') return () => {};
    document.addEventListener('visibilitychange', listener);
    return () => document.removeEventListener('visibilitychange', listener);
  },
};

const READ_ENDPOINT = 'presence read';

/**
 * The framework-free core: decides when each user's presence is read, spends Symphony's budget
 * (one external read per 5 minutes, registered interest first), batches registrations, backs
 * off on faults, orders writes, and shares one poller between tabs. React hooks only retain keys
 * and read results.
 */
export class PresenceSync {
  readonly options: ResolvedSyncOptions;
  readonly client: SymphonyClient;
  readonly #coordinatorSource: PresenceSyncConfig['coordinator'];
  readonly #visibility: VisibilitySource;
  readonly #cleanups: Array<() => void> = [];
  readonly #state: SyncState;
  readonly #registrations: Registrations;
  readonly #sessions: Sessions;
  readonly #batch: BatchReader;
  readonly #writer: OwnPresenceWriter;
  readonly #listing: PodListingPoller;
  readonly #sweeper: Sweeper;
  readonly #reads: ReadScheduler;
  readonly #tabs: TabSharing;

  /**
   * Creates an engine without side effects (safe in render and in StrictMode's double calls);
   * nothing is read, listened to or shared until {@link start}.
   */
  constructor(client: SymphonyClient, config: PresenceSyncConfig = {}) {
    this.client = client;
    this.options = resolveSyncOptions(config);
    this.#coordinatorSource = config.coordinator;
    this.#visibility = config.visibility ?? documentVisibility;
    const state = new SyncState(
      client,
      this.options,
      {
        rescheduleAll: () => this.#reads.rescheduleAll(),
        updateIdentity: () => this.#sessions.updateIdentity(),
        persistSoon: () => this.#sessions.persistSoon(),
        checkSession: () => this.#sessions.checkSession(),
      },
      { coordinator: createLocalCoordinator(), visible: this.#visibility.isVisible(), selfTenant: config.selfTenant },
    );
    this.#state = state;
    const persistence =
      config.persistence === false || client.toKey ? undefined : (config.persistence ?? createSessionStoragePersistence());
    this.#registrations = new Registrations(state);
    this.#sessions = new Sessions(state, this.#registrations, persistence);
    this.#batch = new BatchReader(state);
    this.#writer = new OwnPresenceWriter(state);
    this.#listing = new PodListingPoller(state);
    this.#sweeper = new Sweeper(state, this.#registrations);
    this.#reads = new ReadScheduler(state, {
      registrations: this.#registrations,
      sessions: this.#sessions,
      batch: this.#batch,
      writer: this.#writer,
      listing: this.#listing,
      sweeper: this.#sweeper,
    });
    this.#tabs = new TabSharing(state, this.#reads, this.#registrations, this.#listing);
    if (config.source && !client.toKey) {
      const source: HubSourceWithFeed = config.source;
      const feed = source[HUB_FEED];
      if (!feed) throw new TypeError('presence-widgets: `source` must be made by createHubSource');
      state.hub = feed(state, this.#reads, source);
    }
  }

  /** Starts polling what is retained, listening to visibility and to other tabs. Idempotent. */
  start(): this {
    const state = this.#state;
    if (state.started || state.destroyed) return this;
    state.started = true;
    // Keys from a client's own `toKey` table (Graph GUIDs) mean nothing to another tab's client,
    // and shared presences would lose their Graph details, so such sources stay in this tab.
    const source = this.client.toKey ? undefined : this.#coordinatorSource;
    state.coordinator = (typeof source === 'function' ? source() : source) ?? state.coordinator;
    const coordinator = state.coordinator;
    state.visible = this.#visibility.isVisible();
    this.#cleanups.push(
      this.#visibility.subscribe(() => {
        const now = this.#visibility.isVisible();
        if (now === state.visible) return;
        state.visible = now;
        this.#tabs.announceWants();
        this.#reads.rescheduleAll();
      }),
      coordinator.onMessage((m) => this.#tabs.onMessage(m)),
      coordinator.onLeadershipChange((leader) => {
        this.#tabs.onLeadership(leader);
        state.hub?.lead(leader);
      }),
    );
    const stopPageHide = this.#sessions.listenForPageHide();
    if (stopPageHide) this.#cleanups.push(stopPageHide);
    coordinator.post({ t: 'hello', tab: coordinator.tabId });
    if (!coordinator.isLeader()) {
      this.#tabs.startWantRefresh();
      this.#tabs.announceWants();
    }
    this.#sessions.restoreEarly();
    state.hub?.lead(coordinator.isLeader());
    this.#reads.rescheduleAll();
    return this;
  }

  /** True after {@link destroy}. */
  get isDestroyed(): boolean {
    return this.#state.destroyed;
  }

  /** Listens to presence, error and request events. */
  subscribe(listener: (event: SyncEvent) => void): () => void {
    this.#state.listeners.add(listener);
    return () => void this.#state.listeners.delete(listener);
  }

  /**
   * Normalises a key: `'self'` or a validated user id (through the client's `toKey` when it has
   * one, e.g. Graph GUIDs). Throws `InvalidUserIdError` (or the client's own id error).
   */
  keyOf(userId?: UserIdInput | 'self' | null): 'self' | UserId {
    if (userId === undefined || userId === null || userId === 'self') return 'self';
    return this.client.toKey ? this.client.toKey(userId) : toUserId(userId);
  }

  /**
   * Marks a user as shown. While retained (and the page visible) the user is polled within budget.
   * Returns the release function; StrictMode's double effects simply count up and down.
   */
  retain(key: PresenceKey): () => void {
    const state = this.#state;
    const entry = state.entry(key);
    entry.refs += 1;
    entry.lastUsedAt = state.now();
    if (entry.refs === 1) {
      this.#tabs.announceWants();
      if (state.needsInterest(key) && state.coordinator.isLeader()) this.#registrations.want(key);
      this.#reads.schedule(entry);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.refs -= 1;
      entry.lastUsedAt = state.now();
      if (entry.refs === 0) {
        this.#tabs.announceWants();
        this.#reads.schedule(entry);
        this.#sweeper.schedule();
      }
    };
  }

  /**
   * The user's presence for a query function: the known value at once, the current error if the
   * last read failed, or the first result once it arrives. Never reads the network ahead of budget.
   */
  read(key: PresenceKey, signal?: AbortSignal): Promise<Presence> {
    const state = this.#state;
    if (state.destroyed) {
      return Promise.reject(new PresenceApiError({ kind: 'aborted', status: 0, endpoint: READ_ENDPOINT }));
    }
    const entry = state.entry(key);
    entry.lastUsedAt = state.now();
    if (entry.error) return Promise.reject(entry.error);
    const shown = entry.optimistic ?? entry.presence;
    if (shown) return Promise.resolve(shown);
    return new Promise<Presence>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (p) => {
          cleanup();
          resolve(p);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      };
      const onAbort = () => {
        entry.waiters.delete(waiter);
        cleanup();
        reject(new PresenceApiError({ kind: 'aborted', status: 0, endpoint: READ_ENDPOINT }));
        this.#reads.schedule(entry);
        this.#sweeper.schedule();
      };
      const cleanup = () => signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort);
      entry.waiters.add(waiter);
      if (entry.waiters.size === 1) this.#tabs.announceWants();
      this.#reads.schedule(entry);
    });
  }

  /** Current known state, without side effects. */
  getState(key: PresenceKey): PresenceEntryState {
    const entry = this.#state.entries.get(key);
    return {
      presence: entry ? (entry.optimistic ?? entry.presence) : undefined,
      error: entry?.error,
      stopped: entry?.stopped ?? false,
      external: key === 'self' ? false : this.#state.externalGuess(key),
      lastReadAt: entry?.lastReadAt,
      nextReadAt: entry ? this.#state.nextDue(entry) : undefined,
    };
  }

  /** The key for reading a user with `?local=true` (only the pod's own users; others read OFFLINE). */
  localKeyOf(userId: UserIdInput): PresenceKey {
    return `local:${toUserId(userId)}`;
  }

  /**
   * Keeps the pod-wide listing (`GET /v2/users/presence`, pages of 5,000) read at the internal
   * interval, in one tab for all, with the same back-off and Retry-After as every read. Every
   * listed user's presence lands in the engine as if read one by one. Returns the release.
   */
  retainPodListing(): () => void {
    return this.#listing.retain(() => this.#tabs.announceWants());
  }

  /** The last listing, or its error, without side effects. */
  getPodListing(): { listing: PodListing | undefined; error: PresenceApiError | undefined } {
    return this.#listing.get();
  }

  /** The listing for a query function: the known one at once, or the first one to arrive. */
  readPodListing(signal?: AbortSignal): Promise<PodListing> {
    return this.#listing.read(signal, () => this.#tabs.announceWants());
  }

  /** True or false once the requesting user's tenant is known; `undefined` before. */
  isExternal(userId: UserIdInput): boolean | undefined {
    return this.#state.externalGuess(toUserId(userId));
  }

  /** The requesting user's id, once known. */
  get selfUserId(): UserId | undefined {
    return this.#state.selfId;
  }

  /** Starts polling a user again after a 403 or 404, within budget. */
  retry(key: PresenceKey): void {
    const entry = this.#state.entries.get(key);
    if (!entry) return;
    entry.stopped = false;
    entry.error = undefined;
    entry.reregistered = false;
    // A 403 may have come from a lapsed or lost registration: register afresh before reading.
    if (this.#state.needsInterest(key)) this.#registrations.forget(key);
    this.#reads.schedule(entry);
  }

  /**
   * Sets the requesting user's presence. Shown at once everywhere (optimistic); sets made while one
   * is in flight are coalesced so the pod ends with the last choice; on failure the display goes
   * back to the last confirmed state and the promise rejects.
   */
  setOwnPresence(input: { category: CategoryValue; soft?: boolean | undefined }): Promise<Presence> {
    return this.#writer.set(input);
  }

  stats(): SyncStats {
    let retained = 0;
    let timers = 0;
    for (const e of this.#state.entries.values()) {
      if (e.refs > 0) retained += 1;
      if (e.timer) timers += 1;
    }
    timers += this.#registrations.timerCount() + this.#tabs.timerCount();
    for (const part of [this.#sweeper, this.#batch, this.#listing]) if (part.hasTimer) timers += 1;
    return {
      entries: this.#state.entries.size,
      retained,
      timers,
      registrations: this.#registrations.size,
      remoteTabs: this.#state.remoteWants.size,
    };
  }

  /** Stops every timer and listener; pending reads reject as aborted. */
  destroy(): void {
    const state = this.#state;
    if (state.destroyed) return;
    state.destroyed = true;
    if (state.started) state.coordinator.post({ t: 'bye', tab: state.coordinator.tabId });
    for (const c of this.#cleanups.splice(0)) c();
    for (const e of state.entries.values()) {
      if (e.timer) clearTimeout(e.timer);
      e.timer = undefined;
      const aborted = new PresenceApiError({ kind: 'aborted', status: 0, endpoint: READ_ENDPOINT });
      for (const w of [...e.waiters]) w.reject(aborted);
      e.waiters.clear();
    }
    this.#sessions.flush();
    this.#registrations.stop();
    this.#tabs.stop();
    this.#sweeper.stop();
    this.#batch.stop();
    this.#listing.stop();
    state.hub?.stop();
    state.entries.clear();
    state.listeners.clear();
    state.coordinator.close();
  }
}
