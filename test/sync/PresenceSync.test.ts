// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceApiError } from '../../src/client';
import type { UserId } from '../../src/model';
import { createMemoryCoordinatorHub, type PresenceSync, type SyncEvent } from '../../src/sync';
import { HOUR, MINUTE, SECOND, T0, budgetViolations, readsOf, setupPod, startSync, usersOf } from './harness';

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

  it('never registers internal users and registers external ones before their first read', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const sync = track(startSync(pod));
    sync.retain(internal[0]!);
    sync.retain(external[0]!);
    sync.retain(external[1]!);
    await vi.advanceTimersByTimeAsync(SECOND);
    const register = pod.ledger.filter((e) => e.route === 'register');
    expect(register).toHaveLength(1);
    expect([...register[0]!.userIds!].sort()).toEqual([external[0], external[1]].sort());
    const firstExternalRead = pod.ledger.findIndex((e) => e.route === 'getUser' && e.external);
    expect(firstExternalRead).toBeGreaterThan(pod.ledger.indexOf(register[0]!));
    expect(sync.getState(external[0]!).external).toBe(true);
    expect(sync.getState(internal[0]!).external).toBe(false);
  });

  it('drops registration renewals for users no longer shown', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const sync = track(startSync(pod));
    const releaseA = sync.retain(external[0]!);
    sync.retain(external[1]!);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    releaseA();
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    const renewals = pod.ledger.filter((e) => e.route === 'register').slice(1);
    expect(renewals.length).toBeGreaterThan(0);
    for (const r of renewals) expect(r.userIds).toEqual([external[1]]);
    expect(budgetViolations(pod)).toEqual([]);
  });

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

  it('an unknown id in a registration batch does not block the others', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const ghost = (BigInt(external[0]!) + 100_000n).toString() as UserId;
    const sync = track(startSync(pod));
    sync.retain(external[0]!);
    sync.retain(ghost);
    sync.retain(external[1]!);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(sync.getState(external[0]!).presence).toBeDefined();
    expect(sync.getState(external[1]!).presence).toBeDefined();
    expect(sync.getState(ghost).error?.kind).toBe('not-found');
    expect(budgetViolations(pod)).toEqual([]);
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

describe('own presence writes', () => {
  it('coalesces quick successive sets and ends with the last choice, on the pod and on screen', async () => {
    const pod = setupPod({ latencyMs: 200 });
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    const a = sync.setOwnPresence({ category: 'BUSY' });
    const b = sync.setOwnPresence({ category: 'ON_THE_PHONE' });
    const c = sync.setOwnPresence({ category: 'BE_RIGHT_BACK' });
    expect(sync.getState('self').presence?.category).toBe('BE_RIGHT_BACK');
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    await expect(Promise.all([a, b, c])).resolves.toHaveLength(3);
    expect(pod.getUser(pod.defaultUserId)?.chosenCategory).toBe('BE_RIGHT_BACK');
    expect(sync.getState('self').presence?.category).toBe('BE_RIGHT_BACK');
    const sets = pod.ledger.filter((e) => e.route === 'setOwn');
    expect(sets.length).toBeLessThanOrEqual(2);
  });

  it('rolls back to the confirmed state when the set fails, and rejects', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    const before = sync.getState('self').presence!.category;
    pod.faults.add({ route: 'setOwn', status: 403 });
    const result = sync.setOwnPresence({ category: before === 'BUSY' ? 'AVAILABLE' : 'BUSY' });
    expect(sync.getState('self').presence?.category).not.toBe(before);
    await expect(result).rejects.toBeInstanceOf(PresenceApiError);
    expect(sync.getState('self').presence?.category).toBe(before);
  });

  it('a set during a 429 back-off still ends with the last choice', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    pod.faults.add({ route: 'setOwn', status: 429, retryAfter: '5', times: 1 });
    const a = sync.setOwnPresence({ category: 'BUSY' });
    await vi.advanceTimersByTimeAsync(SECOND);
    const b = sync.setOwnPresence({ category: 'OUT_OF_OFFICE' });
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    await Promise.all([a, b]);
    expect(pod.getUser(pod.defaultUserId)?.chosenCategory).toBe('OUT_OF_OFFICE');
    expect(sync.getState('self').presence?.category).toBe('OUT_OF_OFFICE');
  });

  it('a poll that started before a set does not bring the old state back', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    pod.faults.add({ route: 'getOwn', latencyMs: 5 * SECOND, times: 1 });
    await vi.advanceTimersByTimeAsync(60 * SECOND); // the slow poll is now in flight
    await sync.setOwnPresence({ category: 'IN_A_MEETING' });
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(sync.getState('self').presence?.category).toBe('IN_A_MEETING');
  });
});

describe('tabs', () => {
  it('several tabs share one poller: the request count does not grow with tabs, and the limit holds', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const shown = [...internal.slice(0, 10), ...external.slice(0, 10)];
    const hub = createMemoryCoordinatorHub();
    const tabs = [0, 1, 2].map(() => track(startSync(pod, { coordinator: hub.connect() })));
    await vi.advanceTimersByTimeAsync(0);
    for (const tab of tabs) for (const id of shown) tab.retain(id);
    await vi.advanceTimersByTimeAsync(30 * MINUTE - 1);
    expect(budgetViolations(pod)).toEqual([]);
    for (const id of internal.slice(0, 10)) expect(readsOf(pod, id)).toHaveLength(30);
    for (const tab of tabs) for (const id of shown) expect(tab.getState(id).presence).toBeDefined();
  });

  it('a follower shows users only it displays, read by the leader', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const hub = createMemoryCoordinatorHub();
    const leader = track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const follower = track(startSync(pod, { coordinator: hub.connect() }));
    follower.retain(external[3]!);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect(follower.getState(external[3]!).presence?.userId).toBe(external[3]);
    expect(leader.getState(external[3]!).presence).toBeDefined();
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('when the polling tab closes another takes over within one interval, and limits still hold', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const hub = createMemoryCoordinatorHub();
    const first = track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const second = track(startSync(pod, { coordinator: hub.connect() }));
    for (const tab of [first, second]) {
      tab.retain(internal[0]!);
      tab.retain(external[0]!);
    }
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    first.destroy();
    const before = readsOf(pod, internal[0]!).length;
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(readsOf(pod, internal[0]!).length).toBe(before + 1);
    await vi.advanceTimersByTimeAsync(20 * MINUTE);
    expect(budgetViolations(pod)).toEqual([]);
    expect(second.getState(external[0]!).presence).toBeDefined();
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

describe('sources with batch reads and no external rules', () => {
  it('reads users that fall due together in one call and never registers', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const base = (await import('./harness')).podClient(pod);
    const batches: string[][] = [];
    const client = {
      ...base,
      capabilities: { externalLimits: false, maxBatch: 3 },
      async getUsersPresence(ids: readonly UserId[]) {
        batches.push([...ids]);
        // Leave the last id out: it must fail as not-found, not hang.
        return Promise.all(ids.slice(0, -1).map((id) => base.getUserPresence(id)));
      },
      registerInterest: () => Promise.reject(new Error('must not register')),
    };
    const sync = track(startSync(pod, {}, client));
    const ids = [...internal.slice(0, 3), ...external.slice(0, 2)];
    for (const id of ids) sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(batches.map((b) => b.length)).toEqual([3, 2]);
    expect(sync.getState(ids[2]!).error?.kind).toBe('not-found');
    expect(sync.getState(ids[0]!).presence).toBeDefined();
    expect(sync.getState(external[0]!).external).toBe(false);
    expect(pod.ledger.filter((e) => e.route === 'register')).toHaveLength(0);
  });
});

describe('publishing', () => {
  it('an answer that says nothing new is not published (offline timestamps move with every call)', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    pod.setOnline(id, false);
    const sync = track(startSync(pod));
    const published: SyncEvent[] = [];
    sync.subscribe((e) => e.type === 'presence' && e.key === id && published.push(e));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(readsOf(pod, id).length).toBeGreaterThanOrEqual(10);
    expect(published).toHaveLength(1);
    pod.setOnline(id, true);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(published).toHaveLength(2);
    expect(sync.getState(id).presence?.category).not.toBe('OFFLINE');
  });
});
