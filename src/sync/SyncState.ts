/**
 * The state the engine's parts share, and nothing else: the entries by key, who the requesting
 * user is, the session, the tab's place among tabs, and the listeners. Each part keeps its own
 * bookkeeping (registrations, writes, the listing...) to itself and reaches the others only
 * through this object and the few {@link EngineLinks}.
 */
import type { PresenceApiError, SymphonyClient } from '../client';
import { tenantOf, type Presence, type UserId } from '../model';
import { isExternalUser, nextDue } from './budget';
import type { ResolvedSyncOptions } from './options';
import { isRegistrable, userOfKey, type PresenceKey } from './presenceKey';
import { RemoteWants } from './RemoteWants';
import type { TabCoordinator } from './TabCoordinator';
import type { SyncEvent } from './types';

/**
 * What the other parts ask of the hub feed (./HubFeed, which fills it in). Declared here rather
 * than imported, so that the state every part reads imports none of the parts (no cycle).
 */
export interface HubLink {
  /** True unless the stream cannot be opened: user keys are then the hub's, not the poller's. */
  readonly live: boolean;
  /** Opens the stream in the leading tab, closes it in the others. */
  lead(leader: boolean): void;
  /** The shown users changed: send the hub the new subscription soon. */
  wantsChanged(): void;
  stop(): void;
}

export interface Waiter {
  resolve: (p: Presence) => void;
  reject: (e: unknown) => void;
}

/** One key's state. */
export interface Entry {
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

/**
 * The calls that go against the parts' order (a part reaching one built on top of it). The
 * facade wires them; keeping them few keeps the parts free of import cycles.
 */
export interface EngineLinks {
  /** Reschedules every read, the renewals and the listing (after who-is-external changed). */
  rescheduleAll(): void;
  /** Files the state under the session's identity once it is known. */
  updateIdentity(): void;
  /** Saves the state for a reload, soon. */
  persistSoon(): void;
  /** The current session, noticing a changed token. */
  checkSession(): Promise<string | undefined>;
}

export class SyncState {
  readonly entries = new Map<PresenceKey, Entry>();
  readonly listeners = new Set<(event: SyncEvent) => void>();
  /** What the other tabs show. */
  readonly remoteWants = new RemoteWants();
  /** The presence hub's feed, when the engine has a hub source (./HubFeed). */
  hub: HubLink | undefined;
  coordinator: TabCoordinator;
  started = false;
  destroyed = false;
  visible: boolean;
  selfTenant: number | undefined;
  selfId: UserId | undefined;
  /** The current session (a digest of the token); registrations belong to it (SYM-RI-8). */
  session: string | undefined;

  constructor(
    readonly client: SymphonyClient,
    readonly options: ResolvedSyncOptions,
    readonly links: EngineLinks,
    init: { coordinator: TabCoordinator; visible: boolean; selfTenant: number | undefined },
  ) {
    this.coordinator = init.coordinator;
    this.visible = init.visible;
    this.selfTenant = init.selfTenant;
  }

  now(): number {
    return Date.now();
  }

  /** The entry of `key`, created empty on first use. */
  entry(key: PresenceKey): Entry {
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

  /** Whether the key's user is external; `undefined` while the requesting user's tenant is unknown. */
  externalGuess(key: PresenceKey): boolean | undefined {
    const id = userOfKey(key);
    if (id === undefined) return false;
    return isExternalUser(id, {
      externalLimits: this.client.capabilities?.externalLimits,
      isExternal: this.options.isExternal,
      selfTenant: this.selfTenant,
    });
  }

  /** Whether the key is an external user's id, so reading it needs registered interest first. */
  needsInterest(key: PresenceKey): key is UserId {
    return isRegistrable(key) && this.externalGuess(key) === true;
  }

  /** Earliest time the next read of `entry` may start. */
  nextDue(entry: Entry): number {
    return nextDue(
      {
        lastReadAt: entry.lastReadAt,
        retryAt: entry.retryAt,
        // A failed own read comes back on its back-off (from 1 s), not an interval later: every
        // user waits on it to know their side, and it is one request.
        answered: (entry.presence !== undefined || entry.error !== undefined) && !(entry.key === 'self' && entry.failures > 0),
        // A key whose side is not known yet gets the external gap: the safe side of the limit.
        external: entry.key !== 'self' && this.externalGuess(entry.key) !== false,
      },
      this.now(),
      this.options,
    );
  }

  /** Whether someone waits for the key: shown in this visible tab, awaited, or shown in another. */
  isActive(entry: Entry, remote = this.remoteWants.visibleKeys()): boolean {
    return (entry.refs > 0 && this.visible) || entry.waiters.size > 0 || remote.has(entry.key);
  }

  /** The own presence is reachable under two keys: `'self'` and the own id once known. */
  isOwnKey(key: PresenceKey): boolean {
    return key === 'self' || (this.selfId !== undefined && key === this.selfId);
  }

  /** Learns the requesting user from their own presence: their id, and so their tenant. */
  learnSelf(presence: Presence): void {
    if (this.selfId === presence.userId) return;
    this.selfId = presence.userId;
    const learned = this.selfTenant === undefined;
    // The tenant first: a reload restores when the identity is known, and marks by each user's side.
    if (learned) this.selfTenant = tenantOf(presence.userId);
    this.links.updateIdentity();
    if (learned) {
      // Marks made while the side was unknown used the external gap: colleagues are due sooner.
      this.#remark();
      // Users retained before the tenant was known may turn out internal: reschedule them.
      this.links.rescheduleAll();
    }
  }

  /** Moves each "last known, updating at" mark to the key's due time, now that its side is known. */
  #remark(): void {
    for (const entry of this.entries.values()) {
      const marked = entry.presence?.updateDueAt;
      if (marked === undefined) continue;
      const due = Math.max(this.nextDue(entry), this.now());
      if (due === marked) continue;
      entry.presence = { ...entry.presence!, updateDueAt: due };
      if (!entry.optimistic) this.emit({ type: 'presence', key: entry.key, presence: entry.presence });
    }
  }

  emit(event: SyncEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A listener's bug must not stop the engine or the other listeners.
      }
    }
  }
}
