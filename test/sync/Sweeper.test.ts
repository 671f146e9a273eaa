// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PresenceSync } from '../../src/sync';
import { HOUR, MINUTE, setupPod, startSync, usersOf } from './harness';

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
