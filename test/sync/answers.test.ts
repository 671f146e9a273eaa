// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceApiError, type SymphonyClient } from '../../src/client';
import type { Presence } from '../../src/model';
import { createMemoryCoordinatorHub, type PresenceSync, type SyncEvent, type SyncMessage } from '../../src/sync';
import { MINUTE, SECOND, podClient, readsOf, setupPod, startSync, usersOf } from './harness';

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

  it('the first answer settles those who wait for it', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).internal;
    const sync = track(startSync(pod));
    const read = sync.read(id!);
    await vi.advanceTimersByTimeAsync(SECOND);
    await expect(read).resolves.toMatchObject({ userId: id });
  });

  it('an error is announced with its key, and rejects those who wait', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).internal;
    pod.faults.add({ route: 'getUser', userId: id!, status: 404 });
    const sync = track(startSync(pod));
    const events: SyncEvent[] = [];
    sync.subscribe((e) => e.type === 'error' && events.push(e));
    const read = sync.read(id!).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(await read).toMatchObject({ kind: 'not-found' });
    expect(events).toEqual([{ type: 'error', key: id, error: expect.objectContaining({ kind: 'not-found' }) }]);
  });
});

describe('the own presence under two keys', () => {
  it("'self' and the own id stay in step, whichever is read first", async () => {
    const pod = setupPod();
    const own = pod.defaultUserId;
    const [other] = usersOf(pod).internal;
    pod.setUserPresence(own, 'AVAILABLE');
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(30 * SECOND);
    sync.retain(own); // read at 30 s, 90 s...; 'self' at 60 s, 120 s...
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    pod.setUserPresence(own, 'BUSY');
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    await vi.advanceTimersByTimeAsync(21 * SECOND); // 'self' was read at 60 s
    expect(sync.getState('self').presence?.category).toBe('BUSY');
    expect(sync.getState(own).presence?.category).toBe('BUSY');
    expect(events).toContainEqual({ type: 'presence', key: own, presence: expect.objectContaining({ category: 'BUSY' }) });
    pod.setUserPresence(own, 'AWAY');
    await vi.advanceTimersByTimeAsync(30 * SECOND); // the own id was read at 90 s
    expect(sync.getState(own).presence?.category).toBe('AWAY');
    expect(sync.getState('self').presence?.category).toBe('AWAY');
    // Another user's answers never land on the own keys.
    sync.retain(other!);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.getState(other!).presence?.userId).toBe(other);
    expect(sync.getState('self').presence?.userId).toBe(own);
    expect(sync.getState(own).presence?.userId).toBe(own);
  });

  it('an own read answered late does not replace a later-asked answer under the own id', async () => {
    const pod = setupPod();
    const own = pod.defaultUserId;
    pod.setUserPresence(own, 'AVAILABLE');
    const real = podClient(pod);
    let slow = false;
    const client: SymphonyClient = {
      ...real,
      getOwnPresence: async (options) => {
        const wait = slow;
        slow = false;
        const answer = await real.getOwnPresence(options);
        if (wait) await new Promise((resolve) => setTimeout(resolve, 35 * SECOND));
        return answer;
      },
    };
    const sync = track(startSync(pod, { requestTimeoutMs: MINUTE }, client));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(30 * SECOND);
    sync.retain(own); // read at 30 s, 90 s; 'self' at 60 s
    await vi.advanceTimersByTimeAsync(20 * SECOND);
    slow = true; // the read of 'self' at 60 s answers AVAILABLE, which arrives at 95 s
    await vi.advanceTimersByTimeAsync(11 * SECOND);
    pod.setUserPresence(own, 'BUSY');
    await vi.advanceTimersByTimeAsync(30 * SECOND); // the own id, read at 90 s, shows BUSY under both keys
    expect(sync.getState('self').presence?.category).toBe('BUSY');
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect(sync.getState('self').presence?.category).toBe('BUSY');
    expect(sync.getState(own).presence?.category).toBe('BUSY');
  });

  it('an older answer another tab shares for the own id does not replace a newer own presence', async () => {
    const pod = setupPod();
    const own = pod.defaultUserId;
    pod.setUserPresence(own, 'AVAILABLE');
    const hub = createMemoryCoordinatorHub();
    const sync = track(startSync(pod, { coordinator: hub.connect() }));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    const oldTab = hub.connect();
    const stale: Presence = { userId: own, category: 'AWAY', isUnknown: false, timestamp: Date.now() - 10 * MINUTE };
    oldTab.post({ t: 'presence', key: own, presence: stale, at: Date.now() - 5 * MINUTE });
    await vi.advanceTimersByTimeAsync(0);
    expect(sync.getState('self').presence?.category).toBe('AVAILABLE');
    oldTab.close();
  });

  it('while a set is out, answers for the own keys do not announce the choice again, and a recovered read clears its error', async () => {
    const pod = setupPod();
    const own = pod.defaultUserId;
    pod.setUserPresence(own, 'AVAILABLE');
    const real = podClient(pod);
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // The pod applies the set a second after it is made; its answer takes 70 s more to come back.
    const client: SymphonyClient = {
      ...real,
      setOwnPresence: async (input, options) => {
        await later(SECOND);
        const answer = await real.setOwnPresence(input, options);
        await later(70 * SECOND);
        return answer;
      },
    };
    const sync = track(startSync(pod, {}, client));
    sync.retain('self');
    sync.retain(own);
    await vi.advanceTimersByTimeAsync(58 * SECOND);
    pod.faults.add({ route: 'getOwn', status: 500, times: 1 });
    const done = sync.setOwnPresence({ category: 'BUSY' });
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    // At 60 s both keys are read: the own id sees BUSY (already shown: nothing to announce), 'self'
    // fails and shows its error; its next read (120 s) sees BUSY, which clears the error.
    await vi.advanceTimersByTimeAsync(2 * SECOND + 500);
    expect(events).toContainEqual(expect.objectContaining({ type: 'error', key: 'self' }));
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(pod.ledger.filter((e) => e.route === 'getOwn')).toHaveLength(3);
    expect(sync.getState('self').error).toBeUndefined();
    expect(events.filter((e) => e.type === 'presence')).toEqual([]);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    await expect(done).resolves.toMatchObject({ category: 'BUSY' });
    expect(sync.getState(own).presence?.category).toBe('BUSY');
  });

  it('a failed set on a key with nothing confirmed yet shows no empty presence', async () => {
    const pod = setupPod();
    const own = pod.defaultUserId;
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    pod.faults.add({ route: 'getUser', userId: own, latencyMs: 10 * SECOND, times: 1 });
    sync.retain(own); // its first read is slow: nothing confirmed under the own id
    await vi.advanceTimersByTimeAsync(SECOND);
    pod.faults.add({ route: 'setOwn', status: 403, times: 1 });
    const events: SyncEvent[] = [];
    sync.subscribe((e) => e.type === 'presence' && events.push(e));
    const failed = sync.setOwnPresence({ category: 'BUSY' }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(await failed).toBeInstanceOf(PresenceApiError);
    expect(events.filter((e) => e.type === 'presence' && !e.presence)).toEqual([]);
    expect(sync.getState(own).presence).toBeUndefined();
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(sync.getState(own).presence?.userId).toBe(own);
  });
});

describe('sharing between tabs', () => {
  it('a tab that hears an answer or an error from the polling tab does not pass it on', async () => {
    const pod = setupPod();
    const [ok, missing] = usersOf(pod).internal;
    pod.faults.add({ route: 'getUser', userId: missing!, status: 404 });
    const hub = createMemoryCoordinatorHub();
    const leader = track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const follower = track(startSync(pod, { coordinator: hub.connect() }));
    const heard: SyncMessage[] = [];
    const spy = hub.connect();
    spy.onMessage((m) => heard.push(m));
    follower.retain(ok!);
    follower.retain(missing!);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect(follower.getState(ok!).presence?.userId).toBe(ok);
    expect(follower.getState(missing!).error?.kind).toBe('not-found');
    const about = (key: string) => heard.filter((m) => (m.t === 'presence' || m.t === 'error') && m.key === key);
    expect(about(ok!)).toHaveLength(1);
    expect(about(missing!)).toHaveLength(1);
    expect(leader.getState(ok!).presence?.userId).toBe(ok);
    spy.close();
  });
});
