// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PresenceSync } from '../../src/sync';
import { MINUTE, SECOND, budgetViolations, readsOf, setupPod, startSync, usersOf } from './harness';

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
