// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UserId } from '../../src/model';
import type { PresenceSync } from '../../src/sync';
import { SECOND, setupPod, startSync, usersOf } from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
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
