// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceApiError, type SymphonyClient } from '../../src/client';
import type { CategoryValue, Presence } from '../../src/model';
import { createMemoryCoordinatorHub, type PresenceSync, type SyncEvent } from '../../src/sync';
import { MINUTE, SECOND, T0, podClient, setupPod, startSync } from './harness';

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

  it('refuses a missing or empty category with a typed error: nothing sent, nothing shown', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    const before = sync.getState('self').presence;
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    const refused = { kind: 'bad-request', status: 0, endpoint: 'POST /v2/user/presence' };
    await expect(sync.setOwnPresence({ category: '' })).rejects.toMatchObject(refused);
    await expect(sync.setOwnPresence({ category: 7 as unknown as CategoryValue })).rejects.toMatchObject(refused);
    // A JavaScript caller may pass nothing at all: still a rejected promise, never a throw.
    let missing: Promise<Presence> | undefined;
    expect(() => (missing = sync.setOwnPresence(null as never))).not.toThrow();
    await expect(missing).rejects.toMatchObject(refused);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(pod.ledger.filter((e) => e.route === 'setOwn')).toEqual([]);
    expect(events.filter((e) => e.type !== 'request' || e.kind === 'set')).toEqual([]);
    expect(sync.getState('self').presence).toBe(before);
  });

  it('shows the choice at once (an event, before any answer) and announces each try as a request', async () => {
    const pod = setupPod({ latencyMs: SECOND });
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    const done = sync.setOwnPresence({ category: 'BUSY' });
    expect(events).toEqual([
      { type: 'presence', key: 'self', presence: expect.objectContaining({ category: 'BUSY', userId: pod.defaultUserId }) },
      { type: 'request', kind: 'set', at: T0 + 5 * SECOND, key: 'self' },
    ]);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    await expect(done).resolves.toMatchObject({ category: 'BUSY' });
  });

  it('every promise of coalesced sets resolves with the last choice, and the screen never goes back to an earlier one', async () => {
    const pod = setupPod({ latencyMs: 200 });
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    const a = sync.setOwnPresence({ category: 'BUSY' });
    const b = sync.setOwnPresence({ category: 'ON_THE_PHONE' });
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    const c = sync.setOwnPresence({ category: 'BE_RIGHT_BACK' });
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    const results = await Promise.all([a, b, c]);
    expect(results.map((p) => p.category)).toEqual(['BE_RIGHT_BACK', 'BE_RIGHT_BACK', 'BE_RIGHT_BACK']);
    const shown = events.flatMap((e) => (e.type === 'presence' ? [e.presence.category] : []));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.filter((category) => category !== 'BE_RIGHT_BACK')).toEqual([]);
  });

  it('a set made after the previous one finished is sent too', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    const first = sync.setOwnPresence({ category: 'BUSY' });
    await vi.advanceTimersByTimeAsync(SECOND);
    await expect(first).resolves.toMatchObject({ category: 'BUSY' });
    const second = sync.setOwnPresence({ category: 'AWAY' });
    await vi.advanceTimersByTimeAsync(SECOND);
    await expect(second).resolves.toMatchObject({ category: 'AWAY' });
    expect(pod.ledger.filter((e) => e.route === 'setOwn')).toHaveLength(2);
    expect(pod.getUser(pod.defaultUserId)?.chosenCategory).toBe('AWAY');
    // The own presence is the only entry: a set makes no other.
    expect(sync.stats().entries).toBe(1);
  });

  it('gives up after three tries of a server fault, then rolls back and rejects', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    const before = sync.getState('self').presence!.category;
    pod.faults.add({ route: 'setOwn', status: 503 });
    const done = sync.setOwnPresence({ category: before === 'BUSY' ? 'AWAY' : 'BUSY' });
    const outcome = done.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(await outcome).toMatchObject({ kind: 'server', status: 503 });
    expect(pod.ledger.filter((e) => e.route === 'setOwn')).toHaveLength(3);
    expect(sync.getState('self').presence?.category).toBe(before);
  });

  it('a failure that is not the pod\'s answer rejects as an invalid response of the set', async () => {
    const pod = setupPod();
    const broken: SymphonyClient = { ...podClient(pod), setOwnPresence: () => Promise.reject(new TypeError('boom')) };
    const sync = track(startSync(pod, {}, broken));
    await expect(sync.setOwnPresence({ category: 'BUSY' })).rejects.toMatchObject({
      kind: 'invalid-response',
      endpoint: 'POST /v2/user/presence',
    });
  });

  it('tries no more once the engine is destroyed while a try is out', async () => {
    const pod = setupPod();
    pod.faults.add({ route: 'setOwn', status: 503, latencyMs: 2 * SECOND });
    const sync = startSync(pod);
    const done = sync.setOwnPresence({ category: 'BUSY' }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(SECOND);
    sync.destroy();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(await done).toMatchObject({ kind: 'server' });
    expect(pod.ledger.filter((e) => e.route === 'setOwn')).toHaveLength(1);
  });

  it('a choice made while a set is out is not sent once the engine is destroyed, and its promise rejects as aborted', async () => {
    const pod = setupPod({ latencyMs: 2 * SECOND });
    const sync = startSync(pod);
    const first = sync.setOwnPresence({ category: 'BUSY' }).then(
      (p) => p.category,
      (e: unknown) => e,
    );
    const second = sync.setOwnPresence({ category: 'AWAY' }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(SECOND);
    sync.destroy();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(pod.ledger.filter((e) => e.route === 'setOwn')).toHaveLength(1);
    // Neither is left hanging: the pod took the first, the second was never sent.
    expect(await first).toBe('BUSY');
    expect(await second).toMatchObject({ kind: 'aborted', endpoint: 'POST /v2/user/presence' });
  });

  it('a set asked of a destroyed engine rejects as aborted and sends nothing', async () => {
    const pod = setupPod();
    const sync = startSync(pod);
    sync.destroy();
    await expect(sync.setOwnPresence({ category: 'BUSY' })).rejects.toMatchObject({ kind: 'aborted' });
    expect(pod.ledger.filter((e) => e.route === 'setOwn')).toHaveLength(0);
  });

  it('a try that waited out a 429 gives way to a newer choice, which does not count as an answer meanwhile', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    pod.faults.add({ route: 'setOwn', status: 429, retryAfter: '5', times: 1 });
    pod.faults.add({ route: 'setOwn', latencyMs: 3 * SECOND, times: 1 });
    const a = sync.setOwnPresence({ category: 'BUSY' });
    await vi.advanceTimersByTimeAsync(SECOND);
    const b = sync.setOwnPresence({ category: 'OUT_OF_OFFICE' });
    await vi.advanceTimersByTimeAsync(5 * SECOND); // the newer choice is out, the older one dropped
    expect(sync.selfUserId).toBe(pod.defaultUserId);
    expect(sync.getState('self').presence?.category).toBe('OUT_OF_OFFICE');
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect((await a).category).toBe('OUT_OF_OFFICE');
    expect((await b).category).toBe('OUT_OF_OFFICE');
    // The 429, then the newer choice: the dropped one is never sent again.
    expect(pod.ledger.filter((e) => e.route === 'setOwn').map((e) => e.status)).toEqual([429, 200]);
  });

  it('a failed set with a newer choice waiting does not roll back: the newer one is sent and settles both', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    const before = sync.getState('self').presence!.category;
    pod.faults.add({ route: 'setOwn', status: 403, latencyMs: 2 * SECOND, times: 1 });
    const a = sync.setOwnPresence({ category: 'BUSY' });
    await vi.advanceTimersByTimeAsync(SECOND);
    const b = sync.setOwnPresence({ category: 'OUT_OF_OFFICE' });
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect((await a).category).toBe('OUT_OF_OFFICE');
    expect((await b).category).toBe('OUT_OF_OFFICE');
    expect(events.filter((e) => e.type === 'presence' && e.presence.category === before)).toEqual([]);
    expect(pod.getUser(pod.defaultUserId)?.chosenCategory).toBe('OUT_OF_OFFICE');
  });

  it('once confirmed, the choice is no longer held over the pod: a change made elsewhere shows on the next read', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    await sync.setOwnPresence({ category: 'BUSY' });
    await vi.advanceTimersByTimeAsync(SECOND);
    // The user picks another status in their Symphony client.
    pod.setUserPresence(pod.defaultUserId, 'IN_A_MEETING');
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(sync.getState('self').presence?.category).toBe('IN_A_MEETING');
  });

  it('the choice shows under the own id too, and rolls back there as well', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod));
    const own = pod.defaultUserId;
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    sync.retain(own);
    await vi.advanceTimersByTimeAsync(SECOND);
    const before = sync.getState(own).presence!.category;
    const next = before === 'BUSY' ? 'AWAY' : 'BUSY';
    pod.faults.add({ route: 'setOwn', status: 403, latencyMs: SECOND, times: 1 });
    const failed = sync.setOwnPresence({ category: next }).catch((e: unknown) => e);
    expect(sync.getState(own).presence?.category).toBe(next);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(await failed).toBeInstanceOf(PresenceApiError);
    expect(sync.getState(own).presence?.category).toBe(before);
    expect(sync.getState('self').presence?.category).toBe(before);
    await sync.setOwnPresence({ category: next });
    expect(sync.getState(own).presence?.category).toBe(next);
  });

  it('before the own user is known, a set shows nothing (no presence without an id) until it is confirmed', async () => {
    const pod = setupPod({ latencyMs: SECOND });
    const sync = track(startSync(pod));
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    const done = sync.setOwnPresence({ category: 'BUSY' });
    expect(sync.getState('self').presence).toBeUndefined();
    expect(events.filter((e) => e.type === 'presence')).toEqual([]);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    await expect(done).resolves.toMatchObject({ category: 'BUSY', userId: pod.defaultUserId });
    expect(sync.getState('self').presence).toMatchObject({ category: 'BUSY', userId: pod.defaultUserId });
    expect(sync.selfUserId).toBe(pod.defaultUserId);
  });

  it('another tab shows the confirmed choice without reading it again', async () => {
    const pod = setupPod();
    const hub = createMemoryCoordinatorHub();
    const leader = track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const follower = track(startSync(pod, { coordinator: hub.connect() }));
    follower.retain('self');
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    const before = follower.getState('self').presence!.category;
    const next = before === 'BUSY' ? 'AWAY' : 'BUSY';
    const reads = pod.ledger.filter((e) => e.route === 'getOwn').length;
    await leader.setOwnPresence({ category: next });
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(follower.getState('self').presence?.category).toBe(next);
    expect(pod.ledger.filter((e) => e.route === 'getOwn')).toHaveLength(reads);
  });

  it('an own presence answered without a timestamp (a proxy may drop it) is still shown', async () => {
    const pod = setupPod();
    const real = podClient(pod);
    const client: SymphonyClient = {
      ...real,
      getOwnPresence: async (options) => ({ ...(await real.getOwnPresence(options)), timestamp: undefined }),
    };
    const sync = track(startSync(pod, {}, client));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.getState('self').presence?.userId).toBe(pod.defaultUserId);
    expect(sync.selfUserId).toBe(pod.defaultUserId);
  });

  /** A client whose own-presence answers, once read off the pod, take `delayMs` more to arrive. */
  function lateOwnAnswers(pod: ReturnType<typeof setupPod>, delayMs: number): SymphonyClient {
    const real = podClient(pod);
    return {
      ...real,
      getOwnPresence: async (options) => {
        const answer = await real.getOwnPresence(options);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return answer;
      },
    };
  }

  it('an own read sent while a set is out neither shows the state from before the set nor is sent again and again', async () => {
    const pod = setupPod();
    pod.setUserPresence(pod.defaultUserId, 'AVAILABLE');
    pod.faults.add({ route: 'setOwn', latencyMs: 5 * SECOND, times: 1 });
    const sync = track(startSync(pod));
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    const done = sync.setOwnPresence({ category: 'BUSY' });
    // The read goes out after the set, but the pod has not applied the set yet: it answers AVAILABLE.
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    // Nothing is shown yet, yet the answer is outdated: it must not make the key due again at once
    // (it did: one read per round trip while the set was out, 1,000 in this second).
    expect(pod.ledger.filter((e) => e.route === 'getOwn')).toHaveLength(1);
    expect(sync.getState('self').presence).toBeUndefined();
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    await expect(done).resolves.toMatchObject({ category: 'BUSY' });
    expect(sync.getState('self').presence?.category).toBe('BUSY');
    expect(events.filter((e) => e.type === 'presence' && e.presence.category !== 'BUSY')).toEqual([]);
  });

  it('an own read sent in the same millisecond just before a set, answered after it, does not undo it', async () => {
    const pod = setupPod();
    pod.setUserPresence(pod.defaultUserId, 'AVAILABLE');
    const sync = track(startSync(pod, {}, lateOwnAnswers(pod, SECOND)));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(0); // the read is out (answered AVAILABLE, on its way back)
    expect(pod.ledger.filter((e) => e.route === 'getOwn')).toHaveLength(1);
    await sync.setOwnPresence({ category: 'BUSY' }); // confirmed within the same millisecond
    expect(sync.getState('self').presence?.category).toBe('BUSY');
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(sync.getState('self').presence?.category).toBe('BUSY');
    expect(events.filter((e) => e.type === 'presence')).toEqual([]);
  });

  it('a set whose answer is lost after the pod applied it rolls back to what the pod showed meanwhile', async () => {
    const pod = setupPod();
    pod.setUserPresence(pod.defaultUserId, 'AVAILABLE');
    const real = podClient(pod);
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // The pod applies the set a second after it is made; its answer is then lost (a broken proxy).
    const client: SymphonyClient = {
      ...real,
      setOwnPresence: async (input, options) => {
        await later(SECOND);
        await real.setOwnPresence(input, options);
        await later(70 * SECOND);
        throw new TypeError('the answer was lost');
      },
    };
    const sync = track(startSync(pod, {}, client));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(58 * SECOND);
    const failed = sync.setOwnPresence({ category: 'BUSY' }).catch((e: unknown) => e);
    // The reads at 60 s and 120 s show BUSY, stamped after the set: not outdated, kept under the choice.
    await vi.advanceTimersByTimeAsync(75 * SECOND);
    expect(await failed).toMatchObject({ kind: 'invalid-response' });
    expect(sync.getState('self').presence?.category).toBe('BUSY');
  });

  it('when a newer choice fails after an earlier one went through, the screen shows the earlier one', async () => {
    const pod = setupPod();
    pod.setUserPresence(pod.defaultUserId, 'AVAILABLE');
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    pod.faults.add({ route: 'setOwn', latencyMs: 2 * SECOND, times: 1 }); // the first set goes through, slowly
    pod.faults.add({ route: 'setOwn', status: 403, times: 1 }); // the newer one is refused
    const a = sync.setOwnPresence({ category: 'BUSY' }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(SECOND);
    const b = sync.setOwnPresence({ category: 'AWAY' }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect(await b).toMatchObject({ kind: 'forbidden' });
    await a;
    expect(pod.getUser(pod.defaultUserId)?.chosenCategory).toBe('BUSY');
    // What the pod holds, not the state from before both sets.
    expect(sync.getState('self').presence?.category).toBe('BUSY');
  });

  it('a change made elsewhere while sets are out is what a failed set rolls back to', async () => {
    const pod = setupPod();
    const own = pod.defaultUserId;
    pod.setUserPresence(own, 'AVAILABLE');
    const real = podClient(pod);
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let calls = 0;
    const client: SymphonyClient = {
      ...real,
      setOwnPresence: async (input, options) => {
        if (++calls === 1) {
          // Applied at once (58 s), answered 3 s later.
          const answer = await real.setOwnPresence(input, options);
          await later(3 * SECOND);
          return answer;
        }
        await later(70 * SECOND);
        throw new TypeError('the answer was lost');
      },
    };
    const sync = track(startSync(pod, {}, client));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(58 * SECOND);
    void sync.setOwnPresence({ category: 'BUSY' }).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(500);
    const failed = sync.setOwnPresence({ category: 'AWAY' }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    // The user picks another status in their Symphony client, after BUSY reached the pod.
    pod.setUserPresence(own, 'IN_A_MEETING');
    // BUSY is confirmed at 61 s; the read at 120 s sees IN_A_MEETING, stamped after the sets were made.
    await vi.advanceTimersByTimeAsync(75 * SECOND);
    expect(await failed).toMatchObject({ kind: 'invalid-response' });
    expect(pod.getUser(own)?.chosenCategory).toBe('IN_A_MEETING');
    expect(sync.getState('self').presence?.category).toBe('IN_A_MEETING');
  });
});
