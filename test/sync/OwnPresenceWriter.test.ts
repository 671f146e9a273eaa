// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceApiError } from '../../src/client';
import type { PresenceSync } from '../../src/sync';
import { SECOND, setupPod, startSync } from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
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
