// @vitest-environment node
/**
 * The read budget, to the millisecond: when the engine reads a user again (SYM-RI-6: an external
 * user at most once per 5 minutes), where the gap starts after a slow or abandoned read, and the
 * budget check made again after waiting for the interest registration. Through the engine's public
 * API on the emulator, with fake timers.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UserId } from '../../src/model';
import { createMemoryCoordinatorHub, type MemoryTab, type PresenceSync, type PresenceSyncConfig } from '../../src/sync';
import { MINUTE, SECOND, T0, budgetViolations, readsOf, setupPod, startSync, usersOf } from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
});

/** Times (from T0) at which the engine started reads of `key`. */
function readStarts(sync: PresenceSync, key: string): number[] {
  const at: number[] = [];
  sync.subscribe((e) => {
    if (e.type === 'request' && e.kind === 'read' && e.key === key) at.push(e.at - T0);
  });
  return at;
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

/** One user shown for `forMs`; the gaps between the engine's reads of it. */
async function readGaps(kind: 'internal' | 'external', config: PresenceSyncConfig, forMs: number) {
  const pod = setupPod();
  const id = usersOf(pod)[kind][0]!;
  const sync = track(startSync(pod, { persistence: false, ...config }));
  const starts = readStarts(sync, id);
  sync.retain(id);
  await vi.advanceTimersByTimeAsync(forMs);
  return { pod, id, sync, gaps: gaps(starts) };
}

describe('the gap between reads of one user', () => {
  it('an external user is read again 5 minutes and 1 s after the last read, not a millisecond sooner (SYM-RI-6)', async () => {
    const { pod, id, sync, gaps: between } = await readGaps('external', {}, 16 * MINUTE);
    expect(between).toEqual([301 * SECOND, 301 * SECOND, 301 * SECOND]);
    const state = sync.getState(id);
    expect(state.nextReadAt! - state.lastReadAt!).toBe(301 * SECOND);
    expect(gaps(readsOf(pod, id).map((e) => e.time))).toEqual([301 * SECOND, 301 * SECOND, 301 * SECOND]);
  });

  it('a longer externalIntervalMs is kept as it is', async () => {
    const { gaps: between } = await readGaps('external', { externalIntervalMs: 10 * MINUTE }, 25 * MINUTE);
    expect(between).toEqual([10 * MINUTE, 10 * MINUTE]);
  });

  it('an externalIntervalMs under 5 minutes is raised to 5 minutes plus the margin (SYM-RI-6)', async () => {
    const { gaps: between } = await readGaps('external', { externalIntervalMs: MINUTE }, 11 * MINUTE);
    expect(between).toEqual([301 * SECOND, 301 * SECOND]);
  });

  it('externalSafetyMarginMs widens the 5 minutes; a negative margin counts as none', async () => {
    expect((await readGaps('external', { externalSafetyMarginMs: 5 * SECOND }, 11 * MINUTE)).gaps).toEqual([305 * SECOND, 305 * SECOND]);
    vi.useRealTimers();
    expect((await readGaps('external', { externalSafetyMarginMs: -5 * SECOND }, 11 * MINUTE)).gaps).toEqual([5 * MINUTE, 5 * MINUTE]);
  });

  it('an internal user is read every internalIntervalMs, at most every 10 s', async () => {
    expect((await readGaps('internal', {}, 3 * MINUTE)).gaps).toEqual([MINUTE, MINUTE, MINUTE]);
    vi.useRealTimers();
    expect((await readGaps('internal', { internalIntervalMs: 20 * SECOND }, MINUTE)).gaps).toEqual([20 * SECOND, 20 * SECOND, 20 * SECOND]);
    vi.useRealTimers();
    expect((await readGaps('internal', { internalIntervalMs: SECOND }, 30 * SECOND)).gaps).toEqual([10 * SECOND, 10 * SECOND, 10 * SECOND]);
  });
});

describe('where the external gap starts', () => {
  it('after a slow read, at its answer: the pod counts the read when it handles it (SYM-RI-6)', async () => {
    const pod = setupPod();
    const id = usersOf(pod).external[0]!;
    pod.faults.add({ route: 'getUser', userId: id, latencyMs: MINUTE, times: 1 });
    const sync = track(startSync(pod, { persistence: false, requestTimeoutMs: 2 * MINUTE }));
    const starts = readStarts(sync, id);
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    // The first read started at starts[0] and was answered a minute later.
    expect(gaps(starts)[0]).toBe(MINUTE + 301 * SECOND);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('after a read it gave up on, one more timeout later: the request may still reach the pod (SYM-RI-6)', async () => {
    const pod = setupPod();
    const id = usersOf(pod).external[0]!;
    // Longer than the engine's 5 s timeout: it gives up; the pod still counts the read at 8 s.
    pod.faults.add({ route: 'getUser', userId: id, latencyMs: 8 * SECOND, times: 1 });
    const sync = track(startSync(pod, { persistence: false, requestTimeoutMs: 5 * SECOND }));
    const starts = readStarts(sync, id);
    const errors: number[] = [];
    sync.subscribe((e) => {
      if (e.type === 'error' && e.key === id) errors.push(Date.now() - T0);
    });
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(errors).toEqual([starts[0]! + 5 * SECOND]);
    // Given up at 5 s, plus one more timeout (5 s), plus 5 minutes and 1 s.
    expect(gaps(starts)[0]).toBe(10 * SECOND + 301 * SECOND);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('a timeout under 1 s counts as 1 s', async () => {
    const pod = setupPod();
    const id = usersOf(pod).internal[0]!;
    pod.faults.add({ route: 'getUser', userId: id, latencyMs: 5 * SECOND, times: 1 });
    const sync = track(startSync(pod, { persistence: false, requestTimeoutMs: 10 }));
    const errors: number[] = [];
    sync.subscribe((e) => {
      if (e.type === 'error' && e.key === id) errors.push(Date.now() - T0);
    });
    const starts = readStarts(sync, id);
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(3 * SECOND);
    expect(errors).toEqual([starts[0]! + SECOND]);
  });

  it('other tabs learn where the gap of a slow read starts: a tab taking over waits from the answer', async () => {
    const pod = setupPod();
    const id = usersOf(pod).external[0]!;
    pod.faults.add({ route: 'getUser', userId: id, latencyMs: MINUTE, times: 1 });
    const hub = createMemoryCoordinatorHub();
    const tabA = hub.connect();
    const a = track(startSync(pod, { persistence: false, coordinator: tabA, requestTimeoutMs: 2 * MINUTE }));
    await vi.advanceTimersByTimeAsync(0);
    const b = track(startSync(pod, { persistence: false, coordinator: hub.connect(), requestTimeoutMs: 2 * MINUTE }));
    a.retain(id);
    b.retain(id);
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(readsOf(pod, id)).toHaveLength(1);
    a.destroy();
    const starts = readStarts(b, id);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    const answeredAt = readsOf(pod, id)[0]!.time - T0;
    expect(starts[0]).toBe(answeredAt + 301 * SECOND);
    expect(budgetViolations(pod)).toEqual([]);
  });
});

describe('the budget is checked again after waiting for the registration', () => {
  /**
   * Two tabs showing one external user; registrations take 1 s at the pod, then `laterMs`.
   * Returns while the first tab's registration is on its way.
   */
  async function twoTabs(laterMs: number) {
    const pod = setupPod();
    const id: UserId = usersOf(pod).external[0]!;
    pod.faults.add({ route: 'register', latencyMs: SECOND, times: 1 });
    pod.faults.add({ route: 'register', latencyMs: laterMs, times: 1 });
    const hub = createMemoryCoordinatorHub();
    const tabA: MemoryTab = hub.connect();
    const config = { persistence: false as const, selfTenant: pod.getUser(pod.defaultUserId)!.tenantId };
    const a = track(startSync(pod, { ...config, coordinator: tabA }));
    await vi.advanceTimersByTimeAsync(0);
    const tabB: MemoryTab = hub.connect();
    track(startSync(pod, { ...config, coordinator: tabB }));
    a.retain(id);
    await vi.advanceTimersByTimeAsync(200);
    expect(pod.ledger.filter((e) => e.route === 'register')).toHaveLength(0);
    expect(hub.leaderTabId).toBe(tabA.tabId);
    return { pod, id, tabA, tabB };
  }

  it('a tab that lost the lead meanwhile does not read: the new leader does (SYM-RI-6)', async () => {
    // B's own registration is slower: A's wait ends before B reads.
    const { pod, id, tabA, tabB } = await twoTabs(3 * SECOND);
    tabA.yieldLeadership();
    expect(tabB.isLeader()).toBe(true);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(1);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('a tab that got the lead back does not read a user another tab read meanwhile (SYM-RI-6)', async () => {
    const { pod, id, tabA, tabB } = await twoTabs(0);
    tabA.yieldLeadership();
    // B registers and reads while A still waits for its registration.
    await vi.advanceTimersByTimeAsync(300);
    expect(readsOf(pod, id)).toHaveLength(1);
    tabB.yieldLeadership();
    expect(tabA.isLeader()).toBe(true);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(1);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('an engine destroyed meanwhile does not read', async () => {
    const pod = setupPod();
    const id = usersOf(pod).external[0]!;
    pod.faults.add({ route: 'register', latencyMs: SECOND, times: 1 });
    // One tab: it stays its own leader after destroy, so only the engine's own state can stop the read.
    const sync = startSync(pod, { persistence: false, selfTenant: pod.getUser(pod.defaultUserId)!.tenantId });
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(200);
    sync.destroy();
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(pod.ledger.filter((e) => e.route === 'register')).toHaveLength(1);
    expect(readsOf(pod, id)).toHaveLength(0);
  });
});
