// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceSync, createMemoryCoordinatorHub, type PresenceSyncConfig } from '../../src/sync';
import { HOUR, MINUTE, SECOND, budgetViolations, podClient, readsOf, setupPod, startSync, usersOf } from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
});

describe('visibility and housekeeping', () => {
  it('forgets unused users after they lapse and leaves no timers behind', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const sync = track(startSync(pod));
    const releases = [...internal.slice(0, 20), ...external.slice(0, 20)].map((id) => sync.retain(id));
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    releases.forEach((r) => r());
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    expect(sync.stats()).toMatchObject({ entries: 1, retained: 0, timers: 0, registrations: 0 });
  });
});

describe('the sweep', () => {
  // Not a whole number of minutes: reads of internal users (one a minute) and sweeps do not line up.
  const RETAIN = 10 * MINUTE + 30 * SECOND;
  const config: PresenceSyncConfig = { retainUnusedMs: RETAIN };

  it('keeps an unused user for exactly retainUnusedMs after its last use', async () => {
    const pod = setupPod();
    const [a] = usersOf(pod).internal;
    const sync = track(startSync(pod, config));
    const release = sync.retain(a!);
    await vi.advanceTimersByTimeAsync(SECOND);
    release();
    // One timer: the sweep's (no read is due for a user nobody shows), counted by stats.
    expect(sync.stats().timers).toBe(1);
    await vi.advanceTimersByTimeAsync(RETAIN - 1);
    expect(sync.getState(a!).presence).toBeDefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(sync.getState(a!).presence).toBeUndefined();
    expect(sync.stats()).toMatchObject({ entries: 1, timers: 0 });
  });

  it('sweeps at least a minute apart, even when the next user lapses sooner', async () => {
    const pod = setupPod();
    const [a, b] = usersOf(pod).internal;
    const sync = track(startSync(pod, config));
    const releaseA = sync.retain(a!);
    const releaseB = sync.retain(b!);
    await vi.advanceTimersByTimeAsync(SECOND);
    releaseA();
    await vi.advanceTimersByTimeAsync(30 * SECOND);
    releaseB(); // lapses 30 s after a
    await vi.advanceTimersByTimeAsync(RETAIN - 30 * SECOND);
    expect(sync.getState(a!).presence).toBeUndefined();
    await vi.advanceTimersByTimeAsync(45 * SECOND);
    expect(sync.getState(b!).presence).toBeDefined();
    await vi.advanceTimersByTimeAsync(15 * SECOND);
    expect(sync.getState(b!).presence).toBeUndefined();
  });

  it('never forgets a user still shown, nor one a read waits for, and sets no sweep for them', async () => {
    const pod = setupPod();
    const [shown, awaited, other] = usersOf(pod).internal;
    // The awaited user's first read meets a long Retry-After: it keeps loading, its reader waits.
    pod.faults.add({ route: 'getUser', userId: awaited!, status: 429, retryAfter: String((3 * RETAIN) / SECOND), times: 1 });
    const sync = track(startSync(pod, config));
    sync.retain(shown!);
    let answer: string | undefined;
    void sync.read(awaited!).then((p) => (answer = p.category));
    await vi.advanceTimersByTimeAsync(SECOND);
    // Only the reads' own timers: nobody is unused, so there is nothing to sweep.
    expect(sync.stats().timers).toBe(2);
    expect(vi.getTimerCount()).toBe(2);
    // Another user falls unused: the sweeps run while the two above stay.
    sync.retain(other!)();
    await vi.advanceTimersByTimeAsync(2 * RETAIN);
    expect(sync.getState(other!).presence).toBeUndefined();
    expect(sync.getState(shown!).presence).toBeDefined();
    expect(sync.stats().retained).toBe(1);
    await vi.advanceTimersByTimeAsync(RETAIN + SECOND);
    expect(answer).toBeDefined();
  });

  it('keeps the users another tab shows, read one interval apart, however often the sweep runs', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const [x, y] = internal;
    const hub = createMemoryCoordinatorHub();
    // Sweeps land 5 s before each read of x is due (x is first read 40 s in; keep 10 min 35 s).
    const keep = { retainUnusedMs: 10 * MINUTE + 35 * SECOND };
    const leader = track(startSync(pod, { ...keep, coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const follower = track(startSync(pod, { ...keep, coordinator: hub.connect() }));
    leader.retain(y!)(); // the leader's own unused user: its sweeps run
    await vi.advanceTimersByTimeAsync(40 * SECOND);
    follower.retain(x!);
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    expect(leader.getState(x!).lastReadAt).toBeDefined();
    const times = readsOf(pod, x!).map((e) => e.time);
    expect(times).toHaveLength(30);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(MINUTE);
  });

  it('forgets a user only a vanished tab showed, and reads it no more', async () => {
    const pod = setupPod();
    const [x] = usersOf(pod).internal;
    const hub = createMemoryCoordinatorHub();
    const leader = track(startSync(pod, { ...config, coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const tab = hub.connect();
    track(startSync(pod, { ...config, coordinator: tab })).retain(x!);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect(leader.getState(x!).presence).toBeDefined();
    tab.freeze(true); // crashed: no goodbye, no more wish lists
    // The first sweep finds the tab gone and stops the reads; the next one, a minute on and
    // past the last read's interval, forgets the user.
    await vi.advanceTimersByTimeAsync(RETAIN + MINUTE);
    expect(leader.getState(x!).presence).toBeUndefined();
    const reads = readsOf(pod, x!).length;
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(readsOf(pod, x!)).toHaveLength(reads);
  });

  it('sets no sweep before start or after destroy, and destroy drops a planned one', async () => {
    const pod = setupPod();
    const [a, b] = usersOf(pod).internal;
    const sync = track(new PresenceSync(podClient(pod), { ...config, random: () => 0.5 }));
    sync.retain(a!)();
    expect(vi.getTimerCount()).toBe(0);
    sync.start();
    await vi.advanceTimersByTimeAsync(SECOND);
    sync.retain(a!)();
    sync.retain(b!)(); // a second user falling unused plans no second sweep
    expect(sync.stats().timers).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    sync.destroy();
    expect(vi.getTimerCount()).toBe(0);
    sync.retain(a!)();
    expect(vi.getTimerCount()).toBe(0);
    expect(sync.stats().timers).toBe(0);
  });

  it('keeps a user whose read is still out', async () => {
    const pod = setupPod();
    const [x] = usersOf(pod).external;
    // A read that takes longer than the user is kept unused (the engine waits for it).
    pod.faults.add({ route: 'getUser', userId: x!, latencyMs: RETAIN + 2 * MINUTE, times: 1 });
    const sync = track(startSync(pod, { ...config, requestTimeoutMs: HOUR }));
    const release = sync.retain(x!);
    await vi.advanceTimersByTimeAsync(SECOND); // registered, read sent
    release();
    await vi.advanceTimersByTimeAsync(RETAIN + 2 * MINUTE);
    expect(readsOf(pod, x!)).toHaveLength(1);
    expect(sync.getState(x!).presence?.userId).toBe(x);
    sync.retain(x!);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(readsOf(pod, x!)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(readsOf(pod, x!)).toHaveLength(2);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('keeps an external user until its read gap has run, even when it lapsed first', async () => {
    const pod = setupPod();
    const [x] = usersOf(pod).external;
    // The shortest keep allowed (5 minutes) and a read released while out: the gap runs from its end.
    pod.faults.add({ route: 'getUser', userId: x!, latencyMs: 3 * SECOND, times: 1 });
    const sync = track(startSync(pod, { retainUnusedMs: 5 * MINUTE }));
    const release = sync.retain(x!);
    await vi.advanceTimersByTimeAsync(SECOND);
    release();
    await vi.advanceTimersByTimeAsync(5 * MINUTE + 500);
    // Shown again just after it lapsed: the engine still knows it read this user 5 minutes ago.
    sync.retain(x!);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(readsOf(pod, x!)).toHaveLength(2);
    expect(budgetViolations(pod)).toEqual([]);
    expect(pod.stats().byStatus[429] ?? 0).toBe(0);
  });

  it('forgets an external user the moment both its keep and its read gap have run', async () => {
    const pod = setupPod();
    const [x] = usersOf(pod).external;
    const sync = track(startSync(pod, { retainUnusedMs: 5 * MINUTE }));
    const release = sync.retain(x!);
    await vi.advanceTimersByTimeAsync(SECOND);
    // Released 1 s after its read: both the keep (5 min) and the gap (5 min + 1 s margin) end together.
    await vi.advanceTimersByTimeAsync(sync.getState(x!).lastReadAt! + SECOND - Date.now());
    release();
    await vi.advanceTimersByTimeAsync(5 * MINUTE - 1);
    expect(sync.getState(x!).presence).toBeDefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(sync.getState(x!).presence).toBeUndefined();
  });
});
