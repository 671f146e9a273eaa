// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PresenceSync, SyncEvent } from '../../src/sync';
import { MINUTE, readsOf, setupPod, startSync, usersOf } from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
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
