import { PresenceApiError, isPresenceApiError, type SymphonyClient } from '../client';
import {
  INTEREST_TTL_MS,
  EXTERNAL_READ_GAP_MS,
  resolveSyncOptions,
  retryDelay,
  type PresenceSyncOptions,
  type ResolvedSyncOptions,
} from './options';
import { createLocalCoordinator, type TabCoordinator } from './TabCoordinator';
import { createSessionStoragePersistence, revivePresence, type PersistedEntry, type PresencePersistence } from './persistence';
import type { ErrorSummary, SharedEntry, SyncMessage } from './messages';
import {
  LIST_LIMIT_MAX,
  isLaterAnswer,
  isSamePresence,
  makePresence,
  parseUserId,
  tenantOf,
  toUserId,
  type CategoryValue,
  type Presence,
  type UserId,
  type UserIdInput,
} from '../model';

/**
 * `'self'` is the requesting user (GET /v2/user/presence); `local:<id>` a user read with
 * `?local=true`; any other key is a user id.
 */
export type PresenceKey = 'self' | UserId | `local:${UserId}`;

const LOCAL_PREFIX = 'local:';
/** The key other tabs use to ask the leader for the pod-wide listing. */
const LISTING_WANT = '#pod-listing';

function isLocalKey(key: PresenceKey): key is `local:${UserId}` {
  return key.startsWith(LOCAL_PREFIX);
}

/** The user a key is about; `undefined` for `'self'` (known only once read). */
function userOfKey(key: PresenceKey): UserId | undefined {
  if (key === 'self') return undefined;
  return isLocalKey(key) ? (key.slice(LOCAL_PREFIX.length) as UserId) : key;
}

/** Keys whose user needs registered interest when external: plain user ids. */
function isRegistrable(key: PresenceKey): key is UserId {
  return key !== 'self' && !isLocalKey(key);
}

/** A key from another tab or from storage, checked; `undefined` for anything else. */
export function parsePresenceKey(raw: unknown): PresenceKey | undefined {
  if (raw === 'self') return 'self';
  if (typeof raw !== 'string') return undefined;
  if (raw.startsWith(LOCAL_PREFIX)) {
    const id = parseUserId(raw.slice(LOCAL_PREFIX.length));
    return id === raw.slice(LOCAL_PREFIX.length) ? `local:${id}` : undefined;
  }
  return parseUserId(raw) === raw ? (raw as UserId) : undefined;
}

/** What the pod-wide listing last told: its users, and so which company is home. */
export interface PodListing {
  /** Users the listing held, sorted by id; users it leaves out are inactive. */
  readonly userIds: readonly UserId[];
  /** The pod's own tenant, read off the listing (undefined when it was empty). */
  readonly homeTenant: number | undefined;
  /** When the listing was asked for. */
  readonly at: number;
}

/** Whether the page is shown; hidden pages do not poll. */
export interface VisibilitySource {
  isVisible(): boolean;
  subscribe(listener: () => void): () => void;
}

export interface PresenceSyncConfig extends PresenceSyncOptions {
  /**
   * Cross-tab sharing, or a factory called by `start()`; defaults to a single local tab.
   * A factory returning `undefined` (APIs missing) also falls back to one local tab.
   */
  coordinator?: TabCoordinator | (() => TabCoordinator | undefined) | undefined;
  /** Page visibility; defaults to `document.visibilityState`. */
  visibility?: VisibilitySource | undefined;
  /**
   * Where the last known presence and the external budget survive a reload, per session; `false`
   * keeps nothing. Sources with their own keys (Graph) keep nothing either.
   * @default sessionStorage where the page has it
   */
  persistence?: PresencePersistence | false | undefined;
}

/** What the engine tells its listeners: new presence, a failure, or a request it made. */
export type SyncEvent =
  | { type: 'presence'; key: PresenceKey; presence: Presence }
  | { type: 'error'; key: PresenceKey; error: PresenceApiError }
  | { type: 'listing'; listing: PodListing }
  | { type: 'listing-error'; error: PresenceApiError }
  | {
      type: 'request';
      kind: 'read' | 'register' | 'set' | 'list';
      at: number;
      key?: PresenceKey | undefined;
      ids?: readonly UserId[] | undefined;
      external?: boolean | undefined;
    };

/** A user's state as the engine knows it. */
export interface PresenceEntryState {
  presence: Presence | undefined;
  error: PresenceApiError | undefined;
  /** Polling stopped after 403 or 404 until `retry(key)`. */
  stopped: boolean;
  external: boolean | undefined;
  lastReadAt: number | undefined;
  /** When the next read may happen (budget, Retry-After and backoff included). */
  nextReadAt: number | undefined;
}

/** Counters for leak tests and dashboards. */
export interface SyncStats {
  entries: number;
  retained: number;
  timers: number;
  registrations: number;
  remoteTabs: number;
}

interface Waiter {
  resolve: (p: Presence) => void;
  reject: (e: unknown) => void;
}

interface Entry {
  readonly key: PresenceKey;
  refs: number;
  presence: Presence | undefined;
  optimistic: Presence | undefined;
  error: PresenceApiError | undefined;
  stopped: boolean;
  lastReadAt: number | undefined;
  /** When the read behind `presence` was sent: later reads win, whatever their timestamps say. */
  seenAt: number | undefined;
  /** A 403 on an external read earned one fresh registration and one more read. */
  reregistered: boolean;
  retryAt: number;
  failures: number;
  inflight: Promise<void> | undefined;
  waiters: Set<Waiter>;
  timer: ReturnType<typeof setTimeout> | undefined;
  lastUsedAt: number;
}

interface WriteJob {
  category: CategoryValue;
  soft: boolean | undefined;
  seq: number;
}

const documentVisibility: VisibilitySource = {
  isVisible: () => typeof document === 'undefined' || document.visibilityState !== 'hidden',
  subscribe(listener) {
    if (typeof document === 'undefined') return () => {};
    document.addEventListener('visibilitychange', listener);
    return () => document.removeEventListener('visibilitychange', listener);
  },
};

const WANT_REFRESH_MS = 30_000;
/** Marks the engine's own request timeout apart from other aborts. */
const TIMED_OUT = new Error('presence read timed out');
const SET_ATTEMPTS = 3;
// Registrations are treated as lapsed a minute early: the pod's clock started at receipt.
const INTEREST_MARGIN_MS = 60_000;

function toApiError(error: unknown, endpoint: string): PresenceApiError {
  if (isPresenceApiError(error)) return error;
  return new PresenceApiError({ kind: 'invalid-response', status: 0, endpoint, cause: error });
}

function summarize(error: PresenceApiError): ErrorSummary {
  return {
    kind: error.kind,
    status: error.status,
    endpoint: error.endpoint,
    code: error.code,
    serverMessage: error.serverMessage,
    retryAfterMs: error.retryAfterMs,
  };
}

/**
 * The framework-free core: decides when each user's presence is read, spends Symphony's budget
 * (one external read per 5 minutes, registered interest first), batches registrations, backs
 * off on faults, orders writes, and shares one poller between tabs. React hooks only retain keys
 * and read results.
 */
export class PresenceSync {
  readonly options: ResolvedSyncOptions;
  readonly client: SymphonyClient;
  private coordinator: TabCoordinator;
  private readonly coordinatorSource: PresenceSyncConfig['coordinator'];
  private readonly visibility: VisibilitySource;
  private started = false;
  private readonly entries = new Map<PresenceKey, Entry>();
  private readonly listeners = new Set<(event: SyncEvent) => void>();
  private readonly cleanups: Array<() => void> = [];
  private selfTenant: number | undefined;
  private selfId: UserId | undefined;
  private visible: boolean;
  private destroyed = false;

  // Sessions: registrations belong to the session that made them (SYM-RI-8)
  private session: string | undefined;
  /** Whether the client was asked for its session once (clients without session keys: always). */
  private sessionKnown = false;
  private registeredSession: string | undefined;
  private identity: string | undefined;
  private readonly persistence: PresencePersistence | undefined;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;

  // Interest registration
  private readonly registeredAt = new Map<UserId, number>();
  private readonly pendingRegistration = new Set<UserId>();
  private readonly registrationWaiters = new Map<UserId, Waiter[]>();
  private registrationTimer: ReturnType<typeof setTimeout> | undefined;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  private registrationRetryAt = 0;
  private registrationFailures = 0;

  // The pod-wide listing (usePresences source 'pod'), read at the internal interval
  private listingRefs = 0;
  private listing: PodListing | undefined;
  private listingError: PresenceApiError | undefined;
  private listingTimer: ReturnType<typeof setTimeout> | undefined;
  private listingInflight = false;
  private listingLastAt: number | undefined;
  private listingRetryAt = 0;
  private listingFailures = 0;
  private readonly listingWaiters = new Set<{ resolve: (l: PodListing) => void; reject: (e: unknown) => void }>();

  // Batched reads (sources with getUsersPresence)
  private readonly batchQueue = new Map<UserId, Waiter[]>();
  private batchTimer: ReturnType<typeof setTimeout> | undefined;

  // Writes
  private writeSeq = 0;
  private lastWriteAt = 0;
  private pendingWrite: WriteJob | undefined;
  private writing = false;
  private readonly writeWaiters: Array<{ seq: number; resolve: (p: Presence) => void; reject: (e: unknown) => void }> = [];

  // Other tabs
  private readonly remoteWants = new Map<string, { keys: Set<string>; visible: boolean; at: number }>();
  private wantTimer: ReturnType<typeof setTimeout> | undefined;
  private wantRefreshTimer: ReturnType<typeof setInterval> | undefined;
  private sweepTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Creates an engine without side effects (safe in render and in StrictMode's double calls);
   * nothing is read, listened to or shared until {@link start}.
   */
  constructor(client: SymphonyClient, config: PresenceSyncConfig = {}) {
    this.client = client;
    this.options = resolveSyncOptions(config);
    this.selfTenant = config.selfTenant;
    this.coordinatorSource = config.coordinator;
    this.coordinator = createLocalCoordinator();
    this.visibility = config.visibility ?? documentVisibility;
    this.visible = this.visibility.isVisible();
    this.persistence =
      config.persistence === false || client.toKey ? undefined : (config.persistence ?? createSessionStoragePersistence());
  }

  /** Starts polling what is retained, listening to visibility and to other tabs. Idempotent. */
  start(): this {
    if (this.started || this.destroyed) return this;
    this.started = true;
    // Keys from a client's own `toKey` table (Graph GUIDs) mean nothing to another tab's client,
    // and shared presences would lose their Graph details, so such sources stay in this tab.
    const source = this.client.toKey ? undefined : this.coordinatorSource;
    this.coordinator = (typeof source === 'function' ? source() : source) ?? this.coordinator;
    this.visible = this.visibility.isVisible();
    this.cleanups.push(
      this.visibility.subscribe(() => {
        const now = this.visibility.isVisible();
        if (now === this.visible) return;
        this.visible = now;
        this.announceWants();
        this.rescheduleAll();
      }),
      this.coordinator.onMessage((m) => this.onMessage(m)),
      this.coordinator.onLeadershipChange((leader) => this.onLeadership(leader)),
    );
    if (this.persistence && typeof addEventListener === 'function') {
      // The budget spent just before a reload must reach storage before the page goes.
      const flush = () => this.persistNow();
      addEventListener('pagehide', flush);
      this.cleanups.push(() => removeEventListener('pagehide', flush));
    }
    this.coordinator.post({ t: 'hello', tab: this.coordinator.tabId });
    if (!this.coordinator.isLeader()) {
      this.startWantRefresh();
      this.announceWants();
    }
    // With a token in the browser the session is known at once, so a reload restores before
    // anything is read; behind a proxy it is known after the own presence.
    if (this.persistence && this.client.sessionKey) void this.checkSession().catch(() => undefined);
    this.rescheduleAll();
    return this;
  }

  /** True after {@link destroy}. */
  get isDestroyed(): boolean {
    return this.destroyed;
  }

  // ---------------------------------------------------------------- public API

  /** Listens to presence, error and request events. */
  subscribe(listener: (event: SyncEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
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
    const entry = this.entry(key);
    entry.refs += 1;
    entry.lastUsedAt = this.now();
    if (entry.refs === 1) {
      this.announceWants();
      if (isRegistrable(key) && this.externalGuess(key) === true && this.coordinator.isLeader()) this.wantRegistration(key);
      this.schedule(entry);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.refs -= 1;
      entry.lastUsedAt = this.now();
      if (entry.refs === 0) {
        this.announceWants();
        this.schedule(entry);
        this.scheduleSweep();
      }
    };
  }

  /**
   * The user's presence for a query function: the known value at once, the current error if the
   * last read failed, or the first result once it arrives. Never reads the network ahead of budget.
   */
  read(key: PresenceKey, signal?: AbortSignal): Promise<Presence> {
    if (this.destroyed) {
      return Promise.reject(new PresenceApiError({ kind: 'aborted', status: 0, endpoint: 'presence read' }));
    }
    const entry = this.entry(key);
    entry.lastUsedAt = this.now();
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
        reject(new PresenceApiError({ kind: 'aborted', status: 0, endpoint: 'presence read' }));
        this.schedule(entry);
        this.scheduleSweep();
      };
      const cleanup = () => signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort);
      entry.waiters.add(waiter);
      if (entry.waiters.size === 1) this.announceWants();
      this.schedule(entry);
    });
  }

  /** Current known state, without side effects. */
  getState(key: PresenceKey): PresenceEntryState {
    const entry = this.entries.get(key);
    return {
      presence: entry ? (entry.optimistic ?? entry.presence) : undefined,
      error: entry?.error,
      stopped: entry?.stopped ?? false,
      external: key === 'self' ? false : this.externalGuess(key),
      lastReadAt: entry?.lastReadAt,
      nextReadAt: entry ? this.nextDue(entry) : undefined,
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
    this.listingRefs += 1;
    if (this.listingRefs === 1) this.announceWants();
    this.scheduleListing();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.listingRefs -= 1;
      if (this.listingRefs === 0) this.announceWants();
      this.scheduleListing();
    };
  }

  /** The last listing, or its error, without side effects. */
  getPodListing(): { listing: PodListing | undefined; error: PresenceApiError | undefined } {
    return { listing: this.listing, error: this.listingError };
  }

  /** The listing for a query function: the known one at once, or the first one to arrive. */
  readPodListing(signal?: AbortSignal): Promise<PodListing> {
    if (this.listingError) return Promise.reject(this.listingError);
    if (this.listing) return Promise.resolve(this.listing);
    return new Promise<PodListing>((resolve, reject) => {
      const waiter = { resolve, reject };
      this.listingWaiters.add(waiter);
      signal?.addEventListener('abort', () => {
        this.listingWaiters.delete(waiter);
        reject(new PresenceApiError({ kind: 'aborted', status: 0, endpoint: 'GET /v2/users/presence' }));
      });
    });
  }

  /** True or false once the requesting user's tenant is known; `undefined` before. */
  isExternal(userId: UserIdInput): boolean | undefined {
    return this.externalGuess(toUserId(userId));
  }

  /** The requesting user's id, once known. */
  get selfUserId(): UserId | undefined {
    return this.selfId;
  }

  /** Starts polling a user again after a 403 or 404, within budget. */
  retry(key: PresenceKey): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.stopped = false;
    entry.error = undefined;
    entry.reregistered = false;
    // A 403 may have come from a lapsed or lost registration: register afresh before reading.
    if (isRegistrable(key) && this.externalGuess(key) === true) this.registeredAt.delete(key);
    this.schedule(entry);
  }

  /**
   * Sets the requesting user's presence. Shown at once everywhere (optimistic); sets made while one
   * is in flight are coalesced so the pod ends with the last choice; on failure the display goes
   * back to the last confirmed state and the promise rejects.
   */
  setOwnPresence(input: { category: CategoryValue; soft?: boolean | undefined }): Promise<Presence> {
    if (typeof input?.category !== 'string' || input.category.length === 0) {
      return Promise.reject(new PresenceApiError({ kind: 'bad-request', status: 0, endpoint: 'POST /v2/user/presence' }));
    }
    const seq = ++this.writeSeq;
    this.lastWriteAt = this.now();
    this.pendingWrite = { category: input.category, soft: input.soft, seq };
    const self = this.entry('self');
    const base = self.optimistic ?? self.presence;
    const userId = base?.userId ?? this.selfId;
    if (userId) this.showOwn(makePresence(userId, input.category, this.now()), true);
    const result = new Promise<Presence>((resolve, reject) => this.writeWaiters.push({ seq, resolve, reject }));
    if (!this.writing) void this.drainWrites();
    return result;
  }

  stats(): SyncStats {
    let retained = 0;
    let timers = 0;
    for (const e of this.entries.values()) {
      if (e.refs > 0) retained += 1;
      if (e.timer) timers += 1;
    }
    for (const t of [this.registrationTimer, this.renewTimer, this.wantTimer, this.wantRefreshTimer, this.sweepTimer, this.batchTimer, this.listingTimer]) {
      if (t) timers += 1;
    }
    return {
      entries: this.entries.size,
      retained,
      timers,
      registrations: this.registeredAt.size,
      remoteTabs: this.remoteWants.size,
    };
  }

  /** Stops every timer and listener; pending reads reject as aborted. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.started) this.coordinator.post({ t: 'bye', tab: this.coordinator.tabId });
    for (const c of this.cleanups.splice(0)) c();
    for (const e of this.entries.values()) {
      if (e.timer) clearTimeout(e.timer);
      e.timer = undefined;
      const aborted = new PresenceApiError({ kind: 'aborted', status: 0, endpoint: 'presence read' });
      for (const w of [...e.waiters]) w.reject(aborted);
      e.waiters.clear();
    }
    if (this.persistTimer) {
      clearTimeout(this.persistTimer);
      this.persistNow();
    }
    for (const t of [this.registrationTimer, this.renewTimer, this.wantTimer, this.sweepTimer, this.batchTimer, this.listingTimer]) {
      if (t) clearTimeout(t);
    }
    this.listingTimer = undefined;
    const listingAborted = new PresenceApiError({ kind: 'aborted', status: 0, endpoint: 'GET /v2/users/presence' });
    for (const w of [...this.listingWaiters]) w.reject(listingAborted);
    this.listingWaiters.clear();
    if (this.wantRefreshTimer) clearInterval(this.wantRefreshTimer);
    this.registrationTimer = this.renewTimer = this.wantTimer = this.sweepTimer = this.wantRefreshTimer = undefined;
    this.batchTimer = undefined;
    this.entries.clear();
    this.listeners.clear();
    this.coordinator.close();
  }

  // ---------------------------------------------------------------- scheduling

  private now(): number {
    return Date.now();
  }

  private entry(key: PresenceKey): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        key,
        refs: 0,
        presence: undefined,
        optimistic: undefined,
        error: undefined,
        stopped: false,
        lastReadAt: undefined,
        seenAt: undefined,
        reregistered: false,
        retryAt: 0,
        failures: 0,
        inflight: undefined,
        waiters: new Set(),
        timer: undefined,
        lastUsedAt: this.now(),
      };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private externalGuess(key: PresenceKey): boolean | undefined {
    const id = userOfKey(key);
    if (id === undefined) return false;
    if (this.client.capabilities?.externalLimits === false) return false;
    if (this.options.isExternal) return this.options.isExternal(id);
    if (this.selfTenant === undefined) return undefined;
    return tenantOf(id) !== this.selfTenant;
  }

  private remoteVisibleKeys(): Set<string> {
    const keys = new Set<string>();
    for (const want of this.remoteWants.values()) if (want.visible) for (const k of want.keys) keys.add(k);
    return keys;
  }

  private isActive(entry: Entry, remote = this.remoteVisibleKeys()): boolean {
    return (entry.refs > 0 && this.visible) || entry.waiters.size > 0 || remote.has(entry.key);
  }

  /** Earliest time the next read may start. */
  private nextDue(entry: Entry): number {
    const now = this.now();
    let due = now;
    if (entry.lastReadAt !== undefined) {
      // A key whose side is not known yet gets the external gap: the safe side of the limit.
      const external = entry.key !== 'self' && this.externalGuess(entry.key) !== false;
      const gap = external
        ? Math.max(this.options.externalIntervalMs, EXTERNAL_READ_GAP_MS + this.options.externalSafetyMarginMs)
        : this.options.internalIntervalMs;
      // A first load that nobody has seen yet may come sooner for internal users only.
      due = entry.presence || entry.error || external ? entry.lastReadAt + gap : now;
    }
    return Math.max(due, entry.retryAt);
  }

  private schedule(entry: Entry, remote?: Set<string>): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    if (!this.started || this.destroyed || entry.inflight || entry.stopped || !this.coordinator.isLeader()) return;
    if (!this.isActive(entry, remote)) return;
    const delay = Math.max(0, this.nextDue(entry) - this.now());
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      this.poll(entry);
    }, delay);
  }

  private rescheduleAll(): void {
    if (!this.started) return;
    for (const id of this.pendingRegistration) this.wantRegistration(id);
    const remote = this.remoteVisibleKeys();
    for (const raw of remote) {
      const key = parsePresenceKey(raw);
      if (key) this.entry(key);
    }
    for (const e of this.entries.values()) this.schedule(e, remote);
    this.scheduleRenewal();
    this.scheduleListing(remote);
  }

  private poll(entry: Entry): void {
    if (entry.inflight || this.destroyed) return;
    const run = async () => {
      let external = false;
      let session: string | undefined;
      const id = userOfKey(entry.key);
      if (id !== undefined) {
        external = await this.resolveExternal(id);
        // A renewed token is a new session that registered nothing: find out before reading.
        session = await this.checkSession();
        // Local reads answer OFFLINE for other companies without interest (SYM-GUP-4), but no
        // seed exempts them from the 5-minute limit, so they keep the external gap.
        if (external && isRegistrable(entry.key)) await this.ensureRegistered(id);
      }
      const now = this.now();
      // The budget is checked again after the awaits: another tab may have read meanwhile.
      if (now < this.nextDue(entry) || !this.coordinator.isLeader() || this.destroyed) return;
      const budgetBefore = entry.lastReadAt;
      entry.lastReadAt = now;
      this.coordinator.post({ t: 'read', key: entry.key, at: now });
      this.emit({ type: 'request', kind: 'read', at: now, key: entry.key, external });
      if (external) this.persistNow();
      const writeSeqAtStart = this.writeSeq;
      let timedOut = false;
      let sent = true;
      try {
        const presence = await this.withTimeout((signal) =>
          id === undefined
            ? this.client.getOwnPresence({ signal })
            : isLocalKey(entry.key)
              ? this.client.getUserPresence(id, { signal, local: true })
              : this.client.getUsersPresence
                ? this.batchRead(id)
                : this.client.getUserPresence(id, { signal, session: external ? session : undefined }),
        );
        this.acceptRead(entry, presence, writeSeqAtStart, now);
      } catch (error) {
        timedOut = error instanceof PresenceApiError && error.cause === TIMED_OUT;
        if (error instanceof PresenceApiError && error.kind === 'session-changed' && error.status === 0) {
          // Stopped before sending: the budget was not spent.
          sent = false;
          entry.lastReadAt = budgetBefore;
        }
        throw error;
      } finally {
        if (external && sent) {
          // The pod starts its 5 minutes when the request reaches it, which may be any time
          // until the answer: count the gap from the end, so a slow read cannot shorten it. A
          // read we gave up on may still reach the pod later; allow it one more timeout period.
          const end = this.now() + (timedOut ? this.options.requestTimeoutMs : 0);
          entry.lastReadAt = Math.max(entry.lastReadAt ?? 0, end);
          this.coordinator.post({ t: 'read', key: entry.key, at: end });
        }
      }
    };
    entry.inflight = run()
      .catch((error: unknown) => this.acceptError(entry, error))
      .finally(() => {
        entry.inflight = undefined;
        this.schedule(entry);
        this.scheduleSweep();
      });
  }

  /**
   * Whether a user is external. Needs the requesting user's tenant: learned from their own
   * presence, read first if need be. While it cannot be learned the read fails with the own
   * presence's error (and backs off): guessing "external" would register internal users, and
   * guessing "internal" could break the external limit.
   */
  /** Runs a call with the engine's request timeout; a timeout fails as a network error. */
  private async withTimeout<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.requestTimeoutMs);
    try {
      return await call(controller.signal);
    } catch (error) {
      if (!timedOut) throw error;
      throw new PresenceApiError({ kind: 'network', status: 0, endpoint: 'presence read', serverMessage: 'timed out', cause: TIMED_OUT });
    } finally {
      clearTimeout(timer);
    }
  }

  private async resolveExternal(key: UserId): Promise<boolean> {
    const guess = this.externalGuess(key);
    if (guess !== undefined) return guess;
    const self = this.entry('self');
    if (!self.inflight && this.now() >= self.retryAt) this.poll(self);
    await self.inflight;
    const known = this.externalGuess(key);
    if (known !== undefined) return known;
    throw (
      self.error ??
      new PresenceApiError({ kind: 'network', status: 0, endpoint: 'GET /v2/user/presence' })
    );
  }

  private isOwnKey(key: PresenceKey): boolean {
    return key === 'self' || (this.selfId !== undefined && key === this.selfId);
  }

  private acceptRead(entry: Entry, presence: Presence, writeSeqAtStart: number, startedAt: number): void {
    if (this.isOwnKey(entry.key)) {
      // A read that started before our own set (or while it is in flight) shows the old state.
      const staleByWrite = this.writing || writeSeqAtStart !== this.writeSeq || startedAt < this.lastWriteAt;
      if (staleByWrite && !(presence.timestamp !== undefined && presence.timestamp > this.lastWriteAt)) {
        this.clearFault(entry);
        return;
      }
    }
    const hadError = entry.error !== undefined;
    this.clearFault(entry);
    entry.reregistered = false;
    if (entry.key === 'self') this.learnSelf(presence);
    this.accept(entry, presence, startedAt, hadError, true);
  }

  /**
   * Takes an answer asked for at `askedAt` unless a later-asked one is held (SYM-GUP-1/2: never
   * by timestamp). Nothing new keeps the current object so no badge re-renders, unless an error
   * or a "last known, updating later" mark must be cleared.
   */
  private accept(entry: Entry, presence: Presence, askedAt: number, hadError: boolean, share: boolean): void {
    if (!isLaterAnswer(entry.seenAt, askedAt)) return;
    entry.seenAt = askedAt;
    const marked = entry.presence?.updateDueAt !== undefined;
    if (!hadError && !marked && isSamePresence(entry.presence, presence)) {
      this.persistSoon();
      return;
    }
    const { updateDueAt: _due, ...fresh } = presence;
    this.store(entry, { ...fresh, observedAt: askedAt }, share);
  }

  private clearFault(entry: Entry): void {
    entry.failures = 0;
    entry.retryAt = 0;
    entry.stopped = false;
    if (entry.error) entry.error = undefined;
  }

  private learnSelf(presence: Presence): void {
    if (this.selfId === presence.userId) return;
    this.selfId = presence.userId;
    this.updateIdentity();
    if (this.selfTenant === undefined) {
      this.selfTenant = tenantOf(presence.userId);
      // Users retained before the tenant was known may turn out internal: reschedule them.
      this.rescheduleAll();
    }
  }

  /** Stores a confirmed presence, notifies listeners and, when `share`, the other tabs. */
  private store(entry: Entry, presence: Presence, share: boolean): void {
    entry.presence = presence;
    if (this.isOwnKey(entry.key)) {
      // The own presence is reachable under two keys; keep both in step.
      const twin = entry.key === 'self' ? (this.selfId ? this.entries.get(this.selfId) : undefined) : this.entries.get('self');
      if (twin && twin !== entry && entry.seenAt !== undefined && isLaterAnswer(twin.seenAt, entry.seenAt)) {
        twin.presence = presence;
        twin.seenAt = entry.seenAt;
        if (!twin.optimistic) this.publish(twin);
      }
    }
    if (!entry.optimistic) this.publish(entry);
    if (share) this.coordinator.post({ t: 'presence', key: entry.key, presence, at: entry.seenAt });
    this.persistSoon();
  }

  private publish(entry: Entry): void {
    const shown = entry.optimistic ?? entry.presence;
    if (!shown) return;
    entry.error = undefined;
    for (const w of [...entry.waiters]) w.resolve(shown);
    entry.waiters.clear();
    this.emit({ type: 'presence', key: entry.key, presence: shown });
  }

  private acceptError(entry: Entry, raw: unknown): void {
    const error = toApiError(raw, entry.key === 'self' ? 'GET /v2/user/presence' : 'GET /v3/user/{uid}/presence');
    if (error.kind === 'aborted' || this.destroyed) return;
    const now = this.now();
    if (error.kind === 'session-changed') {
      // Not the user's problem: the next poll sees the new session, registers, then reads.
      this.session = undefined;
      entry.retryAt = 0;
      return;
    }
    if (
      error.kind === 'forbidden' &&
      !entry.reregistered &&
      isRegistrable(entry.key) &&
      this.externalGuess(entry.key) === true
    ) {
      // A lost or lapsed registration also reads 403: register afresh and read once more when
      // the budget allows, before calling the user forbidden.
      entry.reregistered = true;
      this.registeredAt.delete(entry.key);
      this.wantRegistration(entry.key);
      return;
    }
    if (error.kind === 'unauthorized') {
      // The session ended: what was kept for it is worth nothing to the next one.
      this.persistence?.clear();
    }
    entry.failures += 1;
    if (error.kind === 'rate-limited' && (entry.presence || entry.failures === 1)) {
      // Another app on the same session spent the budget. That is not an error: the last known
      // status stays on screen with when it will be updated; with none yet, the badge keeps
      // loading until the pod allows a read. Only a second 429 in a row is shown as one.
      entry.retryAt = now + retryDelay(error, entry.failures, this.options);
      if (entry.presence) {
        this.store(entry, { ...entry.presence, updateDueAt: Math.max(entry.retryAt, this.nextDue(entry)) }, false);
      }
      return;
    }
    if (error.kind === 'forbidden' || error.kind === 'not-found') {
      entry.stopped = true;
    } else {
      entry.retryAt = now + retryDelay(error, entry.failures, this.options);
    }
    this.fail(entry, error, true);
  }

  private fail(entry: Entry, error: PresenceApiError, share: boolean): void {
    entry.error = error;
    for (const w of [...entry.waiters]) w.reject(error);
    entry.waiters.clear();
    this.emit({ type: 'error', key: entry.key, error });
    if (share) this.coordinator.post({ t: 'error', key: entry.key, error: summarize(error) });
  }

  private emit(event: SyncEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A listener's bug must not stop the engine or the other listeners.
      }
    }
  }

  // ---------------------------------------------------------------- batched reads

  /** Queues a read; reads that fall due within the registration window go out as one request. */
  private batchRead(id: UserId): Promise<Presence> {
    return new Promise<Presence>((resolve, reject) => {
      const list = this.batchQueue.get(id) ?? [];
      list.push({ resolve, reject });
      this.batchQueue.set(id, list);
      if (this.batchTimer) return;
      this.batchTimer = setTimeout(() => {
        this.batchTimer = undefined;
        void this.flushBatch();
      }, this.options.registrationWindowMs);
    });
  }

  private async flushBatch(): Promise<void> {
    const queued = new Map(this.batchQueue);
    this.batchQueue.clear();
    const ids = [...queued.keys()];
    const size = Math.max(1, this.client.capabilities?.maxBatch ?? 650);
    for (let i = 0; i < ids.length; i += size) {
      const chunk = ids.slice(i, i + size);
      try {
        const answers = await this.client.getUsersPresence!(chunk);
        const byId = new Map(answers.map((p) => [p.userId, p]));
        for (const id of chunk) {
          const found = byId.get(id);
          const missing = new PresenceApiError({ kind: 'not-found', status: 404, endpoint: 'batch presence read' });
          for (const w of queued.get(id) ?? []) {
            if (found) w.resolve(found);
            else w.reject(missing);
          }
        }
      } catch (error) {
        for (const id of chunk) for (const w of queued.get(id) ?? []) w.reject(error);
      }
    }
  }

  // ---------------------------------------------------------------- interest registration

  private isRegistered(id: UserId): boolean {
    const at = this.registeredAt.get(id);
    return at !== undefined && this.now() < at + INTEREST_TTL_MS - INTEREST_MARGIN_MS;
  }

  private ensureRegistered(id: UserId): Promise<void> {
    if (this.isRegistered(id)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const list = this.registrationWaiters.get(id) ?? [];
      list.push({ resolve: () => resolve(), reject });
      this.registrationWaiters.set(id, list);
      this.wantRegistration(id);
    });
  }

  private wantRegistration(id: UserId): void {
    this.pendingRegistration.add(id);
    if (!this.started || this.registrationTimer || this.destroyed) return;
    const delay = Math.max(this.options.registrationWindowMs, this.registrationRetryAt - this.now());
    this.registrationTimer = setTimeout(() => {
      this.registrationTimer = undefined;
      void this.flushRegistrations();
    }, delay);
  }

  private async flushRegistrations(): Promise<void> {
    const ids = [...this.pendingRegistration].filter((id) => !this.isRegistered(id) || this.needsRenewal(id));
    this.pendingRegistration.clear();
    const size = this.options.registrationChunkSize;
    const chunks: UserId[][] = [];
    for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
    for (const chunk of chunks) await this.registerChunk(chunk);
    this.scheduleRenewal();
  }

  private async registerChunk(chunk: UserId[], sessionRetries = 2): Promise<void> {
    if (chunk.length === 0 || this.destroyed) return;
    const at = this.now();
    this.emit({ type: 'request', kind: 'register', at, ids: chunk, external: true });
    try {
      const session = this.session;
      await this.client.registerInterest(chunk, { session });
      this.registrationFailures = 0;
      if (session !== this.registeredSession) {
        this.registeredAt.clear();
        this.registeredSession = session;
      }
      for (const id of chunk) this.registeredAt.set(id, at);
      this.coordinator.post({ t: 'registered', ids: chunk, at, session });
      for (const id of chunk) this.settleRegistration(id);
    } catch (raw) {
      const error = toApiError(raw, 'POST /v1/user/presence/register');
      if (error.kind === 'session-changed' && sessionRetries > 0) {
        // The token changed under us: register again, under the session that will read.
        try {
          await this.checkSession();
        } catch (failure) {
          for (const id of chunk) this.settleRegistration(id, toApiError(failure, 'POST /v1/user/presence/register'));
          return;
        }
        await this.registerChunk(chunk, sessionRetries - 1);
        return;
      }
      if ((error.kind === 'not-found' || error.kind === 'bad-request') && chunk.length > 1) {
        // One unknown id fails the whole list; halve it so the others still get registered.
        const half = Math.ceil(chunk.length / 2);
        await this.registerChunk(chunk.slice(0, half));
        await this.registerChunk(chunk.slice(half));
        return;
      }
      this.registrationFailures += 1;
      this.registrationRetryAt = this.now() + retryDelay(error, this.registrationFailures, this.options);
      for (const id of chunk) this.settleRegistration(id, error);
    }
  }

  private settleRegistration(id: UserId, error?: PresenceApiError): void {
    const waiters = this.registrationWaiters.get(id);
    this.registrationWaiters.delete(id);
    for (const w of waiters ?? []) {
      if (error) w.reject(error);
      else w.resolve(undefined as never);
    }
  }

  private needsRenewal(id: UserId): boolean {
    const at = this.registeredAt.get(id);
    return at === undefined || this.now() >= at + this.options.registrationRenewMs - this.options.registrationWindowMs;
  }

  /** Renews interest for external users still shown, before it lapses. */
  private scheduleRenewal(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
    if (!this.started || this.destroyed || !this.coordinator.isLeader()) return;
    const remote = this.remoteVisibleKeys();
    let earliest = Infinity;
    for (const [id, at] of this.registeredAt) {
      // Ids already queued are renewed by that flush, which schedules the next renewal itself.
      if (this.pendingRegistration.has(id)) continue;
      const entry = this.entries.get(id);
      if (entry && (entry.refs > 0 || remote.has(id))) earliest = Math.min(earliest, at + this.options.registrationRenewMs);
    }
    if (earliest === Infinity) return;
    this.renewTimer = setTimeout(
      () => {
        this.renewTimer = undefined;
        const remoteNow = this.remoteVisibleKeys();
        for (const [id] of this.registeredAt) {
          const entry = this.entries.get(id);
          if (entry && (entry.refs > 0 || remoteNow.has(id)) && this.needsRenewal(id)) this.wantRegistration(id);
        }
        this.scheduleRenewal();
      },
      Math.max(0, earliest - this.now()),
    );
  }

  // ---------------------------------------------------------------- writes

  private showOwn(presence: Presence, optimistic: boolean): void {
    const keys: PresenceKey[] = ['self'];
    if (this.selfId) keys.push(this.selfId);
    for (const key of keys) {
      const entry = key === 'self' ? this.entry(key) : this.entries.get(key);
      if (!entry) continue;
      if (optimistic) entry.optimistic = presence;
      else {
        // Confirmed now: a read sent before this moment may still show the old state.
        entry.optimistic = undefined;
        entry.presence = presence;
        entry.seenAt = this.now();
      }
      this.publish(entry);
    }
  }

  private rollbackOwn(): void {
    const keys: PresenceKey[] = ['self'];
    if (this.selfId) keys.push(this.selfId);
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (!entry || !entry.optimistic) continue;
      entry.optimistic = undefined;
      this.publish(entry);
    }
  }

  private async drainWrites(): Promise<void> {
    this.writing = true;
    while (this.pendingWrite && !this.destroyed) {
      const job = this.pendingWrite;
      this.pendingWrite = undefined;
      try {
        const result = await this.sendWrite(job);
        if (result === 'superseded') continue;
        this.lastWriteAt = Math.max(this.lastWriteAt, result.timestamp ?? this.now());
        this.learnSelf(result);
        if (!this.pendingWrite) {
          this.showOwn(result, false);
          this.coordinator.post({ t: 'presence', key: 'self', presence: result, at: this.now() });
          this.settleWrites(job.seq, (w) => w.resolve(result));
        }
      } catch (error) {
        if (!this.pendingWrite) {
          this.rollbackOwn();
          this.settleWrites(job.seq, (w) => w.reject(error));
        }
      }
    }
    this.writing = false;
  }

  private settleWrites(upTo: number, settle: (w: (typeof this.writeWaiters)[number]) => void): void {
    for (let i = this.writeWaiters.length - 1; i >= 0; i--) {
      const w = this.writeWaiters[i]!;
      if (w.seq <= upTo) {
        this.writeWaiters.splice(i, 1);
        settle(w);
      }
    }
  }

  private async sendWrite(job: WriteJob): Promise<Presence | 'superseded'> {
    for (let attempt = 1; ; attempt++) {
      this.emit({ type: 'request', kind: 'set', at: this.now(), key: 'self' });
      try {
        return await this.client.setOwnPresence({ category: job.category, soft: job.soft });
      } catch (raw) {
        const error = toApiError(raw, 'POST /v2/user/presence');
        const transient = error.kind === 'rate-limited' || error.kind === 'server' || error.kind === 'network';
        if (!transient || attempt >= SET_ATTEMPTS || this.destroyed) throw error;
        await new Promise((r) => setTimeout(r, retryDelay(error, attempt, this.options)));
        // A newer choice made while we waited replaces this one; sending both would only race.
        if (this.pendingWrite) return 'superseded';
      }
    }
  }

  // ---------------------------------------------------------------- other tabs

  private localWantedKeys(): string[] {
    const keys: string[] = [];
    for (const e of this.entries.values()) if (e.refs > 0 || e.waiters.size > 0) keys.push(e.key);
    if (this.listingRefs > 0) keys.push(LISTING_WANT);
    return keys;
  }

  private announceWants(): void {
    if (!this.started || this.coordinator.isLeader() || this.wantTimer || this.destroyed) return;
    // Coalesce the burst of retains a render makes into one message.
    this.wantTimer = setTimeout(() => {
      this.wantTimer = undefined;
      if (this.coordinator.isLeader() || this.destroyed) return;
      this.coordinator.post({
        t: 'want',
        tab: this.coordinator.tabId,
        keys: this.localWantedKeys(),
        visible: this.visible || this.localWantedKeys().some((k) => (this.entries.get(k as PresenceKey)?.waiters.size ?? 0) > 0),
      });
    }, 0);
  }

  private startWantRefresh(): void {
    if (this.wantRefreshTimer) return;
    this.wantRefreshTimer = setInterval(() => this.announceWants(), WANT_REFRESH_MS);
  }

  private onLeadership(leader: boolean): void {
    if (this.destroyed) return;
    if (leader) {
      if (this.wantRefreshTimer) clearInterval(this.wantRefreshTimer);
      this.wantRefreshTimer = undefined;
      if (this.wantTimer) clearTimeout(this.wantTimer);
      this.wantTimer = undefined;
      for (const id of this.pendingRegistration) this.wantRegistration(id);
      for (const e of this.entries.values()) {
        if (isRegistrable(e.key) && (e.refs > 0 || e.waiters.size > 0) && this.externalGuess(e.key) === true) {
          this.wantRegistration(e.key);
        }
      }
      this.rescheduleAll();
    } else {
      for (const e of this.entries.values()) {
        if (e.timer) clearTimeout(e.timer);
        e.timer = undefined;
      }
      if (this.renewTimer) clearTimeout(this.renewTimer);
      this.renewTimer = undefined;
      this.startWantRefresh();
      this.announceWants();
    }
  }

  private onMessage(message: SyncMessage): void {
    if (this.destroyed || !message || typeof message !== 'object') return;
    const leader = this.coordinator.isLeader();
    switch (message.t) {
      case 'want': {
        this.remoteWants.set(message.tab, { keys: new Set(message.keys), visible: message.visible, at: this.now() });
        this.expireRemoteWants();
        if (leader) {
          for (const raw of message.keys) {
            const key = parsePresenceKey(raw);
            if (!key) continue;
            const entry = this.entry(key);
            if (entry.presence) this.coordinator.post({ t: 'presence', key: entry.key, presence: entry.presence, at: entry.seenAt });
            if (isRegistrable(key) && this.externalGuess(key) === true) this.wantRegistration(key);
          }
          if (message.keys.includes(LISTING_WANT) && this.listing) this.postListing(this.listing);
          this.rescheduleAll();
        }
        break;
      }
      case 'bye':
        this.remoteWants.delete(message.tab);
        if (leader) this.rescheduleAll();
        break;
      case 'read': {
        const key = parsePresenceKey(message.key);
        if (!key) return;
        const entry = this.entry(key);
        entry.lastReadAt = Math.max(entry.lastReadAt ?? 0, message.at);
        break;
      }
      case 'registered':
        if (message.session !== this.registeredSession) {
          // Registrations of another session are no use to ours; the newest session's count.
          this.registeredAt.clear();
          this.registeredSession = message.session;
        }
        for (const raw of message.ids) {
          const id = parseUserId(raw);
          if (id && message.at > (this.registeredAt.get(id) ?? -Infinity)) this.registeredAt.set(id, message.at);
        }
        break;
      case 'presence':
        this.acceptShared(message.key, message.presence, message.at);
        break;
      case 'listing':
        if (!leader && Array.isArray(message.presences) && typeof message.at === 'number') {
          this.applyListing(message.presences, message.at, false);
        }
        break;
      case 'error': {
        const entry = this.entries.get(message.key as PresenceKey);
        if (!entry || leader) return;
        this.fail(entry, new PresenceApiError(message.error), false);
        break;
      }
      case 'hello':
        if (leader) this.coordinator.post({ t: 'state', entries: this.sharedEntries() });
        break;
      case 'state':
        for (const shared of message.entries) {
          if (shared.lastReadAt !== undefined) this.onMessage({ t: 'read', key: shared.key, at: shared.lastReadAt });
          if (shared.registeredAt !== undefined) {
            this.onMessage({ t: 'registered', ids: [shared.key], at: shared.registeredAt, session: shared.registeredSession });
          }
          if (shared.presence) this.acceptShared(shared.key, shared.presence, shared.seenAt);
        }
        break;
      default:
        break;
    }
  }

  private acceptShared(rawKey: string, presence: Presence, at: number | undefined): void {
    const key = parsePresenceKey(rawKey);
    if (!key || !presence || typeof presence.category !== 'string') return;
    const id = parseUserId(presence.userId);
    if (!id) return;
    const clean = makePresence(id, presence.category, typeof presence.timestamp === 'number' ? presence.timestamp : undefined);
    const entry = this.entry(key);
    if (key === 'self') this.learnSelf(clean);
    // A tab of an older version sends no time: take it as just asked.
    const askedAt = typeof at === 'number' && Number.isFinite(at) ? at : this.now();
    if (!isLaterAnswer(entry.seenAt, askedAt)) return;
    const hadError = entry.error !== undefined;
    this.clearFault(entry);
    this.accept(entry, clean, askedAt, hadError, false);
  }

  private sharedEntries(): SharedEntry[] {
    const out: SharedEntry[] = [];
    for (const e of this.entries.values()) {
      out.push({
        key: e.key,
        presence: e.presence,
        lastReadAt: e.lastReadAt,
        seenAt: e.seenAt,
        registeredAt: isRegistrable(e.key) ? this.registeredAt.get(e.key) : undefined,
        registeredSession: this.registeredSession,
      });
    }
    return out;
  }

  private expireRemoteWants(): void {
    const cutoff = this.now() - WANT_REFRESH_MS * 3;
    for (const [tab, want] of this.remoteWants) if (want.at < cutoff) this.remoteWants.delete(tab);
  }

  // ---------------------------------------------------------------- the pod-wide listing

  private listingActive(remote = this.remoteVisibleKeys()): boolean {
    return (this.listingRefs > 0 && this.visible) || this.listingWaiters.size > 0 || remote.has(LISTING_WANT);
  }

  private scheduleListing(remote?: Set<string>): void {
    if (this.listingTimer) clearTimeout(this.listingTimer);
    this.listingTimer = undefined;
    if (!this.started || this.destroyed || this.listingInflight || !this.coordinator.isLeader()) return;
    if (!this.listingActive(remote)) return;
    const due = Math.max(
      this.listingLastAt === undefined ? 0 : this.listingLastAt + this.options.internalIntervalMs,
      this.listingRetryAt,
    );
    this.listingTimer = setTimeout(() => {
      this.listingTimer = undefined;
      void this.pollListing();
    }, Math.max(0, due - this.now()));
  }

  private async pollListing(): Promise<void> {
    if (this.listingInflight || this.destroyed) return;
    this.listingInflight = true;
    const at = this.now();
    this.listingLastAt = at;
    this.emit({ type: 'request', kind: 'list', at });
    try {
      const presences = await this.withTimeout((signal) => this.client.listAllPresence({ limit: LIST_LIMIT_MAX, signal }));
      if (this.destroyed) return;
      this.listingFailures = 0;
      this.listingRetryAt = 0;
      this.applyListing(presences, at, true);
    } catch (raw) {
      const error = toApiError(raw, 'GET /v2/users/presence');
      if (error.kind === 'aborted' || this.destroyed) return;
      this.listingFailures += 1;
      this.listingRetryAt = this.now() + retryDelay(error, this.listingFailures, this.options);
      this.listingError = error;
      for (const w of [...this.listingWaiters]) w.reject(error);
      this.listingWaiters.clear();
      this.emit({ type: 'listing-error', error });
    } finally {
      this.listingInflight = false;
      this.scheduleListing();
    }
  }

  /** Takes a listing asked for at `at`: each user's presence as if read one by one, then the summary. */
  private applyListing(presences: readonly Presence[], at: number, share: boolean): void {
    const ids: UserId[] = [];
    const clean: Presence[] = [];
    for (const raw of presences) {
      const id = parseUserId(raw?.userId);
      if (!id || typeof raw.category !== 'string') continue;
      const presence = makePresence(id, raw.category, typeof raw.timestamp === 'number' ? raw.timestamp : undefined);
      ids.push(id);
      clean.push(presence);
      const entry = this.entry(id);
      const hadError = entry.error !== undefined;
      if (isLaterAnswer(entry.seenAt, at)) this.clearFault(entry);
      this.accept(entry, presence, at, hadError, false);
    }
    const first = ids[0];
    this.listing = { userIds: ids, homeTenant: first === undefined ? undefined : tenantOf(first), at };
    this.listingError = undefined;
    for (const w of [...this.listingWaiters]) w.resolve(this.listing);
    this.listingWaiters.clear();
    this.emit({ type: 'listing', listing: this.listing });
    if (share) this.postListing(this.listing, clean);
  }

  private postListing(listing: PodListing, presences?: Presence[]): void {
    const out =
      presences ??
      listing.userIds.flatMap((id) => {
        const p = this.entries.get(id)?.presence;
        return p ? [p] : [];
      });
    this.coordinator.post({ t: 'listing', at: listing.at, homeTenant: listing.homeTenant, presences: out });
  }

  // ---------------------------------------------------------------- sessions and reloads

  /**
   * The current session (a digest of the token). When it changed, the registrations of the old
   * one are dropped and every external user still shown is registered again, in one request.
   */
  private async checkSession(): Promise<string | undefined> {
    if (!this.client.sessionKey) return undefined;
    const key = await this.client.sessionKey();
    if (this.destroyed) return key;
    const first = !this.sessionKnown;
    this.sessionKnown = true;
    if (key !== this.session) this.onSessionChange(key);
    else if (first) this.updateIdentity();
    return key;
  }

  private onSessionChange(key: string | undefined): void {
    this.session = key;
    if (this.registeredSession !== key && this.registeredAt.size > 0) {
      this.registeredAt.clear();
      this.registeredSession = key;
      if (this.coordinator.isLeader()) {
        const remote = this.remoteVisibleKeys();
        for (const e of this.entries.values()) {
          if (isRegistrable(e.key) && this.externalGuess(e.key) === true && (e.refs > 0 || remote.has(e.key) || e.waiters.size > 0)) {
            this.wantRegistration(e.key);
          }
        }
      }
    }
    this.updateIdentity();
  }

  /**
   * The session's identity: the digest of its token, or behind a proxy (no token in the browser)
   * the requesting user, who stands for the session there.
   */
  private updateIdentity(): void {
    // With a token in the browser, wait for its digest rather than file state under the user.
    if (!this.sessionKnown && this.client.sessionKey) return;
    const identity = this.session ?? (this.selfId === undefined ? undefined : `u:${this.selfId}`);
    if (identity !== undefined) this.setIdentity(identity);
  }

  /** Files the engine's state under `identity`, dropping what was kept for another one. */
  private setIdentity(identity: string): void {
    if (identity === this.identity || !this.persistence) return;
    const previous = this.identity;
    this.identity = identity;
    // Another session: what was kept for the old one is cleared, not shown to the new one.
    if (previous !== undefined) this.persistence.clear();
    this.restore(this.persistence.load(identity) ?? []);
  }

  /** Shows what a reload kept, marked with when it will be updated, and spends its budget. */
  private restore(kept: readonly PersistedEntry[]): void {
    const touched: Entry[] = [];
    for (const item of kept) {
      const key = parsePresenceKey(item.key);
      if (!key) continue;
      const entry = this.entry(key);
      if (item.lastReadAt !== undefined) entry.lastReadAt = Math.max(entry.lastReadAt ?? 0, item.lastReadAt);
      if (item.presence && item.seenAt !== undefined && isLaterAnswer(entry.seenAt, item.seenAt) && !entry.presence) {
        entry.seenAt = item.seenAt;
        entry.presence = { ...revivePresence(item.presence), observedAt: item.seenAt };
        touched.push(entry);
      }
    }
    for (const entry of touched) {
      const presence: Presence = { ...entry.presence!, updateDueAt: Math.max(this.nextDue(entry), this.now()) };
      entry.presence = presence;
      if (entry.key === 'self') this.learnSelf(presence);
      this.publish(entry);
    }
    this.rescheduleAll();
  }

  private persistSoon(): void {
    if (!this.persistence || this.identity === undefined || this.persistTimer || this.destroyed) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      this.persistNow();
    }, 1000);
  }

  private persistNow(): void {
    if (!this.persistence || this.identity === undefined) return;
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    const out: PersistedEntry[] = [];
    for (const e of this.entries.values()) {
      if (!e.presence && e.lastReadAt === undefined) continue;
      const p = e.presence;
      out.push({
        key: e.key,
        presence: p ? { userId: p.userId, category: p.category, timestamp: p.timestamp } : undefined,
        seenAt: e.seenAt,
        lastReadAt: e.lastReadAt,
      });
    }
    this.persistence.save(this.identity, out);
  }

  // ---------------------------------------------------------------- housekeeping

  private scheduleSweep(): void {
    if (!this.started || this.sweepTimer || this.destroyed) return;
    let earliest = Infinity;
    for (const e of this.entries.values()) {
      if (e.key !== 'self' && e.refs === 0 && e.waiters.size === 0) {
        earliest = Math.min(earliest, e.lastUsedAt + this.options.retainUnusedMs);
      }
    }
    if (earliest === Infinity) return;
    this.sweepTimer = setTimeout(
      () => {
        this.sweepTimer = undefined;
        this.sweep();
        this.scheduleSweep();
      },
      // At least a minute apart: an entry kept by an in-flight read must not spin the sweep.
      Math.max(60_000, earliest - this.now()),
    );
  }

  /** Forgets users nobody has shown for a while, once their budget and registration have lapsed. */
  private sweep(): void {
    const now = this.now();
    this.expireRemoteWants();
    const remote = this.remoteVisibleKeys();
    for (const [key, e] of this.entries) {
      const idle = e.refs === 0 && e.waiters.size === 0 && !e.inflight && !remote.has(key);
      if (idle && now >= e.lastUsedAt + this.options.retainUnusedMs && key !== 'self') {
        if (e.timer) clearTimeout(e.timer);
        this.entries.delete(key);
      }
    }
    for (const [id, at] of this.registeredAt) {
      if (now >= at + INTEREST_TTL_MS && !this.entries.has(id)) this.registeredAt.delete(id);
    }
  }
}
