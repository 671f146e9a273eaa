// @vitest-environment node
/**
 * What the engine does around a read that cannot go or fails: the requesting user's own presence
 * decides who is external, every kind of read gives up at the request timeout, a 401 drops what
 * was kept for the session, and a failure reaches the other tabs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryCoordinatorHub, type PresenceSync } from '../../src/sync';
import { MINUTE, SECOND, T0, memoryPersistence, readsOf, setupPod, startSync, usersOf } from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
});

const ownReads = (pod: ReturnType<typeof setupPod>) => pod.ledger.filter((e) => e.route === 'getOwn');

/** Times (from T0) of the engine's error events for `key`. */
function errorTimes(sync: PresenceSync, key: string): number[] {
  const at: number[] = [];
  sync.subscribe((e) => {
    if (e.type === 'error' && e.key === key) at.push(Date.now() - T0);
  });
  return at;
}

describe('the own presence decides who is external', () => {
  it('is not read when the tenant is given', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod, { persistence: false, selfTenant: pod.getUser(pod.defaultUserId)!.tenantId }));
    sync.retain(usersOf(pod).external[0]!);
    sync.retain(usersOf(pod).internal[0]!);
    await vi.advanceTimersByTimeAsync(10 * 60 * SECOND);
    expect(ownReads(pod)).toEqual([]);
  });

  it('when it cannot be read, the user is not read either and shows the own presence error', async () => {
    const pod = setupPod();
    pod.faults.add({ route: 'getOwn', status: 500, times: 1 });
    const id = usersOf(pod).external[0]!;
    const sync = track(startSync(pod, { persistence: false }));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(readsOf(pod, id)).toEqual([]);
    expect(pod.ledger.filter((e) => e.route === 'register')).toEqual([]);
    expect(sync.getState(id).error).toMatchObject({ kind: 'server', endpoint: 'GET /v2/user/presence' });
    // Once it can be read, the user is registered and read.
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(1);
    expect(sync.getState(id).error).toBeUndefined();
  });

  it.each([1, 3])(
    'after %i failed own read(s), it is retried on its back-off (from 1 s) and every user waiting on it is read right after',
    async (failures) => {
      // Found from the packed app: one 503 on the own read left every badge on "status
      // unavailable" for up to 100 s, though nobody's read had failed: the own read waited a full
      // interval, and each user backed off on its own for a failure that was not theirs.
      const pod = setupPod();
      pod.faults.add({ route: 'getOwn', status: 503, times: failures });
      const { internal, external } = usersOf(pod);
      const users = [internal[0]!, external[0]!];
      const sync = track(startSync(pod, { persistence: false, random: () => 0.5 }));
      sync.retain('self');
      for (const id of users) sync.retain(id);
      await vi.advanceTimersByTimeAsync(100);
      for (const id of users) expect(sync.getState(id).error).toMatchObject({ kind: 'server', endpoint: 'GET /v2/user/presence' });
      // Back-off 1 s, 2 s, 4 s (jitter at its middle): the own read answers, then the users.
      await vi.advanceTimersByTimeAsync((2 ** failures - 1) * SECOND + SECOND);
      const answered = ownReads(pod).find((e) => e.status === 200);
      expect(answered).toBeDefined();
      expect(answered!.time - T0).toBeLessThanOrEqual(2 ** failures * SECOND);
      for (const id of users) {
        expect(sync.getState(id).error).toBeUndefined();
        expect(sync.getState(id).presence?.userId).toBe(id);
        // One read each: waiting on the own read sent nothing for them.
        expect(readsOf(pod, id)).toHaveLength(1);
        expect(readsOf(pod, id)[0]!.time - answered!.time).toBeLessThan(SECOND);
      }
      expect(ownReads(pod)).toHaveLength(failures + 1);
    },
  );
});

describe('while the own presence cannot be read', () => {
  it('a user with a last known status keeps it on screen (no error), and is read when due', async () => {
    const pod = setupPod();
    const id = usersOf(pod).internal[0]!;
    const kept = memoryPersistence();
    const first = track(startSync(pod, { persistence: kept, random: () => 0.5 }));
    first.retain(id);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    const known = first.getState(id).presence!.category;
    first.destroy();
    // What was kept lacks the own presence (cut at 5,000 entries, or saved by another version),
    // so the reload restores the user but cannot tell their side until the own read answers.
    const withoutSelf = { ...kept, load: (identity: string) => kept.load(identity)?.filter((e) => e.key !== 'self') };
    pod.faults.add({ route: 'getOwn', status: 503, times: 2 });
    const second = track(startSync(pod, { persistence: withoutSelf, random: () => 0.5 }));
    second.retain(id);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(second.getState(id).presence?.category).toBe(known);
    // Due again (with their side unknown, after the external gap: the safe side), the user needs
    // the own read first, which fails twice.
    await vi.advanceTimersByTimeAsync(T0 + 5 * MINUTE + 2 * SECOND - Date.now());
    expect(ownReads(pod).filter((e) => e.status === 503).length).toBeGreaterThan(0);
    expect(second.getState(id).error).toBeUndefined();
    expect(second.getState(id).presence?.category).toBe(known);
    // The own read answers on a next back-off step, and the user is read right after.
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(ownReads(pod).filter((e) => e.status === 503)).toHaveLength(2);
    expect(second.getState('self').presence).toBeDefined();
    expect(readsOf(pod, id)).toHaveLength(2);
    expect(second.getState(id).error).toBeUndefined();
  });
});

describe('every kind of read gives up at the request timeout', () => {
  async function timesOut(route: 'getOwn' | 'getUser', local: boolean) {
    const pod = setupPod();
    const sync = track(startSync(pod, { persistence: false, requestTimeoutMs: 5 * SECOND, selfTenant: pod.getUser(pod.defaultUserId)!.tenantId }));
    pod.faults.add({ route, latencyMs: 20 * SECOND, times: 1 });
    const key = local ? sync.localKeyOf(usersOf(pod).external[0]!) : 'self';
    const errors = errorTimes(sync, key);
    sync.retain(key);
    // Just past the timeout: a failed own read is tried again a back-off step later (1 s).
    await vi.advanceTimersByTimeAsync(5.5 * SECOND);
    expect(errors).toEqual([5 * SECOND]);
    expect(sync.getState(key).error?.kind).toBe('network');
  }

  it('the own presence', async () => {
    await timesOut('getOwn', false);
  });

  it('a local read', async () => {
    await timesOut('getUser', true);
  });

  it('a local read asks the pod for local=true', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod, { persistence: false, selfTenant: pod.getUser(pod.defaultUserId)!.tenantId }));
    const id = usersOf(pod).external[0]!;
    sync.retain(sync.localKeyOf(id));
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(readsOf(pod, id).map((e) => e.url)).toEqual([expect.stringContaining('local=true')]);
  });
});

describe('failures beyond the read itself', () => {
  it('a 401 drops what was kept for the session', async () => {
    const pod = setupPod();
    const kept = memoryPersistence();
    const clear = vi.spyOn(kept, 'clear');
    const id = usersOf(pod).internal[0]!;
    const sync = track(startSync(pod, { persistence: kept }));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(clear).not.toHaveBeenCalled();
    // Every time: the client asks the token provider again and retries once.
    pod.faults.add({ route: 'getUser', userId: id, status: 401 });
    await vi.advanceTimersByTimeAsync(60 * SECOND);
    expect(sync.getState(id).error?.kind).toBe('unauthorized');
    expect(clear).toHaveBeenCalled();
  });

  it('a failed read is shown in the other tabs too', async () => {
    const pod = setupPod();
    const id = usersOf(pod).internal[0]!;
    pod.faults.add({ route: 'getUser', userId: id, status: 404 });
    const hub = createMemoryCoordinatorHub();
    const leader = track(startSync(pod, { persistence: false, coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const follower = track(startSync(pod, { persistence: false, coordinator: hub.connect() }));
    follower.retain(id);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(1);
    expect(leader.getState(id).error?.kind).toBe('not-found');
    expect(follower.getState(id).error?.kind).toBe('not-found');
  });
});
