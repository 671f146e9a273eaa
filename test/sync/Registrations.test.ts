// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceApiError, createSymphonyClient, sessionKeyOf, type SymphonyClient } from '../../src/client';
import { DEFAULT_SESSION_TOKEN, type MockPod } from '../../src/mock-pod';
import { INTEREST_TTL_MS, type UserId } from '../../src/model';
import { resolveSyncOptions } from '../../src/sync/options';
import { INTEREST_MARGIN_MS, isInterestLive, isRenewalDue } from '../../src/sync/Registrations';
import { createMemoryCoordinatorHub, type PresenceSync, type SyncEvent } from '../../src/sync';
import {
  MINUTE,
  POD_URL,
  SECOND,
  T0,
  budgetViolations,
  memoryPersistence,
  podClient,
  podFetch,
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
});

describe('dashboard within budget', () => {
  it('never registers internal users and registers external ones before their first read', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const sync = track(startSync(pod));
    sync.retain(internal[0]!);
    sync.retain(external[0]!);
    sync.retain(external[1]!);
    await vi.advanceTimersByTimeAsync(SECOND);
    const register = pod.ledger.filter((e) => e.route === 'register');
    expect(register).toHaveLength(1);
    expect([...register[0]!.userIds!].sort()).toEqual([external[0], external[1]].sort());
    const firstExternalRead = pod.ledger.findIndex((e) => e.route === 'getUser' && e.external);
    expect(firstExternalRead).toBeGreaterThan(pod.ledger.indexOf(register[0]!));
    expect(sync.getState(external[0]!).external).toBe(true);
    expect(sync.getState(internal[0]!).external).toBe(false);
  });

  it('drops registration renewals for users no longer shown', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const sync = track(startSync(pod));
    const releaseA = sync.retain(external[0]!);
    sync.retain(external[1]!);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    releaseA();
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    const renewals = pod.ledger.filter((e) => e.route === 'register').slice(1);
    expect(renewals.length).toBeGreaterThan(0);
    for (const r of renewals) expect(r.userIds).toEqual([external[1]]);
    expect(budgetViolations(pod)).toEqual([]);
  });
});

describe('faults', () => {
  it('an unknown id in a registration batch does not block the others', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const ghost = (BigInt(external[0]!) + 100_000n).toString() as UserId;
    const sync = track(startSync(pod));
    sync.retain(external[0]!);
    sync.retain(ghost);
    sync.retain(external[1]!);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(sync.getState(external[0]!).presence).toBeDefined();
    expect(sync.getState(external[1]!).presence).toBeDefined();
    expect(sync.getState(ghost).error?.kind).toBe('not-found');
    expect(budgetViolations(pod)).toEqual([]);
  });
});

describe('registration lifetime (SYM-RI-4: interest lasts one hour)', () => {
  const at = T0;
  const options = resolveSyncOptions();

  it('is live until a minute before the pod lets it lapse', () => {
    expect(isInterestLive(undefined, at)).toBe(false);
    expect(isInterestLive(at, at)).toBe(true);
    expect(isInterestLive(at, at + INTEREST_TTL_MS - INTEREST_MARGIN_MS - 1)).toBe(true);
    expect(isInterestLive(at, at + INTEREST_TTL_MS - INTEREST_MARGIN_MS)).toBe(false);
  });

  it('is renewed after the renewal time, less the registration window that batches it', () => {
    const due = at + options.registrationRenewMs - options.registrationWindowMs;
    expect(isRenewalDue(undefined, at, options)).toBe(true);
    expect(isRenewalDue(at, due - 1, options)).toBe(false);
    expect(isRenewalDue(at, due, options)).toBe(true);
  });
});

/**
 * Cases the mutation run (MUTATION.md) found unguarded: what a failed registration does to the
 * read waiting for it and to the next registration, a token that changed under a registration,
 * registrations another tab made, the timers, and a registration in flight when the engine goes.
 */
describe('registration faults, other tabs and timers', () => {
  const REGISTER = 'POST /v1/user/presence/register';

  /** The pod's client with some calls replaced. */
  function clientWith(pod: MockPod, replace: Partial<SymphonyClient>): SymphonyClient {
    return { ...podClient(pod), ...replace };
  }

  /** When the pod got each registration, in ms from the start, with its ids. */
  const registrations = (pod: MockPod) =>
    pod.ledger.filter((e) => e.route === 'register').map((e) => ({ at: e.time - T0, status: e.status, ids: e.userIds }));

  it('a refused registration fails the reads waiting for it with its error, and nothing is read without interest', async () => {
    const pod = setupPod();
    const [id, other] = usersOf(pod).external as [UserId, UserId];
    pod.faults.add({ route: 'register', status: 500, times: 1 });
    const sync = track(startSync(pod));
    sync.retain(id);
    sync.retain(other);
    await vi.advanceTimersByTimeAsync(100);
    expect(sync.getState(id).error).toMatchObject({ kind: 'server', status: 500 });
    expect(sync.getState(other).error).toMatchObject({ kind: 'server', status: 500 });
    expect(readsOf(pod, id)).toHaveLength(0);
    // Both back off (0.75 s with the fixed jitter), then register (together: a 500 is not halved) and read.
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(registrations(pod).map((r) => [r.at, r.status, r.ids!.length])).toEqual([
      [50, 500, 2],
      [850, 200, 2],
    ]);
    expect(sync.getState(id).presence?.userId).toBe(id);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('a registration that fails without a typed error shows an invalid response of the register endpoint', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).external as [UserId];
    const cause = new TypeError('Failed to fetch');
    const sync = track(startSync(pod, {}, clientWith(pod, { registerInterest: () => Promise.reject(cause) })));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(100);
    expect(sync.getState(id).error).toMatchObject({ kind: 'invalid-response', endpoint: REGISTER, cause });
  });

  it('faults in a row back off further: the second waits twice the first, even for a user shown meanwhile', async () => {
    const pod = setupPod();
    const [a, b] = usersOf(pod).external as [UserId, UserId];
    pod.faults.add({ route: 'register', status: 500, times: 2 });
    const sync = track(startSync(pod));
    sync.retain(a);
    await vi.advanceTimersByTimeAsync(SECOND);
    sync.retain(b);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    // 0.75 s, then 1.5 s (the fixed jitter): not sooner for b.
    expect(registrations(pod).map((r) => [r.at, r.status])).toEqual([
      [50, 500],
      [850, 500],
      [2350, 200],
    ]);
  });

  it('sends at most registrationChunkSize ids per request, each id once', async () => {
    const pod = setupPod();
    const ids = usersOf(pod).external.slice(0, 5);
    const sync = track(startSync(pod, { registrationChunkSize: 2 }));
    for (const id of ids) sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(registrations(pod).map((r) => r.ids!.length)).toEqual([2, 2, 1]);
    expect(registrations(pod).flatMap((r) => r.ids!).sort()).toEqual([...ids].sort());
  });

  it('a token that changes before the registration is sent: registered once, under the new session, and read at once', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).external as [UserId];
    let token = DEFAULT_SESSION_TOKEN;
    const client = createSymphonyClient({ podUrl: POD_URL, fetch: podFetch(pod), getSessionToken: () => token });
    const sync = track(startSync(pod, {}, client));
    sync.retain(id);
    // The read checked the session at 0 ms; the registration goes at 50 ms.
    await vi.advanceTimersByTimeAsync(20);
    token = pod.createSession({ userId: pod.defaultUserId });
    await vi.advanceTimersByTimeAsync(200);
    expect(sync.getState(id).presence?.userId).toBe(id);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(registrations(pod)).toHaveLength(1);
    expect(pod.ledger.filter((e) => e.status >= 400)).toEqual([]);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('after a 429 no registration is sent before its Retry-After, not even for a user shown meanwhile', async () => {
    const pod = setupPod();
    const [a, b] = usersOf(pod).external as [UserId, UserId];
    pod.faults.add({ route: 'register', status: 429, retryAfter: '120', times: 1 });
    const sync = track(startSync(pod));
    sync.retain(a);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    sync.retain(b);
    await vi.advanceTimersByTimeAsync(100 * SECOND);
    expect(registrations(pod).map((r) => r.at)).toEqual([50]);
    expect(readsOf(pod, b)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(11 * SECOND);
    expect(registrations(pod)).toHaveLength(2);
    expect(registrations(pod)[1]!.at).toBe(120_050);
    expect([...registrations(pod)[1]!.ids!].sort()).toEqual([a, b].sort());
    expect(sync.getState(b).presence?.userId).toBe(b);
    expect(budgetViolations(pod)).toEqual(['429 at 50 for register']);
  });

  it('a registration that succeeds ends the back-off: the next fault waits the first delay again', async () => {
    const pod = setupPod();
    const [a, b] = usersOf(pod).external as [UserId, UserId];
    pod.faults.add({ route: 'register', status: 500, times: 1 });
    const sync = track(startSync(pod));
    sync.retain(a);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    pod.faults.add({ route: 'register', status: 500, times: 1 });
    sync.retain(b);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect(registrations(pod).map((r) => [r.at, r.status])).toEqual([
      [50, 500],
      [850, 200],
      [10_050, 500],
      [10_850, 200],
    ]);
  });

  it('a token that changed under a registration: the session is checked and the ids registered again at once', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).external as [UserId];
    const real = podClient(pod);
    let refused = 0;
    const client = clientWith(pod, {
      registerInterest: (ids, options) =>
        refused++ === 0
          ? Promise.reject(new PresenceApiError({ kind: 'session-changed', status: 0, endpoint: REGISTER }))
          : real.registerInterest(ids, options),
    });
    const sync = track(startSync(pod, {}, client));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(100);
    expect(refused).toBe(2);
    expect(sync.getState(id).presence?.userId).toBe(id);
    expect(sync.getState(id).error).toBeUndefined();
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('a session that keeps changing is tried three times in a row, then waits', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).external as [UserId];
    let attempts = 0;
    const client = clientWith(pod, {
      registerInterest: () => {
        attempts += 1;
        return Promise.reject(new PresenceApiError({ kind: 'session-changed', status: 0, endpoint: REGISTER }));
      },
    });
    const sync = track(startSync(pod, {}, client));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(500);
    expect(attempts).toBe(3);
    expect(readsOf(pod, id)).toHaveLength(0);
  });

  it('when the session cannot be checked after a changed token, the waiting read fails with that error, nothing more is tried', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).external as [UserId];
    const real = podClient(pod);
    let keys = 0;
    let attempts = 0;
    const failure = new Error('token store unreachable');
    const client = clientWith(pod, {
      sessionKey: (options) => (++keys === 1 ? real.sessionKey!(options) : Promise.reject(failure)),
      registerInterest: () => {
        attempts += 1;
        return Promise.reject(new PresenceApiError({ kind: 'session-changed', status: 0, endpoint: REGISTER }));
      },
    });
    const sync = track(startSync(pod, {}, client));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(100);
    expect(sync.getState(id).error).toMatchObject({ kind: 'invalid-response', endpoint: REGISTER, cause: failure });
    expect(attempts).toBe(1);
    expect(readsOf(pod, id)).toHaveLength(0);
  });

  it('a 400 for a batch is halved like a 404, so that one bad id does not block the others', async () => {
    const pod = setupPod();
    const [a, b] = usersOf(pod).external as [UserId, UserId];
    const ghost = (BigInt(a) + 100_000n).toString() as UserId;
    const real = podClient(pod);
    const client = clientWith(pod, {
      registerInterest: (ids, options) =>
        [...ids].includes(ghost)
          ? Promise.reject(new PresenceApiError({ kind: 'bad-request', status: 400, endpoint: REGISTER }))
          : real.registerInterest(ids, options),
    });
    const sync = track(startSync(pod, {}, client));
    sync.retain(a);
    sync.retain(ghost);
    sync.retain(b);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(sync.getState(a).presence?.userId).toBe(a);
    expect(sync.getState(b).presence?.userId).toBe(b);
    expect(sync.getState(ghost).error?.kind).toBe('bad-request');
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('tells listeners of each registration request with its ids', async () => {
    const pod = setupPod();
    const [a, b] = usersOf(pod).external as [UserId, UserId];
    const sync = track(startSync(pod));
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    sync.retain(a);
    sync.retain(b);
    await vi.advanceTimersByTimeAsync(SECOND);
    const register = events.flatMap((e) => (e.type === 'request' && e.kind === 'register' ? [e] : []));
    expect(register).toHaveLength(1);
    expect(register[0]).toMatchObject({ type: 'request', kind: 'register', at: T0 + 50, external: true });
    expect([...register[0]!.ids!].sort()).toEqual([a, b].sort());
  });

  it('a destroyed engine sends no further chunk of a registration under way', async () => {
    const pod = setupPod();
    const [a, b] = usersOf(pod).external as [UserId, UserId];
    pod.faults.add({ route: 'register', latencyMs: SECOND, times: 1 });
    const sync = track(startSync(pod, { registrationChunkSize: 1 }));
    sync.retain(a);
    sync.retain(b);
    await vi.advanceTimersByTimeAsync(500);
    sync.destroy();
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect(registrations(pod)).toHaveLength(1);
  });

  it('counts its timers (the batch window, the renewal) and leaves none after destroy, even if retained after', async () => {
    const pod = setupPod();
    const [a, b] = usersOf(pod).external as [UserId, UserId];
    const sync = track(startSync(pod));
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.stats().timers).toBe(0);
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    // The own presence's next read.
    expect(sync.stats().timers).toBe(1);
    sync.retain(a);
    // a's read (waiting for the registration) and the registration window.
    await vi.advanceTimersByTimeAsync(0);
    expect(sync.stats().timers).toBe(2);
    await vi.advanceTimersByTimeAsync(SECOND);
    // Both next reads, and the renewal.
    expect(sync.stats().timers).toBe(3);
    sync.retain(b);
    await vi.advanceTimersByTimeAsync(10);
    sync.destroy();
    sync.retain(a);
    sync.retain(b);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a tab that takes over uses the registrations the old leader made, and wish lists do not register again', async () => {
    const pod = setupPod();
    const [a, b] = usersOf(pod).external as [UserId, UserId];
    const hub = createMemoryCoordinatorHub();
    const first = track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const second = track(startSync(pod, { coordinator: hub.connect() }));
    first.retain(a);
    second.retain(a);
    await vi.advanceTimersByTimeAsync(MINUTE);
    // A second registration request of the same session adds to what the follower knows.
    first.retain(b);
    second.retain(b);
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    // The follower repeats its wish list every 30 s: the leader has nothing to register anew.
    expect(registrations(pod)).toHaveLength(2);
    first.destroy();
    await vi.advanceTimersByTimeAsync(20 * MINUTE);
    expect(readsOf(pod, a).length).toBeGreaterThan(3);
    expect(readsOf(pod, b).length).toBeGreaterThan(3);
    expect(registrations(pod)).toHaveLength(2);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it.each([
    ['a user shown here and one only another tab shows', true],
    ['a user only another tab shows', false],
  ])('renews on time the interest in %s', async (_label, leaderShowsOne) => {
    const pod = setupPod();
    const [mine, theirs] = usersOf(pod).external as [UserId, UserId];
    const hub = createMemoryCoordinatorHub();
    // A renewal time off the follower's 30-second wish-list beat, which would renew it late too.
    const renewMs = 50 * MINUTE + 10 * SECOND;
    const leader = track(startSync(pod, { coordinator: hub.connect(), registrationRenewMs: renewMs }));
    await vi.advanceTimersByTimeAsync(0);
    const follower = track(startSync(pod, { coordinator: hub.connect() }));
    if (leaderShowsOne) leader.retain(mine);
    follower.retain(theirs);
    await vi.advanceTimersByTimeAsync(70 * MINUTE);
    const ids = leaderShowsOne ? [mine, theirs].sort() : [theirs];
    const [first, second] = registrations(pod);
    expect([...first!.ids!].sort()).toEqual(ids);
    // The renewal timer fires at the renewal time; the batch window adds 50 ms.
    expect(second!.at - first!.at).toBe(renewMs + 50);
    expect([...second!.ids!].sort()).toEqual(ids);
    expect(follower.getState(theirs).presence?.userId).toBe(theirs);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it.each([
    ['shown here', false],
    ['shown only in another tab', true],
  ])('a new token registers the external users %s again at once, in one request, not at their next reads', async (_label, remoteOnly) => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const ids = external.slice(0, 3);
    let token = DEFAULT_SESSION_TOKEN;
    const client = () => createSymphonyClient({ podUrl: POD_URL, fetch: podFetch(pod), getSessionToken: () => token });
    const hub = createMemoryCoordinatorHub();
    const leader = track(startSync(pod, { coordinator: hub.connect() }, client()));
    // A colleague read every minute (0, 60, 120, 180 s) notices the new session first.
    leader.retain(internal[0]!);
    // The follower repeats its wish list every 30 s from 10 s on: off the beat of those reads.
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    const follower = track(startSync(pod, { coordinator: hub.connect() }, client()));
    const releases = ids.map((id) => (remoteOnly ? follower : leader).retain(id));
    const releaseLast = releases.at(-1)!;
    await vi.advanceTimersByTimeAsync(2 * MINUTE + 20 * SECOND);
    expect(registrations(pod)).toHaveLength(1);
    // A user no longer shown (still held for a while) is not registered again.
    releaseLast();
    await vi.advanceTimersByTimeAsync(0);
    token = pod.createSession({ userId: pod.defaultUserId });
    await vi.advanceTimersByTimeAsync(MINUTE);
    const again = registrations(pod).slice(1);
    expect(again).toHaveLength(1);
    expect([...again[0]!.ids!].sort()).toEqual(ids.slice(0, 2).sort());
    expect(again[0]!.at).toBeLessThan(3 * MINUTE + SECOND);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(pod.ledger.filter((e) => e.status === 403)).toEqual([]);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('a tab with its own session never registers while it follows, and registers under its session once it leads', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).external as [UserId];
    const hub = createMemoryCoordinatorHub();
    const leader = track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    leader.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(registrations(pod)).toHaveLength(1);
    // Its own token, so its session is not the one the leader's registrations belong to.
    const other = pod.createSession({ userId: pod.defaultUserId });
    const follower = track(startSync(pod, { coordinator: hub.connect(), persistence: memoryPersistence() }, podClient(pod, other)));
    follower.retain(id);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(follower.getState(id).presence?.userId).toBe(id);
    expect(registrations(pod)).toHaveLength(1);
    // The leader renews at 55 minutes, then the follower takes over: those registrations belong
    // to the old leader's session, not to its own (SYM-RI-8).
    await vi.advanceTimersByTimeAsync(56 * MINUTE);
    leader.destroy();
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(pod.ledger.filter((e) => e.status === 403)).toEqual([]);
    expect(registrations(pod)).toHaveLength(3);
    expect(follower.getState(id).error).toBeUndefined();
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('counts only the valid ids of registrations another tab reports', async () => {
    const pod = setupPod();
    const [a] = usersOf(pod).external as [UserId];
    const hub = createMemoryCoordinatorHub();
    const other = hub.connect();
    await vi.advanceTimersByTimeAsync(0);
    const follower = track(startSync(pod, { coordinator: hub.connect() }));
    other.post({ t: 'registered', ids: ['not an id', a, ''], at: Date.now(), session: 's:1' });
    expect(follower.stats().registrations).toBe(1);
  });

  it('a tab that joins after the registrations and then takes over uses them, and so does the tab after it', async () => {
    const pod = setupPod();
    const [a] = usersOf(pod).external as [UserId];
    const hub = createMemoryCoordinatorHub();
    const first = track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    first.retain(a);
    await vi.advanceTimersByTimeAsync(MINUTE);
    // Joins now: learns the registration from the leader's answer to its hello.
    const second = track(startSync(pod, { coordinator: hub.connect() }));
    second.retain(a);
    await vi.advanceTimersByTimeAsync(SECOND);
    first.destroy();
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    const third = track(startSync(pod, { coordinator: hub.connect() }));
    third.retain(a);
    await vi.advanceTimersByTimeAsync(SECOND);
    second.destroy();
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(readsOf(pod, a).length).toBeGreaterThanOrEqual(4);
    expect(registrations(pod)).toHaveLength(1);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('keeps the newest of the registration times other tabs report', async () => {
    const pod = setupPod();
    const [a] = usersOf(pod).external as [UserId];
    const hub = createMemoryCoordinatorHub();
    const other = hub.connect();
    await vi.advanceTimersByTimeAsync(0);
    const tab = track(startSync(pod, { coordinator: hub.connect() }));
    const session = sessionKeyOf(DEFAULT_SESSION_TOKEN);
    // The other tab registered a just now (at the pod, under the same session).
    await podClient(pod).registerInterest([a]);
    other.post({ t: 'registered', ids: [a], at: Date.now(), session });
    // A late message about an old registration (it would lapse within a minute).
    other.post({ t: 'registered', ids: [a], at: Date.now() - 59 * MINUTE, session });
    other.close();
    tab.retain(a);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(tab.getState(a).presence?.userId).toBe(a);
    expect(registrations(pod)).toHaveLength(1);
  });

  it('a tab that does not lead does not renew on its own, even after it rescheduled (visibility)', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).external as [UserId];
    const hub = createMemoryCoordinatorHub();
    let visible = true;
    let changed = () => {};
    const visibility = { isVisible: () => visible, subscribe: (l: () => void) => ((changed = l), () => {}) };
    const leader = track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const follower = track(startSync(pod, { coordinator: hub.connect(), visibility }));
    leader.retain(id);
    follower.retain(id);
    await vi.advanceTimersByTimeAsync(MINUTE);
    visible = false;
    changed();
    visible = true;
    changed();
    // Registrations now take 2 s: the follower hears of the renewal only once it is done.
    pod.faults.add({ route: 'register', latencyMs: 2 * SECOND });
    await vi.advanceTimersByTimeAsync(70 * MINUTE);
    // The first registration and the leader's renewal at 55 minutes.
    expect(registrations(pod)).toHaveLength(2);
  });

  it('forgets the registrations of users it dropped only once they lapsed, and never those of users still held', async () => {
    const pod = setupPod();
    const [a, b] = usersOf(pod).external as [UserId, UserId];
    const sync = track(startSync(pod, { retainUnusedMs: 5 * MINUTE }));
    sync.retain(a);
    const releaseB = sync.retain(b);
    await vi.advanceTimersByTimeAsync(MINUTE);
    releaseB();
    // b's entry is swept after 5 minutes unused; its registration still holds.
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(sync.stats()).toMatchObject({ entries: 2, registrations: 2 });
    sync.retain(b);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(sync.getState(b).presence?.userId).toBe(b);
    expect(registrations(pod)).toHaveLength(1);
    expect(budgetViolations(pod)).toEqual([]);
  });
});
