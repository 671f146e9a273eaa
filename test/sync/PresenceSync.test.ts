// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toUserId, type UserIdInput } from '../../src/model';
import { PresenceSync, createMemoryCoordinatorHub } from '../../src/sync';
import { MINUTE, SECOND, budgetViolations, podClient, readsOf, setupPod, startSync, usersOf } from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
});

describe('dashboard within budget', () => {
  it('50 internal and 50 external users shown 3 times each for 2 hours: no 429, one read per user per interval', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const shown = [...internal.slice(0, 50), ...external.slice(0, 50)];
    expect(shown).toHaveLength(100);
    const sync = track(startSync(pod));
    const releases = shown.flatMap((id) => [sync.retain(id), sync.retain(id), sync.retain(id)]);
    sync.retain('self');

    // Remount a third of the badges every 10 minutes: release and retain again at once.
    // Stop 1 ms short of 2 h so that no read sits exactly on the boundary.
    for (let minute = 0; minute < 120; minute += 10) {
      await vi.advanceTimersByTimeAsync(10 * MINUTE - (minute === 110 ? 1 : 0));
      for (let i = 0; i < releases.length; i += 3) {
        releases[i]!();
        releases[i] = sync.retain(shown[i / 3]!);
      }
    }
    expect(budgetViolations(pod)).toEqual([]);
    const internalReads = internal.slice(0, 50).map((id) => readsOf(pod, id).length);
    const externalReads = external.slice(0, 50).map((id) => readsOf(pod, id).length);
    // t=0 plus one per minute: 0, 1, ..., 119 minutes.
    expect(new Set(internalReads)).toEqual(new Set([120]));
    // The external gap is 5 min + 1 s safety: reads at 0, 301 s, ... within 7200 s.
    expect(new Set(externalReads)).toEqual(new Set([Math.floor(7200 / 301) + 1]));
    const registrations = pod.ledger.filter((e) => e.route === 'register');
    // One batch at start, then renewals every 55 minutes (twice in 2 h): all in batches, no per-user POSTs.
    expect(registrations).toHaveLength(3);
    expect(registrations[0]!.userIds).toHaveLength(50);
    for (const s of shown) expect(sync.getState(s).presence).toBeDefined();
  }, 60_000);

  it('a remount within 5 minutes does not read an external user again', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const sync = track(startSync(pod));
    const id = external[0]!;
    for (let i = 0; i < 20; i++) {
      const release = sync.retain(id);
      await vi.advanceTimersByTimeAsync(5 * SECOND);
      release();
      await expect(sync.read(id)).resolves.toMatchObject({ userId: id });
    }
    expect(readsOf(pod, id)).toHaveLength(1);
  });
});

/** The facade's own promises: its lifecycle, `read`, `retain`, `retry` and what it reports. */
describe('the engine’s public API', () => {
  it('start is idempotent and does nothing after destroy', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const sync = track(startSync(pod));
    sync.start();
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(readsOf(pod, id)).toHaveLength(1);
    const joined = vi.fn(() => createMemoryCoordinatorHub().connect());
    const late = new PresenceSync(podClient(pod), { coordinator: joined });
    late.destroy();
    late.destroy();
    expect(late.isDestroyed).toBe(true);
    late.retain(id);
    late.start();
    await vi.advanceTimersByTimeAsync(MINUTE - 2 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(1);
    // Nor does it join the other tabs.
    expect(joined).not.toHaveBeenCalled();
  });

  it('a coordinator factory that finds no channel falls back to this tab alone; a Graph-style client never shares', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const sync = track(startSync(pod, { coordinator: () => undefined }));
    sync.retain(internal[0]!);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.getState(internal[0]!).presence).toBeDefined();
    const hub = createMemoryCoordinatorHub();
    const made = vi.fn(() => hub.connect());
    const graphStyle = { ...podClient(pod), toKey: (id: UserIdInput) => toUserId(id) };
    const local = track(startSync(pod, { coordinator: made }, graphStyle));
    local.retain(internal[1]!);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(made).not.toHaveBeenCalled();
    expect(local.getState(internal[1]!).presence).toBeDefined();
  });

  it('a follower started later announces what it shows and repeats it, so the leader reads for it', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const hub = createMemoryCoordinatorHub();
    const leaderTab = hub.connect();
    track(startSync(pod, { coordinator: leaderTab }));
    await vi.advanceTimersByTimeAsync(0);
    const heard: string[] = [];
    const spy = hub.connect();
    spy.onMessage((m) => heard.push(m.t));
    const follower = track(startSync(pod, { coordinator: hub.connect() }));
    expect(heard).toContain('hello');
    follower.retain(internal[0]!);
    await vi.advanceTimersByTimeAsync(95 * SECOND);
    expect(heard.filter((t) => t === 'want').length).toBeGreaterThanOrEqual(4);
    expect(follower.stats()).toMatchObject({ retained: 1, timers: 1 });
  });

  it('release is idempotent: a second call does not release another badge’s hold', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const sync = track(startSync(pod));
    const release = sync.retain(id);
    sync.retain(id);
    release();
    release();
    expect(sync.stats().retained).toBe(1);
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    expect(readsOf(pod, id).length).toBeGreaterThanOrEqual(3);
  });

  it('read: rejects after destroy, rejects with the current error, resolves what is known at once, and stops waiting when aborted', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const [a, b, c] = [internal[0]!, internal[1]!, internal[2]!];
    pod.faults.add({ route: 'getUser', userId: b, status: 404 });
    const sync = track(startSync(pod));
    sync.retain(a);
    sync.retain(b);
    await vi.advanceTimersByTimeAsync(SECOND);
    const reads = pod.ledger.length;
    await expect(sync.read(a)).resolves.toMatchObject({ userId: a });
    await expect(sync.read(b)).rejects.toMatchObject({ kind: 'not-found' });
    expect(pod.ledger.length).toBe(reads);
    // Aborted before asking: no read; aborted while waiting: the waiter goes.
    const early = new AbortController();
    early.abort();
    await expect(sync.read(c, early.signal)).rejects.toMatchObject({ kind: 'aborted' });
    const late = new AbortController();
    const waiting = sync.read(c, late.signal);
    late.abort();
    await expect(waiting).rejects.toMatchObject({ kind: 'aborted', endpoint: 'presence read' });
    const pending = sync.read(c);
    sync.destroy();
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
    await expect(sync.read(a)).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('retry reads a stopped user again, registering an external one afresh; unknown keys are ignored', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const id = external[0]!;
    const removeFault = pod.faults.add({ route: 'getUser', userId: id, status: 403 });
    const sync = track(startSync(pod));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(20 * MINUTE);
    expect(sync.getState(id)).toMatchObject({ stopped: true, error: { kind: 'forbidden' } });
    const registrations = pod.ledger.filter((e) => e.route === 'register').length;
    removeFault();
    sync.retry(id);
    sync.retry(external[9]!);
    expect(sync.getState(id)).toMatchObject({ stopped: false, error: undefined });
    await vi.advanceTimersByTimeAsync(6 * MINUTE);
    expect(pod.ledger.filter((e) => e.route === 'register').length).toBe(registrations + 1);
    expect(sync.getState(id).presence?.userId).toBe(id);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('says who is external once the own tenant is known, and keys users the same way everywhere', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const sync = track(startSync(pod));
    expect(sync.isExternal(external[0]!)).toBeUndefined();
    expect(sync.selfUserId).toBeUndefined();
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.selfUserId).toBe(pod.defaultUserId);
    expect([sync.isExternal(internal[0]!), sync.isExternal(external[0]!)]).toEqual([false, true]);
    expect(sync.getState('self').external).toBe(false);
    expect(sync.getState(external[0]!)).toMatchObject({ external: true, presence: undefined, nextReadAt: undefined, stopped: false });
    expect([sync.keyOf(), sync.keyOf(null), sync.keyOf('self'), sync.keyOf(Number(internal[0]))]).toEqual([
      'self',
      'self',
      'self',
      internal[0],
    ]);
    expect(sync.localKeyOf(internal[0]!)).toBe(`local:${internal[0]}`);
    expect(() => sync.keyOf('nope')).toThrow();
  });

  it('reports what it holds: entries, retained keys, timers, registrations and other tabs', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const sync = track(startSync(pod));
    const release = sync.retain(internal[0]!);
    sync.retain(external[0]!);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.stats()).toMatchObject({ entries: 3, retained: 2, registrations: 1, remoteTabs: 0 });
    expect(sync.stats().timers).toBeGreaterThanOrEqual(3);
    release();
    expect(sync.stats().retained).toBe(1);
  });

  it('a listener that unsubscribes hears nothing more', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const sync = track(startSync(pod));
    const heard: string[] = [];
    const stop = sync.subscribe((e) => heard.push(e.type));
    sync.retain(internal[0]!);
    await vi.advanceTimersByTimeAsync(SECOND);
    const before = heard.length;
    expect(before).toBeGreaterThan(0);
    stop();
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(heard).toHaveLength(before);
  });

  it('destroy says goodbye to the other tabs', async () => {
    const pod = setupPod();
    const hub = createMemoryCoordinatorHub();
    const sync = startSync(pod, { coordinator: hub.connect() });
    await vi.advanceTimersByTimeAsync(0);
    const heard: string[] = [];
    hub.connect().onMessage((m) => heard.push(m.t));
    sync.destroy();
    expect(heard).toEqual(['bye']);
    const never = new PresenceSync(podClient(pod), { coordinator: hub.connect() });
    never.destroy();
    expect(heard).toEqual(['bye']);
  });
});
