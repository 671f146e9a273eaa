// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceApiError, type SymphonyClient } from '../../src/client';
import { PresenceSync, createMemoryCoordinatorHub, type PersistedEntry, type SyncEvent } from '../../src/sync';
import {
  HOUR,
  MINUTE,
  SECOND,
  T0,
  budgetViolations,
  colleagueWithError,
  memoryPersistence,
  podClient,
  readsOf,
  setupPod,
  startSync,
  usersOf,
} from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
});

describe('faults', () => {
  it('a 429 waits at least Retry-After (seconds form)', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    pod.faults.add({ route: 'getUser', userId: id, status: 429, retryAfter: '120', times: 1 });
    const sync = track(startSync(pod));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    // A first 429 is no error (issue 11: another app may have spent the budget): still loading,
    // with the next read at Retry-After.
    expect(sync.getState(id).error).toBeUndefined();
    expect(sync.getState(id).presence).toBeUndefined();
    expect(sync.getState(id).nextReadAt).toBe(T0 + 120 * SECOND);
    await vi.advanceTimersByTimeAsync(118 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(2);
    expect(sync.getState(id).error).toBeUndefined();
    expect(sync.getState(id).presence?.userId).toBe(id);
  });

  it('a second 429 in a row with nothing known is shown as an error', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    pod.faults.add({ route: 'getUser', userId: id, status: 429, retryAfter: '60', times: 2 });
    const sync = track(startSync(pod));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.getState(id).error).toBeUndefined();
    await vi.advanceTimersByTimeAsync(60 * SECOND);
    expect(sync.getState(id).error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 60_000 });
  });

  it('a 429 waits at least Retry-After (HTTP-date form)', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    pod.faults.add({ route: 'getUser', userId: id, status: 429, retryAfter: new Date(T0 + 90_000).toUTCString(), times: 1 });
    const sync = track(startSync(pod));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(89 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(2);
  });

  it('500s back off exponentially up to the cap and recover; the error is never shown as OFFLINE', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const remove = pod.faults.add({ route: 'getUser', userId: id, status: 500 });
    const sync = track(startSync(pod));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(HOUR);
    const failed = readsOf(pod, id).length;
    // 1 + backoff 0.75 s, 1.5 s, 3 s ... capped at 225 s (jitter 0.5 of 300 s): about 20 in an hour, never a storm.
    expect(failed).toBeGreaterThan(10);
    expect(failed).toBeLessThanOrEqual(30);
    expect(sync.getState(id).error?.kind).toBe('server');
    expect(sync.getState(id).presence).toBeUndefined();
    remove();
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(sync.getState(id).error).toBeUndefined();
    expect(sync.getState(id).presence?.userId).toBe(id);
  });

  it('403 and 404 stop polling that user with a distinct error', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const [a, b] = [internal[0]!, internal[1]!];
    pod.faults.add({ route: 'getUser', userId: a, status: 403 });
    pod.faults.add({ route: 'getUser', userId: b, status: 404 });
    const sync = track(startSync(pod));
    sync.retain(a);
    sync.retain(b);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(readsOf(pod, a)).toHaveLength(1);
    expect(readsOf(pod, b)).toHaveLength(1);
    expect(sync.getState(a)).toMatchObject({ stopped: true, error: { kind: 'forbidden' } });
    expect(sync.getState(b)).toMatchObject({ stopped: true, error: { kind: 'not-found' } });
  });

  it('malformed bodies become invalid-response errors and unknown categories stay unknown', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const [a, b] = [internal[0]!, internal[1]!];
    pod.faults.add({ route: 'getUser', userId: a, body: '{"category": ', times: 1 });
    pod.faults.add({ route: 'getUser', userId: b, category: 'FOCUSING' });
    const sync = track(startSync(pod));
    sync.retain(a);
    sync.retain(b);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.getState(a).error?.kind).toBe('invalid-response');
    expect(sync.getState(b).presence).toMatchObject({ category: 'FOCUSING', isUnknown: true });
  });

  it('a late response never overwrites newer presence', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const sync = track(startSync(pod));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    const first = sync.getState(id).presence!;
    // The next read is slow; meanwhile the user changes and another tab shares the newer value.
    pod.faults.add({ route: 'getUser', userId: id, latencyMs: 30 * SECOND, times: 1 });
    await vi.advanceTimersByTimeAsync(MINUTE);
    pod.setUserPresence(id, 'ON_THE_PHONE');
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    await vi.advanceTimersByTimeAsync(40 * SECOND);
    expect(first.timestamp).toBeDefined();
    expect(sync.getState(id).presence?.timestamp).toBeGreaterThanOrEqual(first.timestamp!);
  });
});

describe('visibility and housekeeping', () => {
  it('a hidden page stops polling and resumes within budget when shown', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    let visible = true;
    const listeners = new Set<() => void>();
    const sync = track(
      startSync(pod, {
        visibility: { isVisible: () => visible, subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) },
      }),
    );
    sync.retain(internal[0]!);
    await vi.advanceTimersByTimeAsync(SECOND);
    visible = false;
    listeners.forEach((l) => l());
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    expect(readsOf(pod, internal[0]!)).toHaveLength(1);
    visible = true;
    listeners.forEach((l) => l());
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(readsOf(pod, internal[0]!)).toHaveLength(2);
  });
});

/**
 * Cases the mutation run (MUTATION.md) found unguarded: the scheduler's own guards, the budget of a
 * read that was never sent, and what a failure that is nobody's fault leaves on screen.
 */
describe('guards and failures that are not the user’s', () => {
  const V3 = 'GET /v3/user/{uid}/presence';

  /** The pod's client with some calls replaced. */
  function clientWith(pod: ReturnType<typeof setupPod>, replace: Partial<SymphonyClient>): SymphonyClient {
    return { ...podClient(pod), ...replace };
  }

  it('reads nothing before start, and starts reading what was retained meanwhile', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const sync = track(new PresenceSync(podClient(pod), { random: () => 0.5 }));
    sync.retain(id);
    void sync.read(id).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(readsOf(pod, id)).toHaveLength(0);
    expect(sync.stats().timers).toBe(0);
    sync.start();
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(readsOf(pod, id)).toHaveLength(1);
  });

  it('a set before start (which teaches who the user is) starts no read, listing or registration', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const sync = track(new PresenceSync(podClient(pod), { random: () => 0.5 }));
    sync.retain(internal[0]!);
    sync.retain(external[0]!);
    sync.retainPodListing();
    await sync.setOwnPresence({ category: 'BUSY' });
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    expect(pod.ledger.map((e) => e.route)).toEqual(['setOwn']);
    expect(sync.stats().timers).toBe(0);
  });

  it('an external read is filed for a reload as soon as it is sent, not when it answers', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const id = external[0]!;
    const kept = memoryPersistence();
    let saved: PersistedEntry[] = [];
    const persistence = { ...kept, save: (identity: string, entries: PersistedEntry[]) => ((saved = entries), kept.save(identity, entries)) };
    const sync = track(startSync(pod, { persistence }));
    // The tab may die right after sending (no pagehide): the next page must know the budget was spent.
    let filedAtSend: PersistedEntry | undefined;
    sync.subscribe((e) => {
      // Looked at once the engine's synchronous step ends, before any answer can arrive.
      if (e.type === 'request' && e.kind === 'read' && e.key === id) queueMicrotask(() => (filedAtSend = saved.find((k) => k.key === id)));
    });
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(filedAtSend?.lastReadAt).toBe(sync.getState(id).lastReadAt);
  });

  it('leaves no timer behind when a read ends after destroy', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    pod.faults.add({ route: 'getUser', userId: id, latencyMs: 10 * SECOND, times: 1 });
    const sync = startSync(pod);
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    sync.destroy();
    await vi.advanceTimersByTimeAsync(20 * SECOND);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a tab that stops leading keeps no read timer', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const hub = createMemoryCoordinatorHub();
    const tab = hub.connect();
    const first = track(startSync(pod, { coordinator: tab }));
    await vi.advanceTimersByTimeAsync(0);
    track(startSync(pod, { coordinator: hub.connect() }));
    for (const id of internal.slice(0, 3)) first.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(first.stats().timers).toBeGreaterThanOrEqual(3);
    tab.yieldLeadership();
    await vi.advanceTimersByTimeAsync(0);
    // Only the follower's own timers remain: the wish list's announce and refresh.
    expect(first.stats().timers).toBeLessThanOrEqual(2);
  });

  it('the own presence is never counted as an external read', async () => {
    const pod = setupPod();
    const events: SyncEvent[] = [];
    const sync = new PresenceSync(podClient(pod), { random: () => 0.5 });
    track(sync).subscribe((e) => events.push(e));
    sync.start().retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    const reads = events.filter((e) => e.type === 'request' && e.kind === 'read');
    expect(reads).toEqual([expect.objectContaining({ key: 'self', external: false })]);
  });

  it('a failure that is not an API error is shown typed, under the endpoint that was called', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const client = clientWith(pod, {
      getUserPresence: () => Promise.reject(new Error('socket hang up')),
    });
    const sync = track(startSync(pod, {}, client));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.getState(id).error).toMatchObject({ kind: 'invalid-response', endpoint: V3 });
    const own = track(startSync(pod, {}, clientWith(pod, { getOwnPresence: () => Promise.reject(new Error('x')) })));
    own.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(own.getState('self').error).toMatchObject({ kind: 'invalid-response', endpoint: 'GET /v2/user/presence' });
  });

  it('an aborted read is no error: nothing is shown and the next read is not delayed', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const real = podClient(pod);
    let calls = 0;
    const client = clientWith(pod, {
      getUserPresence: (user, options) =>
        ++calls === 1
          ? Promise.reject(new PresenceApiError({ kind: 'aborted', status: 0, endpoint: V3 }))
          : real.getUserPresence(user, options),
    });
    const events: SyncEvent[] = [];
    const sync = track(startSync(pod, {}, client));
    sync.subscribe((e) => events.push(e));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(sync.getState(id).error).toBeUndefined();
    // No back-off: the next read is at the plain interval.
    expect(sync.getState(id).nextReadAt).toBe(sync.getState(id).lastReadAt! + MINUTE);
  });

  it('a read stopped before it was sent (the session changed) spends no budget and shows no error', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const id = external[0]!;
    const real = podClient(pod);
    let stopped = 0;
    const client = clientWith(pod, {
      getUserPresence: (user, options) =>
        user === id && stopped++ === 0
          ? Promise.reject(new PresenceApiError({ kind: 'session-changed', status: 0, endpoint: V3 }))
          : real.getUserPresence(user, options),
    });
    const sync = track(startSync(pod, {}, client));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect(sync.getState(id).error).toBeUndefined();
    // Read again at once, within the same session's budget: the stopped read cost nothing.
    expect(sync.getState(id).presence?.userId).toBe(id);
    expect(readsOf(pod, id)).toHaveLength(1);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('a read refused as sent under a changed session keeps its budget spent, and shows no error', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const id = external[0]!;
    const real = podClient(pod);
    let refused = 0;
    const client = clientWith(pod, {
      getUserPresence: async (user, options) => {
        if (user !== id || refused++ > 0) return real.getUserPresence(user, options);
        // Sent: the pod saw it (and counted it) before the session turned out to have changed.
        await real.getUserPresence(user, options);
        throw new PresenceApiError({ kind: 'session-changed', status: 401, endpoint: V3 });
      },
    });
    const sync = track(startSync(pod, {}, client));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect(sync.getState(id).error).toBeUndefined();
    expect(readsOf(pod, id)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    expect(readsOf(pod, id)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(readsOf(pod, id)).toHaveLength(2);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('when the own presence ends without an answer or an error, users wait with a typed error, not a hang', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    let ownCalls = 0;
    const real = podClient(pod);
    const client = clientWith(pod, {
      getOwnPresence: (options) =>
        ++ownCalls === 1
          ? Promise.reject(new PresenceApiError({ kind: 'aborted', status: 0, endpoint: 'GET /v2/user/presence' }))
          : real.getOwnPresence(options),
    });
    const sync = track(startSync(pod, {}, client));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(0);
    expect(sync.getState(id).error).toMatchObject({ kind: 'network', status: 0, endpoint: 'GET /v2/user/presence' });
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(sync.getState(id).error).toBeUndefined();
    expect(sync.getState(id).presence?.userId).toBe(id);
  });

  it('only a 401 drops what was saved for a reload; other failures keep it', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const [a, b] = [internal[0]!, internal[1]!];
    const kept = memoryPersistence();
    let cleared = 0;
    const persistence = { ...kept, clear: () => (cleared++, kept.clear()) };
    const real = podClient(pod);
    let failWith: PresenceApiError | undefined;
    const client = clientWith(pod, {
      getUserPresence: (user, options) => (user === b && failWith ? Promise.reject(failWith) : real.getUserPresence(user, options)),
    });
    const sync = track(startSync(pod, { persistence }, client));
    sync.retain(a);
    sync.retain(b);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    failWith = new PresenceApiError({ kind: 'server', status: 500, endpoint: V3 });
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(sync.getState(b).error?.kind).toBe('server');
    expect(cleared).toBe(0);
    failWith = new PresenceApiError({ kind: 'unauthorized', status: 401, endpoint: V3 });
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(sync.getState(b).error?.kind).toBe('unauthorized');
    expect(cleared).toBeGreaterThan(0);
  });

  it('a recovered read clears the error on screen even when the status did not change', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod));
    const id = await colleagueWithError(pod, sync);
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(sync.getState(id).error).toBeUndefined();
    expect(events).toContainEqual(expect.objectContaining({ type: 'presence', key: id }));
  });

  it('an own read sent while a set is on its way does not bring back the old status', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.getState('self').presence?.category).toBe('AVAILABLE');
    // The set takes 5 s to reach the pod; the next own read (at 60 s) is answered before it lands.
    await vi.advanceTimersByTimeAsync(58 * SECOND);
    pod.faults.add({ route: 'setOwn', latencyMs: 5 * SECOND, times: 1 });
    const set = sync.setOwnPresence({ category: 'BUSY' });
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    await set;
    expect(pod.ledger.filter((e) => e.route === 'getOwn').length).toBeGreaterThanOrEqual(2);
    expect(sync.getState('self').presence?.category).toBe('BUSY');
  });

  it('an own read answered before a set but arriving after it does not bring back the old status', async () => {
    const pod = setupPod();
    const real = podClient(pod);
    let slow = false;
    const client = clientWith(pod, {
      getOwnPresence: async (options) => {
        const answer = await real.getOwnPresence(options);
        // The answer is on its way back while the user sets a new status.
        if (slow) await new Promise((resolve) => setTimeout(resolve, 5 * SECOND));
        return answer;
      },
    });
    const sync = track(startSync(pod, {}, client));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.getState('self').presence?.category).toBe('AVAILABLE');
    slow = true;
    await vi.advanceTimersByTimeAsync(MINUTE);
    await sync.setOwnPresence({ category: 'BUSY' });
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(sync.getState('self').presence?.category).toBe('BUSY');
    expect(events.filter((e) => e.type === 'presence' && e.presence.category !== 'BUSY')).toEqual([]);
  });
});
