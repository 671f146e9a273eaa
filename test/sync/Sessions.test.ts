// @vitest-environment node
/**
 * Sessions and reloads (src/sync/Sessions.ts): what the engine keeps for a reload is filed under
 * the session (the token's digest, or behind a proxy the requesting user), saved a second after a
 * change, on `pagehide` and on destroy, never after; and read back only by the same session.
 * Cases the mutation run (MUTATION.md) found unguarded.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceApiError, createSymphonyClient, type SymphonyClient } from '../../src/client';
import { DEFAULT_SESSION_TOKEN } from '../../src/mock-pod';
import type { UserId } from '../../src/model';
import { PresenceSync, createMemoryCoordinatorHub, type PersistedEntry, type PresencePersistence } from '../../src/sync';
import {
  MINUTE,
  POD_URL,
  SECOND,
  T0,
  budgetViolations,
  memoryPersistence,
  podClient,
  podFetch,
  proxyClient,
  readsOf,
  setupPod,
  startSync,
  usersOf,
} from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** A kept state that logs what the engine does with it. */
function loggedPersistence(inner: PresencePersistence = memoryPersistence()) {
  const log = { saves: [] as Array<{ at: number; identity: string; entries: PersistedEntry[] }>, loads: 0, clears: 0 };
  const persistence: PresencePersistence = {
    load: (identity) => (log.loads++, inner.load(identity)),
    save: (identity, entries) => {
      log.saves.push({ at: Date.now() - T0, identity, entries: structuredClone(entries) });
      inner.save(identity, entries);
    },
    clear: () => (log.clears++, inner.clear()),
  };
  return { persistence, log };
}

/** A client behind the app's proxy: no token in the browser, the proxy adds the user's session. */
const shown = (sync: PresenceSync, id: UserId | 'self') => sync.getState(id).presence?.category ?? 'loading';

describe('saving for a reload', () => {
  it('saves a second after a change, not at once, once for a burst of answers, and only what was read', async () => {
    const pod = setupPod();
    const ids = usersOf(pod).internal.slice(0, 5);
    const [unregistered] = usersOf(pod).external as [UserId];
    // Its registrations fail: never read, nothing to keep for it.
    pod.faults.add({ route: 'register', status: 500 });
    const { persistence, log } = loggedPersistence();
    const sync = track(startSync(pod, { persistence }));
    for (const id of ids) sync.retain(id);
    sync.retain(unregistered);
    await vi.advanceTimersByTimeAsync(999);
    expect(ids.every((id) => shown(sync, id) !== 'loading')).toBe(true);
    expect(sync.getState(unregistered).error?.kind).toBe('server');
    expect(log.saves).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(log.saves).toHaveLength(1);
    // The own presence was read to learn who is internal.
    expect(log.saves[0]!.entries.map((e) => e.key).sort()).toEqual([...ids, 'self'].sort());
  });

  it('saves on pagehide, and after destroy neither pagehide nor a late answer saves anything', async () => {
    const page = new EventTarget();
    const listening = vi.fn();
    vi.stubGlobal('addEventListener', (type: string, listener: EventListener) => {
      listening(type);
      page.addEventListener(type, listener);
    });
    vi.stubGlobal('removeEventListener', (type: string, listener: EventListener) => page.removeEventListener(type, listener));
    const pod = setupPod();
    const [id] = usersOf(pod).internal as [UserId];
    const { persistence, log } = loggedPersistence();
    const sync = track(startSync(pod, { persistence }));
    expect(listening).toHaveBeenCalledWith('pagehide');
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(500);
    expect(shown(sync, id)).not.toBe('loading');
    expect(log.saves).toEqual([]);
    page.dispatchEvent(new Event('pagehide'));
    expect(log.saves).toHaveLength(1);
    expect(log.saves[0]!.entries.map((e) => e.key)).toContain(id);
    // The save that was pending is done: nothing changed since, nothing more is saved.
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(log.saves).toHaveLength(1);

    // A read is on its way when the page goes (sent at 60 s, answered at 62 s): what was kept stays as it was.
    pod.faults.add({ route: 'getUser', userId: id, latencyMs: 2 * SECOND, times: 1 });
    await vi.advanceTimersByTimeAsync(60 * SECOND - 500);
    expect(readsOf(pod, id)).toHaveLength(1);
    sync.destroy();
    const saved = log.saves.length;
    page.dispatchEvent(new Event('pagehide'));
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(2);
    expect(log.saves).toHaveLength(saved);
    expect(persistence.load(log.saves.at(-1)!.identity)?.map((e) => e.key)).toContain(id);
  });

  it('destroy saves what changed in its last second, and nothing is saved after it', async () => {
    const pod = setupPod();
    const ids = usersOf(pod).internal.slice(0, 3);
    const { persistence, log } = loggedPersistence();
    const first = track(startSync(pod, { persistence }));
    for (const id of ids) first.retain(id);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    pod.setUserPresence(ids[1]!, shown(first, ids[1]!) === 'BUSY' ? 'AWAY' : 'BUSY');
    const changed = pod.getUser(ids[1]!)!.category;
    // The next reads answer at 60 s (one of them with news); the page goes 0.5 s later.
    await vi.advanceTimersByTimeAsync(50 * SECOND + 500);
    expect(shown(first, ids[1]!)).toBe(changed);
    first.destroy();
    const saved = log.saves.length;
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect(log.saves).toHaveLength(saved);
    const second = track(startSync(pod, { persistence }));
    for (const id of ids) second.retain(id);
    await vi.advanceTimersByTimeAsync(0);
    expect(shown(second, ids[1]!)).toBe(changed);
  });

  it('keeps the budget of an external user whose read failed (no presence to keep, only the read)', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).external as [UserId];
    pod.faults.add({ route: 'getUser', userId: id, status: 500, times: 1 });
    const persistence = memoryPersistence();
    const first = track(startSync(pod, { persistence }));
    first.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(first.getState(id).error?.kind).toBe('server');
    first.destroy();
    await vi.advanceTimersByTimeAsync(30 * SECOND);
    const second = track(startSync(pod, { persistence }));
    second.retain(id);
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    expect(readsOf(pod, id)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(readsOf(pod, id)).toHaveLength(2);
    expect(shown(second, id)).not.toBe('loading');
    expect(budgetViolations(pod)).toEqual([]);
  });
});

describe('reading back', () => {
  it('a reload knows the requesting user at once, restores the own presence, and reads it no sooner than its interval', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const persistence = memoryPersistence();
    const first = track(startSync(pod, { persistence }));
    first.retain('self');
    for (const id of internal.slice(0, 3)) first.retain(id);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    first.destroy();
    await vi.advanceTimersByTimeAsync(15 * SECOND);
    const ownReads = () => pod.ledger.filter((e) => e.route === 'getOwn').length;
    const before = ownReads();
    const second = track(startSync(pod, { persistence }));
    const waiting = second.read('self');
    second.retain('self');
    await vi.advanceTimersByTimeAsync(0);
    expect(second.selfUserId).toBe(pod.defaultUserId);
    await expect(waiting).resolves.toMatchObject({ userId: pod.defaultUserId });
    expect(second.getState('self').presence?.updateDueAt).toBe(T0 + MINUTE);
    await vi.advanceTimersByTimeAsync(30 * SECOND);
    expect(ownReads()).toBe(before);
    await vi.advanceTimersByTimeAsync(20 * SECOND);
    expect(ownReads()).toBe(before + 1);
  });

  it('a new session of the same user starts afresh: what the old one kept is cleared, not shown', async () => {
    const pod = setupPod();
    const ids = usersOf(pod).internal.slice(0, 3);
    const { persistence, log } = loggedPersistence();
    const first = track(startSync(pod, { persistence }));
    for (const id of ids) first.retain(id);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    // Nothing is cleared within a session.
    expect(log.clears).toBe(0);
    first.destroy();
    const token = pod.createSession({ userId: pod.defaultUserId });
    const second = track(startSync(pod, { persistence }, podClient(pod, token)));
    for (const id of ids) second.retain(id);
    const loads = log.loads;
    await vi.advanceTimersByTimeAsync(0);
    expect(log.loads).toBe(loads + 1);
    expect(ids.every((id) => second.getState(id).presence?.updateDueAt === undefined)).toBe(true);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    // The old session's state went when the new one was filed.
    expect(log.saves.at(-1)!.identity).not.toBe(log.saves[0]!.identity);
  });

  it('a token that changes while the page lives files the state under the new session and clears the old', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).internal as [UserId];
    let token = DEFAULT_SESSION_TOKEN;
    const client = createSymphonyClient({ podUrl: POD_URL, fetch: podFetch(pod), getSessionToken: () => token });
    const { persistence, log } = loggedPersistence();
    const sync = track(startSync(pod, { persistence }, client));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    const before = log.saves.at(-1)!.identity;
    expect(log.clears).toBe(0);
    token = pod.createSession({ userId: pod.defaultUserId });
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(log.clears).toBe(1);
    expect(log.saves.at(-1)!.identity).not.toBe(before);
  });

  it('behind a proxy, another requesting user is not shown what the first one kept; the same user is', async () => {
    const pod = setupPod();
    const ids = usersOf(pod).internal.slice(1, 4);
    const persistence = memoryPersistence();
    const first = track(startSync(pod, { persistence }, proxyClient(pod)));
    for (const id of ids) first.retain(id);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    first.destroy();
    const again = track(startSync(pod, { persistence }, proxyClient(pod)));
    for (const id of ids) again.retain(id);
    // Behind a proxy the session is known once the own presence tells who the user is.
    await vi.advanceTimersByTimeAsync(SECOND);
    // Restored, marked with when the next read may go (not yet: the first engine read them).
    for (const id of ids) expect(again.getState(id).presence?.updateDueAt).toBeGreaterThan(Date.now());
    again.destroy();

    const other = pod.createSession({ userId: usersOf(pod).internal[0]! });
    const stranger = track(startSync(pod, { persistence }, proxyClient(pod, other)));
    for (const id of ids) stranger.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(ids.map((id) => stranger.getState(id).presence?.updateDueAt)).toEqual(ids.map(() => undefined));
    // Read at once: no budget of the first user's was spent for this one.
    for (const id of ids) expect(stranger.getState(id).lastReadAt).toBeGreaterThanOrEqual(Date.now() - SECOND);
  });

  it.each([
    ['with a token in the browser', false],
    ['behind a proxy', true],
  ])('a tab that joins knows the requesting user from the leader and files its state under the session (%s)', async (_label, viaProxy) => {
    const pod = setupPod();
    const ids = usersOf(pod).internal.slice(0, 2);
    const client = () => (viaProxy ? proxyClient(pod) : podClient(pod));
    const hub = createMemoryCoordinatorHub();
    const leader = track(startSync(pod, { coordinator: hub.connect(), persistence: loggedPersistence().persistence }, client()));
    for (const id of ids) leader.retain(id);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    const { persistence, log } = loggedPersistence();
    // The leader's answer to its hello tells it who the user is before its own session is known.
    const follower = track(startSync(pod, { coordinator: hub.connect(), persistence }, client()));
    for (const id of ids) follower.retain(id);
    expect(follower.selfUserId).toBe(pod.defaultUserId);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(log.loads).toBe(1);
    expect(log.clears).toBe(0);
    expect(log.saves.length).toBeGreaterThan(0);
    expect(new Set(log.saves.map((s) => s.identity)).size).toBe(1);
  });

  it('ignores kept entries it cannot trust: a bad key, a presence without the time it was asked', async () => {
    const pod = setupPod();
    const [good, undated, bare] = usersOf(pod).internal as [UserId, UserId, UserId];
    const kept: PersistedEntry[] = [
      { key: 'not a key', presence: { userId: good, category: 'BUSY', timestamp: T0 }, seenAt: T0 - MINUTE, lastReadAt: T0 - MINUTE },
      { key: bare, presence: undefined, seenAt: T0 - MINUTE, lastReadAt: undefined },
      { key: good, presence: { userId: good, category: 'BUSY', timestamp: T0 }, seenAt: T0 - MINUTE, lastReadAt: T0 - MINUTE },
      { key: undated, presence: { userId: undated, category: 'BUSY', timestamp: T0 }, seenAt: undefined, lastReadAt: undefined },
    ];
    const persistence: PresencePersistence = { load: () => structuredClone(kept), save: () => undefined, clear: () => undefined };
    const sync = track(new PresenceSync(podClient(pod), { random: () => 0.5, persistence }));
    sync.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(sync.stats().entries).toBe(3);
    expect(shown(sync, good)).toBe('BUSY');
    expect(shown(sync, undated)).toBe('loading');
    expect(sync.getState(undated).lastReadAt).toBeUndefined();
    expect(shown(sync, bare)).toBe('loading');
  });

  it('an engine destroyed before its session is known restores nothing', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).internal as [UserId];
    const persistence = memoryPersistence();
    const first = track(startSync(pod, { persistence }));
    first.retain(id);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    first.destroy();
    const real = podClient(pod);
    let answer: () => void = () => undefined;
    const client: SymphonyClient = {
      ...real,
      sessionKey: (options) => new Promise((resolve) => (answer = () => resolve(real.sessionKey!(options)))),
    };
    const { persistence: logged, log } = loggedPersistence(persistence);
    const second = track(startSync(pod, { persistence: logged }, client));
    second.destroy();
    answer();
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(log.loads).toBe(0);
    expect(second.stats().entries).toBe(0);
  });

  it('a pagehide before the session is known saves nothing (it would be filed under no one)', async () => {
    const page = new EventTarget();
    vi.stubGlobal('addEventListener', (type: string, listener: EventListener) => page.addEventListener(type, listener));
    vi.stubGlobal('removeEventListener', (type: string, listener: EventListener) => page.removeEventListener(type, listener));
    const pod = setupPod();
    const real = podClient(pod);
    const client: SymphonyClient = { ...real, sessionKey: () => new Promise(() => undefined) };
    const { persistence, log } = loggedPersistence();
    const sync = track(startSync(pod, { persistence }, client));
    sync.retain(usersOf(pod).internal[0]!);
    await vi.advanceTimersByTimeAsync(SECOND);
    page.dispatchEvent(new Event('pagehide'));
    expect(log.saves).toEqual([]);
  });

  it('a 401 without any kept state (persistence off) shows the error and breaks nothing', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).internal as [UserId];
    const real = podClient(pod);
    const client: SymphonyClient = {
      ...real,
      getUserPresence: () => Promise.reject(new PresenceApiError({ kind: 'unauthorized', status: 401, endpoint: 'GET /v3/user/{uid}/presence' })),
    };
    const sync = track(startSync(pod, { persistence: false }, client));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.getState(id).error?.kind).toBe('unauthorized');
    expect(sync.stats().timers).toBe(1);
  });

  it('a session that cannot be learned early is no error: the engine reads on', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).internal as [UserId];
    const real = podClient(pod);
    let calls = 0;
    const client: SymphonyClient = {
      ...real,
      sessionKey: (options) =>
        ++calls === 1
          ? Promise.reject(new PresenceApiError({ kind: 'unauthorized', status: 401, endpoint: 'token' }))
          : real.sessionKey!(options),
    };
    const sync = track(startSync(pod, { persistence: memoryPersistence() }, client));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(calls).toBeGreaterThan(1);
    expect(shown(sync, id)).not.toBe('loading');
  });
});

describe('the marks a reload shows', () => {
  it.each([
    ['with a token', false],
    ['behind a proxy', true],
  ])('%s: a colleague restored before the own tenant is known is marked to update within one internal interval', async (_how, proxied) => {
    const pod = setupPod();
    const persistence = memoryPersistence();
    const client = proxied ? proxyClient(pod) : podClient(pod);
    const colleague = usersOf(pod).internal[0]!;
    const contact = usersOf(pod).external[0]!;
    const first = startSync(pod, { persistence }, client);
    first.retain(colleague);
    first.retain(contact);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    first.destroy();
    const second = startSync(pod, { persistence }, client);
    const marks = new Map<string, Array<number | undefined>>();
    second.subscribe((e) => {
      if (e.type === 'presence') marks.set(e.key, [...(marks.get(e.key) ?? []), e.presence.updateDueAt]);
    });
    second.retain(colleague);
    second.retain(contact);
    await vi.advanceTimersByTimeAsync(0);
    const lastRead = second.getState(colleague).lastReadAt!;
    expect(second.getState(colleague).presence?.updateDueAt).toBe(lastRead + MINUTE);
    // Badges hear the corrected mark; a mark that was right (the external contact's) is not announced again.
    expect(marks.get(colleague)?.at(-1)).toBe(lastRead + MINUTE);
    expect(marks.get(contact)).toEqual([second.getState(contact).lastReadAt! + 5 * MINUTE + SECOND]);
    second.destroy();
  });

  it('with the tenant given: an external user restored is marked at the end of its 5-minute gap, not now', async () => {
    const pod = setupPod();
    const persistence = memoryPersistence();
    const external = usersOf(pod).external[0]!;
    const config = { persistence, selfTenant: pod.homeTenantId };
    const first = startSync(pod, config);
    first.retain(external);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    first.destroy();
    const second = startSync(pod, config);
    second.retain(external);
    await vi.advanceTimersByTimeAsync(0);
    const { lastReadAt, presence } = second.getState(external);
    expect(presence?.updateDueAt).toBe(lastReadAt! + 5 * MINUTE + SECOND);
    second.destroy();
  });
});
