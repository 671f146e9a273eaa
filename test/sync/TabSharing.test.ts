// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryCoordinatorHub, type PresenceSync } from '../../src/sync';
import { MINUTE, SECOND, budgetViolations, readsOf, setupPod, startSync, usersOf } from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
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
