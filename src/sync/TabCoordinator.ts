import type { SyncMessage } from './messages';

/**
 * How one tab's sync engine talks to the engines of other tabs of the same app, and learns
 * whether it is the one that polls (the leader). The engine works the same with one tab
 * (`createLocalCoordinator`) as with many.
 */
export interface TabCoordinator {
  readonly tabId: string;
  isLeader(): boolean;
  onLeadershipChange(listener: (leader: boolean) => void): () => void;
  post(message: SyncMessage): void;
  onMessage(listener: (message: SyncMessage) => void): () => void;
  close(): void;
}

let tabCounter = 0;
function newTabId(): string {
  tabCounter += 1;
  const random = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID().slice(0, 8) : Math.random().toString(36).slice(2, 10);
  return `${random}-${tabCounter}`;
}

function listenerSet<T>() {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener: (value: T) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit(value: T) {
      for (const l of [...listeners]) l(value);
    },
    clear() {
      listeners.clear();
    },
  };
}

/** A single tab that is always the leader: nothing is shared. */
export function createLocalCoordinator(): TabCoordinator {
  const messages = listenerSet<SyncMessage>();
  return {
    tabId: newTabId(),
    isLeader: () => true,
    onLeadershipChange: () => () => {},
    post: () => {},
    onMessage: (l) => messages.add(l),
    close: () => messages.clear(),
  };
}

/** A tab of {@link createMemoryCoordinatorHub}, with switches to simulate trouble. */
export interface MemoryTab extends TabCoordinator {
  /** Stops delivering and sending messages, like a frozen tab; it keeps its leadership. */
  freeze(frozen: boolean): void;
  /** Hands leadership to the next tab, as a lock steal after a missed heartbeat would. */
  yieldLeadership(): void;
}

/**
 * In-process "tabs" that share one channel and one leadership lock. Used by the tests and handy
 * for apps that test their own multi-tab behaviour; `freeze`/`close` simulate a stuck or closed
 * leader.
 */
export function createMemoryCoordinatorHub() {
  const members: Array<{ tab: MemoryTab }> = [];
  let leader: MemoryTab | undefined;

  const elect = () => setLeader(members[0]?.tab);
  const leaderChanges = new Map<MemoryTab, ReturnType<typeof listenerSet<boolean>>>();
  const setLeader = (next: MemoryTab | undefined) => {
    if (next === leader) return;
    const previous = leader;
    leader = next;
    if (previous) leaderChanges.get(previous)?.emit(false);
    if (next) leaderChanges.get(next)?.emit(true);
  };

  function connect(): MemoryTab {
    const messages = listenerSet<SyncMessage>();
    const changes = listenerSet<boolean>();
    let frozen = false;
    let closed = false;
    const tab: MemoryTab = {
      tabId: newTabId(),
      isLeader: () => leader === tab,
      onLeadershipChange: (l) => changes.add(l),
      post(message) {
        if (frozen || closed) return;
        // Structured clone, as BroadcastChannel does, so no tab shares objects with another.
        const copy = structuredClone(message);
        for (const m of members) if (m.tab !== tab) (m.tab as MemoryTabInternal).deliver(copy);
      },
      onMessage: (l) => messages.add(l),
      close() {
        if (closed) return;
        closed = true;
        const i = members.findIndex((m) => m.tab === tab);
        if (i >= 0) members.splice(i, 1);
        messages.clear();
        if (leader === tab) {
          leader = undefined;
          elect();
        }
        changes.clear();
        leaderChanges.delete(tab);
      },
      freeze(value) {
        frozen = value;
      },
      yieldLeadership() {
        if (leader !== tab) return;
        const next = members.find((m) => m.tab !== tab)?.tab;
        if (next) setLeader(next);
      },
    };
    (tab as MemoryTabInternal).deliver = (message) => {
      if (!frozen && !closed) messages.emit(message);
    };
    leaderChanges.set(tab, changes);
    members.push({ tab });
    if (!leader) queueMicrotask(() => !closed && !leader && setLeader(tab));
    return tab;
  }
  type MemoryTabInternal = MemoryTab & { deliver(message: SyncMessage): void };

  return {
    connect,
    get leaderTabId() {
      return leader?.tabId;
    },
    get size() {
      return members.length;
    },
  };
}

export interface BroadcastCoordinatorOptions {
  /** Channel and lock name; tabs with the same name share one poller. @default 'presence-widgets' */
  name?: string;
  /** How often the leader says it is alive. @default 5000 */
  heartbeatMs?: number;
  /** Missed heartbeats before a follower takes leadership from a frozen leader. @default 3 */
  missedBeats?: number;
}

/**
 * Tabs of one origin share a BroadcastChannel; leadership is a Web Lock, released by the browser
 * when the leader's tab closes. A leader that stops beating (frozen, stuck) has its lock stolen.
 * Returns `undefined` where either API is missing, so the caller falls back to one local tab.
 */
export function createBroadcastCoordinator(options: BroadcastCoordinatorOptions = {}): TabCoordinator | undefined {
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  if (typeof BroadcastChannel === 'undefined' || !locks) return undefined;
  const name = options.name ?? 'presence-widgets';
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const missed = options.missedBeats ?? 3;
  const channel = new BroadcastChannel(`${name}:sync`);
  const tabId = newTabId();
  const messages = listenerSet<SyncMessage>();
  const changes = listenerSet<boolean>();
  let leader = false;
  let closed = false;
  let lastBeat = Date.now();
  let lastOwnBeat = 0;
  let release: (() => void) | undefined;
  let beatTimer: ReturnType<typeof setInterval> | undefined;
  let watchTimer: ReturnType<typeof setInterval> | undefined;

  // A leader whose own heartbeat stalled past the steal threshold (frozen, suspended, stuck in a
  // long task) may have had its lock stolen without knowing yet: the rejection arrives as a task
  // that can run after its overdue poll timers, which would then read alongside the new leader.
  const stalled = () => leader && Date.now() - lastOwnBeat > heartbeatMs * missed;

  const beat = () => {
    lastOwnBeat = Date.now();
    channel.postMessage({ t: 'beat', tab: tabId, at: lastOwnBeat } satisfies SyncMessage);
  };

  const setLeader = (value: boolean) => {
    if (leader === value) return;
    leader = value;
    if (beatTimer) clearInterval(beatTimer);
    beatTimer = undefined;
    if (value) {
      beat();
      beatTimer = setInterval(() => (stalled() ? stepDown() : beat()), heartbeatMs);
    }
    changes.emit(value);
  };

  // Each request gets a generation so that a stale queued request, granted after we stole the
  // lock or closed, lets go at once instead of making us leader twice.
  let generation = 0;
  let queued: AbortController | undefined;
  const acquire = (steal: boolean) => {
    if (closed) return;
    const mine = ++generation;
    queued?.abort();
    queued = steal ? undefined : new AbortController();
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    locks
      .request(`${name}:leader`, steal ? { steal: true } : { signal: queued!.signal }, () => {
        if (closed || mine !== generation) return undefined;
        setLeader(true);
        return held;
      })
      .catch(() => {
        if (closed || mine !== generation) return;
        // Our lock was stolen: another tab judged us frozen. Queue up again as a follower.
        setLeader(false);
        lastBeat = Date.now();
        acquire(false);
      });
  };

  // A stalled leader cannot tell whether its lock was stolen, so it lets go and queues again:
  // if nobody took over, the next tab in the queue (or this one, when alone) gets it back.
  const stepDown = () => {
    if (closed || !stalled()) return;
    setLeader(false);
    release?.();
    lastBeat = Date.now();
    acquire(false);
  };

  channel.onmessage = (event: MessageEvent<SyncMessage>) => {
    const message = event.data;
    if (message?.t === 'beat') lastBeat = Date.now();
    messages.emit(message);
  };
  watchTimer = setInterval(() => {
    if (!leader && !closed && Date.now() - lastBeat > heartbeatMs * missed) {
      lastBeat = Date.now();
      acquire(true);
    }
  }, heartbeatMs);
  acquire(false);

  return {
    tabId,
    isLeader() {
      if (!stalled()) return leader;
      // Deferred: the caller is mid-decision and must not see leadership change under it.
      queueMicrotask(stepDown);
      return false;
    },
    onLeadershipChange: (l) => changes.add(l),
    post(message) {
      if (!closed) channel.postMessage(message);
    },
    onMessage: (l) => messages.add(l),
    close() {
      if (closed) return;
      closed = true;
      if (beatTimer) clearInterval(beatTimer);
      if (watchTimer) clearInterval(watchTimer);
      watchTimer = undefined;
      queued?.abort();
      release?.();
      channel.close();
      messages.clear();
      changes.clear();
      leader = false;
    },
  };
}
