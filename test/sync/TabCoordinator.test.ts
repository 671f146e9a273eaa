// @vitest-environment node
/**
 * How tabs share one poller: the in-process hub (tests, apps testing their own tabs) and the
 * browser coordinator (BroadcastChannel + Web Locks), the latter on in-memory stand-ins for the
 * two browser APIs with their documented semantics (a lock is held until the callback's promise
 * settles; `steal` takes it at once and rejects the holder's request; an aborted queued request
 * rejects; a channel delivers a clone to every other channel of its name, never to itself).
 * Real Chromium tabs run the same coordinator in test/e2e.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBroadcastCoordinator, createLocalCoordinator, createMemoryCoordinatorHub, type SyncMessage, type TabCoordinator } from '../../src/sync';

const hello = (tab: string): SyncMessage => ({ t: 'hello', tab });

function inbox(tab: TabCoordinator) {
  const got: SyncMessage[] = [];
  tab.onMessage((m) => got.push(m));
  return got;
}

function leadership(tab: TabCoordinator) {
  const changes: boolean[] = [];
  tab.onLeadershipChange((l) => changes.push(l));
  return changes;
}

describe('createLocalCoordinator', () => {
  it('is always the leader and shares nothing', () => {
    const tab = createLocalCoordinator();
    expect(tab.isLeader()).toBe(true);
    const got = inbox(tab);
    tab.post(hello('x'));
    expect(got).toEqual([]);
    expect(tab.tabId).not.toBe(createLocalCoordinator().tabId);
  });
});

describe('createMemoryCoordinatorHub', () => {
  it('makes the first tab the leader once the current task ends, and hands the lead on when it closes', async () => {
    const hub = createMemoryCoordinatorHub();
    const a = hub.connect();
    const b = hub.connect();
    const [aChanges, bChanges] = [leadership(a), leadership(b)];
    expect(a.isLeader()).toBe(false);
    await Promise.resolve();
    expect(a.isLeader()).toBe(true);
    expect(hub.leaderTabId).toBe(a.tabId);
    expect(hub.size).toBe(2);
    a.close();
    a.close();
    expect(b.isLeader()).toBe(true);
    expect(hub.leaderTabId).toBe(b.tabId);
    expect(hub.size).toBe(1);
    expect(aChanges).toEqual([true]);
    expect(bChanges).toEqual([true]);
    b.close();
    expect(hub.leaderTabId).toBeUndefined();
  });

  it('a tab closed before its turn never leads', async () => {
    const hub = createMemoryCoordinatorHub();
    const a = hub.connect();
    a.close();
    await Promise.resolve();
    expect(a.isLeader()).toBe(false);
    expect(hub.leaderTabId).toBeUndefined();
  });

  it('delivers a copy of each message to every other open tab, not to its sender', async () => {
    const hub = createMemoryCoordinatorHub();
    const [a, b, c] = [hub.connect(), hub.connect(), hub.connect()];
    const [toA, toB, toC] = [inbox(a), inbox(b), inbox(c)];
    const message = hello(a.tabId);
    a.post(message);
    expect(toA).toEqual([]);
    expect(toB).toEqual([message]);
    expect(toC).toEqual([message]);
    expect(toB[0]).not.toBe(message);
    c.close();
    c.post(hello(c.tabId));
    b.post(hello(b.tabId));
    expect(toA).toEqual([hello(b.tabId)]);
    expect(toC).toEqual([message]);
  });

  it('stops delivering to a listener once it unsubscribed', async () => {
    const hub = createMemoryCoordinatorHub();
    const [a, b] = [hub.connect(), hub.connect()];
    const got: SyncMessage[] = [];
    const off = b.onMessage((m) => got.push(m));
    a.post(hello('1'));
    off();
    a.post(hello('2'));
    expect(got).toEqual([hello('1')]);
  });

  it('closing a follower leaves the leader as it is, without a second announcement', async () => {
    const hub = createMemoryCoordinatorHub();
    const [a, b] = [hub.connect(), hub.connect()];
    await Promise.resolve();
    const aChanges = leadership(a);
    b.close();
    expect(a.isLeader()).toBe(true);
    expect(aChanges).toEqual([]);
  });

  it('a frozen tab neither sends nor receives, and keeps the lead; thawed, it does both again', async () => {
    const hub = createMemoryCoordinatorHub();
    const [a, b] = [hub.connect(), hub.connect()];
    await Promise.resolve();
    const [toA, toB] = [inbox(a), inbox(b)];
    a.freeze(true);
    a.post(hello('a'));
    b.post(hello('b'));
    expect(toA).toEqual([]);
    expect(toB).toEqual([]);
    expect(a.isLeader()).toBe(true);
    a.freeze(false);
    a.post(hello('a'));
    b.post(hello('b'));
    expect(toA).toEqual([hello('b')]);
    expect(toB).toEqual([hello('a')]);
  });

  it('yieldLeadership hands the lead to the next tab, only from the leader, and not when alone', async () => {
    const hub = createMemoryCoordinatorHub();
    const a = hub.connect();
    await Promise.resolve();
    a.yieldLeadership();
    expect(a.isLeader()).toBe(true);
    const [b, c] = [hub.connect(), hub.connect()];
    const [aChanges, bChanges, cChanges] = [leadership(a), leadership(b), leadership(c)];
    c.yieldLeadership();
    expect(a.isLeader()).toBe(true);
    a.yieldLeadership();
    expect(b.isLeader()).toBe(true);
    expect([aChanges, bChanges, cChanges]).toEqual([[false], [true], []]);
    // A tab that does not lead cannot hand the lead on.
    c.yieldLeadership();
    expect(b.isLeader()).toBe(true);
    b.yieldLeadership();
    expect(a.isLeader()).toBe(true);
  });
});

// ---------------------------------------------------------------- browser coordinator

/** BroadcastChannel: a clone to every other open channel of the same name, in a later task. */
class FakeChannel {
  static open = new Set<FakeChannel>();
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(readonly name: string) {
    FakeChannel.open.add(this);
  }
  postMessage(data: unknown) {
    if (!FakeChannel.open.has(this)) throw new DOMException('closed', 'InvalidStateError');
    for (const other of FakeChannel.open) {
      if (other === this || other.name !== this.name) continue;
      const copy = structuredClone(data);
      setTimeout(() => FakeChannel.open.has(other) && other.onmessage?.({ data: copy }), 0);
    }
  }
  close() {
    FakeChannel.open.delete(this);
  }
}

interface LockRequest {
  name: string;
  callback: (lock: unknown) => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** navigator.locks, exclusive mode, with `steal` and `signal`. */
function fakeLocks() {
  const held = new Map<string, LockRequest>();
  const queues = new Map<string, LockRequest[]>();
  // The callback runs in a later microtask, as in browsers, never inside request().
  const grant = (request: LockRequest) => {
    held.set(request.name, request);
    queueMicrotask(() => run(request));
  };
  const run = (request: LockRequest) => {
    if (held.get(request.name) !== request) return;
    let result: unknown;
    try {
      result = request.callback({ name: request.name, mode: 'exclusive' });
    } catch (error) {
      result = Promise.reject(error);
    }
    const settle = (ok: boolean, value: unknown) => {
      // A stolen lock was already let go, and its request rejected.
      if (held.get(request.name) !== request) return;
      held.delete(request.name);
      if (ok) request.resolve(value);
      else request.reject(value);
      const next = queues.get(request.name)?.shift();
      if (next) grant(next);
    };
    Promise.resolve(result).then(
      (v) => settle(true, v),
      (e) => settle(false, e),
    );
  };
  return {
    held,
    queued: (name: string) => queues.get(name)?.length ?? 0,
    request(name: string, options: { steal?: boolean; signal?: AbortSignal }, callback: (lock: unknown) => unknown) {
      return new Promise((resolve, reject) => {
        const request: LockRequest = { name, callback, resolve, reject };
        if (options.steal) {
          const holder = held.get(name);
          held.delete(name);
          holder?.reject(new DOMException('stolen', 'AbortError'));
          grant(request);
          return;
        }
        if (options.signal?.aborted) return reject(options.signal.reason);
        options.signal?.addEventListener('abort', () => {
          const queue = queues.get(name) ?? [];
          const i = queue.indexOf(request);
          if (i < 0) return;
          queue.splice(i, 1);
          reject(options.signal!.reason);
        });
        if (!held.has(name)) grant(request);
        else queues.set(name, [...(queues.get(name) ?? []), request]);
      });
    },
  };
}

describe('createBroadcastCoordinator', () => {
  let locks: ReturnType<typeof fakeLocks>;
  const tabs: TabCoordinator[] = [];
  const open = (options: Parameters<typeof createBroadcastCoordinator>[0] = {}) => {
    const tab = createBroadcastCoordinator(options)!;
    tabs.push(tab);
    return tab;
  };

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 30, 9) });
    locks = fakeLocks();
    FakeChannel.open.clear();
    vi.stubGlobal('BroadcastChannel', FakeChannel);
    vi.stubGlobal('navigator', { locks });
  });
  afterEach(() => {
    for (const t of tabs.splice(0)) t.close();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('is undefined where BroadcastChannel or Web Locks are missing', () => {
    vi.stubGlobal('navigator', {});
    expect(createBroadcastCoordinator()).toBeUndefined();
    vi.stubGlobal('navigator', { locks });
    vi.stubGlobal('BroadcastChannel', undefined);
    expect(createBroadcastCoordinator()).toBeUndefined();
    vi.stubGlobal('navigator', undefined);
    expect(createBroadcastCoordinator()).toBeUndefined();
  });

  it('the first tab takes the lock and leads; the next waits; messages reach the other tabs', async () => {
    const a = open();
    const aChanges = leadership(a);
    await vi.advanceTimersByTimeAsync(0);
    const b = open();
    await vi.advanceTimersByTimeAsync(0);
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    expect(aChanges).toEqual([true]);
    expect([...locks.held.keys()]).toEqual(['presence-widgets:leader']);
    const [toA, toB] = [inbox(a), inbox(b)];
    b.post(hello(b.tabId));
    await vi.advanceTimersByTimeAsync(0);
    expect(toA).toEqual([hello(b.tabId)]);
    expect(toB).toEqual([]);
    expect(a.tabId).not.toBe(b.tabId);
  });

  it('the leader beats every heartbeatMs, and a follower that hears the beats never takes over', async () => {
    const a = open();
    await vi.advanceTimersByTimeAsync(0);
    const b = open();
    const heard = inbox(b);
    await vi.advanceTimersByTimeAsync(60_000);
    // The beat sent at 60 s arrives a moment later.
    await vi.advanceTimersByTimeAsync(1);
    const beats = heard.filter((m) => m.t === 'beat');
    // One at once (before b listened) is missed; then one per 5 s.
    expect(beats).toHaveLength(12);
    expect(beats.every((m) => m.t === 'beat' && m.tab === a.tabId)).toBe(true);
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
  });

  it('a follower takes the lock from a leader silent for missedBeats heartbeats, and the old leader follows', async () => {
    const a = open({ heartbeatMs: 1000, missedBeats: 2 });
    const aChanges = leadership(a);
    await vi.advanceTimersByTimeAsync(0);
    const b = open({ heartbeatMs: 1000, missedBeats: 2 });
    await vi.advanceTimersByTimeAsync(2500);
    expect(b.isLeader()).toBe(false);
    // The leader's beats stop reaching anyone (a frozen page), its own timers keep running.
    const channelOfA = [...FakeChannel.open][0]!;
    channelOfA.postMessage = () => undefined;
    await vi.advanceTimersByTimeAsync(2000);
    expect(b.isLeader()).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(b.isLeader()).toBe(true);
    expect(a.isLeader()).toBe(false);
    expect(aChanges).toEqual([true, false]);
    // The old leader no longer beats: its watch, and the new leader's beat and watch, are all that run.
    expect(vi.getTimerCount()).toBe(3);
    // The old leader queued up again: it leads once the new one closes.
    b.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(a.isLeader()).toBe(true);
  });

  it('a leader whose own heartbeat stalled stops leading at once, and gets the lead back when nobody else took it', async () => {
    const a = open();
    const aChanges = leadership(a);
    await vi.advanceTimersByTimeAsync(0);
    expect(a.isLeader()).toBe(true);
    // The page was suspended for 16 s: no timer ran, the clock moved on.
    vi.setSystemTime(Date.now() + 16_000);
    expect(a.isLeader()).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(aChanges).toEqual([true, false, true]);
    expect(a.isLeader()).toBe(true);
    // One beat and one watch: the beat of the first term was stopped.
    expect(vi.getTimerCount()).toBe(2);
  });

  it('a stalled leader hands the lead to the tab waiting for it, rather than taking it back', async () => {
    const a = open();
    await vi.advanceTimersByTimeAsync(0);
    const b = open();
    await vi.advanceTimersByTimeAsync(0);
    vi.setSystemTime(Date.now() + 16_000);
    expect(a.isLeader()).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect([a.isLeader(), b.isLeader()]).toEqual([false, true]);
  });

  it('only beats keep a silent leader in office: other messages do not', async () => {
    const a = open({ heartbeatMs: 1000, missedBeats: 2 });
    await vi.advanceTimersByTimeAsync(0);
    const b = open({ heartbeatMs: 1000, missedBeats: 2 });
    await vi.advanceTimersByTimeAsync(0);
    const channelOfA = [...FakeChannel.open][0]!;
    channelOfA.postMessage = () => undefined;
    // Another page of the app keeps talking on the channel.
    const chatter = new FakeChannel('presence-widgets:sync');
    for (let i = 0; i < 5; i++) {
      chatter.postMessage(hello('other'));
      await vi.advanceTimersByTimeAsync(1000);
    }
    chatter.close();
    expect(b.isLeader()).toBe(true);
    expect(a.isLeader()).toBe(false);
  });

  it('a leader stalled for exactly missedBeats heartbeats still leads', async () => {
    const a = open();
    await vi.advanceTimersByTimeAsync(0);
    vi.setSystemTime(Date.now() + 15_000);
    expect(a.isLeader()).toBe(true);
  });

  it('closing the leader lets the next tab lead; a closed tab sends nothing and leads no more', async () => {
    const a = open();
    await vi.advanceTimersByTimeAsync(0);
    const b = open();
    const toB = inbox(b);
    await vi.advanceTimersByTimeAsync(0);
    a.close();
    a.close();
    a.post(hello(a.tabId));
    await vi.advanceTimersByTimeAsync(0);
    expect(a.isLeader()).toBe(false);
    expect(b.isLeader()).toBe(true);
    expect(toB.filter((m) => m.t === 'hello')).toEqual([]);
    // Nothing of a keeps running.
    expect(vi.getTimerCount()).toBe(2);
  });

  it('a follower that closes gives up its place in the queue', async () => {
    const a = open();
    await vi.advanceTimersByTimeAsync(0);
    const b = open();
    await vi.advanceTimersByTimeAsync(0);
    expect(locks.queued('presence-widgets:leader')).toBe(1);
    b.close();
    expect(locks.queued('presence-widgets:leader')).toBe(0);
    a.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(b.isLeader()).toBe(false);
    expect(locks.held.size).toBe(0);
  });

  it('a message of another page that is not an object (null) is passed on, not thrown on', async () => {
    const a = open();
    await vi.advanceTimersByTimeAsync(0);
    const got = inbox(a);
    const other = new FakeChannel('presence-widgets:sync');
    other.postMessage(null);
    other.postMessage(hello('other'));
    await vi.advanceTimersByTimeAsync(0);
    other.close();
    expect(got).toEqual([null, hello('other')]);
  });

  it('a follower that never heard a beat takes over after more than missedBeats heartbeats, not at exactly that', async () => {
    const a = open();
    await vi.advanceTimersByTimeAsync(0);
    expect(a.isLeader()).toBe(true);
    const channelOfA = [...FakeChannel.open][0]!;
    channelOfA.postMessage = () => undefined;
    const b = open();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(b.isLeader()).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(b.isLeader()).toBe(true);
  });

  it('a leader alone keeps its lock: it never asks for it again, however long nobody else speaks', async () => {
    const requests: string[] = [];
    const request = locks.request.bind(locks);
    locks.request = (name, options, callback) => (requests.push(options.steal ? 'steal' : 'queue'), request(name, options, callback));
    const a = open();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(a.isLeader()).toBe(true);
    expect(requests).toEqual(['queue']);
  });

  it('a stalled leader asked twice in one task steps down once and leads again with the lock held', async () => {
    const a = open();
    const aChanges = leadership(a);
    await vi.advanceTimersByTimeAsync(0);
    vi.setSystemTime(Date.now() + 16_000);
    expect(a.isLeader()).toBe(false);
    expect(a.isLeader()).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(aChanges).toEqual([true, false, true]);
    expect(a.isLeader()).toBe(true);
    // The lock is still ours: a tab opened now waits for it.
    const b = open();
    await vi.advanceTimersByTimeAsync(0);
    expect(b.isLeader()).toBe(false);
    expect(locks.queued('presence-widgets:leader')).toBe(1);
  });

  /** Lock requests answered by hand: the spec lets a grant race an abort or a close. */
  function manualLocks() {
    const requests: Array<{ steal: boolean; signal?: AbortSignal; grant: () => unknown; reject: (e: unknown) => void }> = [];
    const manual = {
      request(_name: string, options: { steal?: boolean; signal?: AbortSignal }, callback: (lock: unknown) => unknown) {
        return new Promise((resolve, reject) => {
          requests.push({
            steal: Boolean(options.steal),
            ...(options.signal ? { signal: options.signal } : {}),
            grant: () => {
              const result = callback({});
              Promise.resolve(result).then(resolve, reject);
              return result;
            },
            reject,
          });
        });
      },
    };
    vi.stubGlobal('navigator', { locks: manual });
    return requests;
  }

  it('a lock granted after the tab closed is let go at once, and the closed tab does not lead', async () => {
    const requests = manualLocks();
    const a = open();
    const changes = leadership(a);
    a.close();
    expect(requests[0]!.grant()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(a.isLeader()).toBe(false);
    expect(changes).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a queued request granted just as a steal replaced it is let go at once', async () => {
    const requests = manualLocks();
    const a = open();
    // Nobody beats: after missedBeats heartbeats the tab steals the lock (a second request).
    await vi.advanceTimersByTimeAsync(20_000);
    expect(requests.map((r) => r.steal)).toEqual([false, true]);
    expect(requests[0]!.signal?.aborted).toBe(true);
    requests[1]!.grant();
    expect(a.isLeader()).toBe(true);
    // The first request's grant raced its abort: it must not keep the lock held.
    expect(requests[0]!.grant()).toBeUndefined();
    requests[0]!.reject(new DOMException('aborted', 'AbortError'));
    await vi.advanceTimersByTimeAsync(0);
    expect(a.isLeader()).toBe(true);
    expect(requests).toHaveLength(2);
  });

  it('tabs of different names lead apart', async () => {
    const a = open({ name: 'app-a' });
    const b = open({ name: 'app-b' });
    await vi.advanceTimersByTimeAsync(0);
    expect([a.isLeader(), b.isLeader()]).toEqual([true, true]);
    expect([...locks.held.keys()].sort()).toEqual(['app-a:leader', 'app-b:leader']);
    expect([...FakeChannel.open].map((c) => c.name).sort()).toEqual(['app-a:sync', 'app-b:sync']);
  });
});
