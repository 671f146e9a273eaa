// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Presence } from '../../src/model';
import { createMemoryCoordinatorHub, type PresenceSync, type PresenceSyncConfig, type SyncEvent, type SyncMessage } from '../../src/sync';
import { MINUTE, SECOND, budgetViolations, readsOf, setupPod, startSync, usersOf } from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
});

describe('tabs', () => {
  it('several tabs share one poller: the request count does not grow with tabs, and the limit holds', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const shown = [...internal.slice(0, 10), ...external.slice(0, 10)];
    const hub = createMemoryCoordinatorHub();
    const tabs = [0, 1, 2].map(() => track(startSync(pod, { coordinator: hub.connect() })));
    await vi.advanceTimersByTimeAsync(0);
    for (const tab of tabs) for (const id of shown) tab.retain(id);
    await vi.advanceTimersByTimeAsync(30 * MINUTE - 1);
    expect(budgetViolations(pod)).toEqual([]);
    for (const id of internal.slice(0, 10)) expect(readsOf(pod, id)).toHaveLength(30);
    for (const tab of tabs) for (const id of shown) expect(tab.getState(id).presence).toBeDefined();
  });

  it('a follower shows users only it displays, read by the leader', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const hub = createMemoryCoordinatorHub();
    const leader = track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const follower = track(startSync(pod, { coordinator: hub.connect() }));
    follower.retain(external[3]!);
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect(follower.getState(external[3]!).presence?.userId).toBe(external[3]);
    expect(leader.getState(external[3]!).presence).toBeDefined();
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('when the polling tab closes another takes over within one interval, and limits still hold', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const hub = createMemoryCoordinatorHub();
    const first = track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const second = track(startSync(pod, { coordinator: hub.connect() }));
    for (const tab of [first, second]) {
      tab.retain(internal[0]!);
      tab.retain(external[0]!);
    }
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    first.destroy();
    const before = readsOf(pod, internal[0]!).length;
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(readsOf(pod, internal[0]!).length).toBe(before + 1);
    await vi.advanceTimersByTimeAsync(20 * MINUTE);
    expect(budgetViolations(pod)).toEqual([]);
    expect(second.getState(external[0]!).presence).toBeDefined();
  });
});

/**
 * The messages between tabs, one by one, with a bare tab of the hub standing in for another page
 * (an older version, or another app on the channel): what the mutation run found unguarded.
 */
describe('messages between tabs', () => {
  /** A presence as another page may send it: only some fields, of any type. */
  const fromPage = (fields: Record<string, unknown>) => fields as unknown as Presence;

  async function leaderAndPeer(pod: ReturnType<typeof setupPod>) {
    const hub = createMemoryCoordinatorHub();
    const leader = track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const peer = hub.connect();
    const heard: SyncMessage[] = [];
    peer.onMessage((m) => heard.push(m));
    return { hub, leader, peer, heard };
  }

  it('a new tab’s hello is answered with what the leader knows: presences, reads and registrations', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const { leader, peer, heard } = await leaderAndPeer(pod);
    leader.retain(internal[0]!);
    leader.retain(external[0]!);
    await vi.advanceTimersByTimeAsync(SECOND);
    peer.post({ t: 'hello', tab: peer.tabId });
    const state = heard.find((m) => m.t === 'state');
    expect(state).toBeDefined();
    const entries = state!.t === 'state' ? state!.entries : [];
    const ext = entries.find((e) => e.key === external[0]);
    expect(ext).toMatchObject({ presence: { userId: external[0] }, lastReadAt: leader.getState(external[0]!).lastReadAt });
    expect(ext?.registeredAt).toBeTypeOf('number');
    expect(ext?.registeredSession).toBeTypeOf('string');
    expect(entries.find((e) => e.key === internal[0])).toMatchObject({ presence: { userId: internal[0] }, registeredAt: undefined });
  });

  it('a follower never answers hello; a follower shows errors the leader shares, a leader ignores them', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const hub = createMemoryCoordinatorHub();
    const leader = track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const follower = track(startSync(pod, { coordinator: hub.connect() }));
    const peer = hub.connect();
    const heard: SyncMessage[] = [];
    peer.onMessage((m) => heard.push(m));
    const id = internal[0]!;
    leader.retain(id);
    follower.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    heard.length = 0;
    peer.post({ t: 'hello', tab: peer.tabId });
    expect(heard.filter((m) => m.t === 'state')).toHaveLength(1);
    pod.faults.add({ route: 'getUser', userId: id, status: 404 });
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(follower.getState(id).error?.kind).toBe('not-found');
    // The follower repeats its wish list every 30 s: the leader answers with the error it holds,
    // not with the presence from before it (which used to clear the follower's error).
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(follower.getState(id).error?.kind).toBe('not-found');
    // Another page claims an error: the leader, which reads for itself, does not take it.
    const other = internal[1]!;
    leader.retain(other);
    await vi.advanceTimersByTimeAsync(SECOND);
    peer.post({ t: 'error', key: other, error: { kind: 'server', status: 500, endpoint: 'GET /v3/user/{uid}/presence' } });
    expect(leader.getState(other).error).toBeUndefined();
    // And an error for a key a follower never showed makes no entry there.
    peer.post({ t: 'error', key: internal[2]!, error: { kind: 'server', status: 500, endpoint: 'x' } });
    expect(follower.getState(internal[2]!).error).toBeUndefined();
  });

  it('another tab’s read moves the budget forward, never back', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const { leader, peer } = await leaderAndPeer(pod);
    const id = external[0]!;
    leader.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    const first = leader.getState(id).lastReadAt!;
    peer.post({ t: 'read', key: id, at: first - 10 * MINUTE });
    expect(leader.getState(id).lastReadAt).toBe(first);
    peer.post({ t: 'read', key: id, at: first + 2 * MINUTE });
    expect(leader.getState(id).lastReadAt).toBe(first + 2 * MINUTE);
    peer.post({ t: 'read', key: 'not a key', at: first + 3 * MINUTE });
    expect(leader.stats().entries).toBe(2);
    // Nor does a wish list with keys that are not keys (another app on the channel).
    peer.post({ t: 'want', tab: peer.tabId, keys: ['not a key', '-5', 'local:x'], visible: true });
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(leader.stats().entries).toBe(2);
  });

  it('shared presences from another page are checked: bad keys, ids and categories are dropped, a missing time is now', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const hub = createMemoryCoordinatorHub();
    const tab = hub.connect();
    const peer = hub.connect();
    // The engine follows: the bare peer leads.
    await vi.advanceTimersByTimeAsync(0);
    const sync = track(startSync(pod, { coordinator: tab }));
    const id = internal[0]!;
    sync.retain(id);
    const before = sync.stats().entries;
    for (const message of [
      null,
      'text',
      { t: 'presence', key: 'garbage', presence: { userId: id, category: 'BUSY' } },
      { t: 'presence', key: id, presence: null },
      { t: 'presence', key: id, presence: { userId: id, category: 7 } },
      { t: 'presence', key: id, presence: { userId: 'not an id', category: 'BUSY' } },
      { t: 'listing', at: 'soon', presences: [{ userId: id, category: 'BUSY' }] },
      { t: 'listing', at: Date.now(), presences: 'none' },
      { t: 'nonsense' },
    ]) {
      peer.post(message as unknown as SyncMessage);
    }
    expect(sync.getState(id).presence).toBeUndefined();
    expect(sync.stats().entries).toBe(before);
    peer.post({ t: 'presence', key: id, presence: fromPage({ userId: id, category: 'BUSY', timestamp: 'x' }) });
    expect(sync.getState(id).presence).toMatchObject({ userId: id, category: 'BUSY', timestamp: undefined, observedAt: Date.now() });
    // A later-asked answer wins whatever its timestamp; an earlier-asked one is dropped.
    peer.post({ t: 'presence', key: id, presence: fromPage({ userId: id, category: 'AWAY', timestamp: 1 }), at: Date.now() + 1 });
    expect(sync.getState(id).presence?.category).toBe('AWAY');
    peer.post({ t: 'presence', key: id, presence: fromPage({ userId: id, category: 'BUSY', timestamp: 9e12 }), at: Date.now() - 1 });
    expect(sync.getState(id).presence?.category).toBe('AWAY');
    // No usable time: taken as asked now, so later than the one asked a moment ago.
    await vi.advanceTimersByTimeAsync(10);
    peer.post({ t: 'presence', key: id, presence: fromPage({ userId: id, category: 'OFFLINE' }), at: Number.NaN });
    expect(sync.getState(id).presence?.category).toBe('OFFLINE');
  });

  it('a follower that shows a user the leader knows gets it at once, without a read', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const hub = createMemoryCoordinatorHub();
    const leader = track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const id = internal[0]!;
    leader.retain(id);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    const reads = readsOf(pod, id).length;
    const follower = track(startSync(pod, { coordinator: hub.connect() }));
    // Not through the hello's state answer: the wish list alone brings it.
    follower.retain(id);
    await vi.advanceTimersByTimeAsync(0);
    expect(follower.getState(id).presence?.userId).toBe(id);
    expect(readsOf(pod, id)).toHaveLength(reads);
  });

  it('a follower that closes says goodbye: the leader stops reading what only it showed', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const hub = createMemoryCoordinatorHub();
    track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const follower = startSync(pod, { coordinator: hub.connect() });
    const id = internal[0]!;
    follower.retain(id);
    await vi.advanceTimersByTimeAsync(2 * MINUTE + SECOND);
    const reads = readsOf(pod, id).length;
    expect(reads).toBe(3);
    follower.destroy();
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(readsOf(pod, id)).toHaveLength(reads);
  });

  it('a hidden follower that awaits a read still gets it read by the leader', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const hub = createMemoryCoordinatorHub();
    track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const follower = track(
      startSync(pod, { coordinator: hub.connect(), visibility: { isVisible: () => false, subscribe: () => () => undefined } }),
    );
    const id = internal[0]!;
    const read = follower.read(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    await expect(read).resolves.toMatchObject({ userId: id });
  });

  it('a tab that takes over reads at once for the other tabs what the old leader had not read yet', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const hub = createMemoryCoordinatorHub();
    const first = track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    const next = track(startSync(pod, { coordinator: hub.connect() }));
    const showing = track(startSync(pod, { coordinator: hub.connect() }));
    next.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    // Only the third tab shows this user; the leader goes while registering it, before any read.
    pod.faults.add({ route: 'register', latencyMs: 10 * SECOND, times: 1 });
    const id = external[6]!;
    showing.retain(id);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(0);
    first.destroy();
    // The new leader knows the wish from before it led: no need to wait for the next repeat (30 s).
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect(showing.getState(id).presence?.userId).toBe(id);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('a follower that becomes leader registers the external users shown before reading them', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const hub = createMemoryCoordinatorHub();
    const firstTab = hub.connect();
    const first = track(startSync(pod, { coordinator: firstTab }));
    await vi.advanceTimersByTimeAsync(0);
    const second = track(startSync(pod, { coordinator: hub.connect() }));
    second.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    // Only the follower shows this user, and the leader goes before registering it.
    pod.faults.add({ route: 'register', latencyMs: 10 * SECOND, times: 1 });
    second.retain(external[5]!);
    await vi.advanceTimersByTimeAsync(SECOND);
    first.destroy();
    await vi.advanceTimersByTimeAsync(30 * SECOND);
    expect(second.getState(external[5]!).presence?.userId).toBe(external[5]);
    expect(budgetViolations(pod)).toEqual([]);
    expect(firstTab.isLeader()).toBe(false);
  });
});

/** A bare tab of the hub as the other side: the engine leads, or follows the bare tab. */
describe('what a tab says and does not say', () => {
  async function engineWith(pod: ReturnType<typeof setupPod>, role: 'leads' | 'follows', config: PresenceSyncConfig = {}) {
    const hub = createMemoryCoordinatorHub();
    let peer = role === 'follows' ? hub.connect() : undefined;
    if (peer) await vi.advanceTimersByTimeAsync(0);
    const tab = hub.connect();
    const sync = track(startSync(pod, { ...config, coordinator: tab }));
    await vi.advanceTimersByTimeAsync(0);
    peer ??= hub.connect();
    const heard: SyncMessage[] = [];
    peer.onMessage((m) => heard.push(m));
    return { hub, peer, tab, sync, heard };
  }
  const shared = (fields: Record<string, unknown>) => fields as unknown as Presence;

  it('a follower sends one wish list for a burst of retains; a leader sends none', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const follower = await engineWith(pod, 'follows');
    for (const id of internal.slice(0, 5)) follower.sync.retain(id);
    await vi.advanceTimersByTimeAsync(0);
    expect(follower.heard.filter((m) => m.t === 'want')).toEqual([
      { t: 'want', tab: follower.tab.tabId, keys: internal.slice(0, 5), visible: true },
    ]);
    const leader = await engineWith(pod, 'leads');
    for (const id of internal.slice(0, 5)) leader.sync.retain(id);
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(leader.heard.filter((m) => m.t === 'want')).toEqual([]);
  });

  it('a follower that leads before its wish list goes out does not send it', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const { hub, sync, peer } = await engineWith(pod, 'follows');
    const heard: SyncMessage[] = [];
    hub.connect().onMessage((m) => heard.push(m));
    sync.retain(internal[0]!);
    peer.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(heard.filter((m) => m.t === 'want')).toEqual([]);
  });

  it('a hidden follower says so (its users are not read for it), unless it awaits a user or the listing', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const { sync, heard } = await engineWith(pod, 'follows', {
      visibility: { isVisible: () => false, subscribe: () => () => undefined },
    });
    sync.retain(internal[0]!);
    sync.retainPodListing();
    await vi.advanceTimersByTimeAsync(0);
    expect(heard.filter((m) => m.t === 'want').at(-1)).toMatchObject({ visible: false, keys: [internal[0], '#pod-listing'] });
    const controller = new AbortController();
    void sync.readPodListing(controller.signal).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(heard.filter((m) => m.t === 'want').at(-1)).toMatchObject({ visible: true, keys: [internal[0], '#pod-listing'] });
    controller.abort();
    sync.retain(internal[2]!);
    await vi.advanceTimersByTimeAsync(0);
    expect(heard.filter((m) => m.t === 'want').at(-1)).toMatchObject({ visible: false });
    void sync.read(internal[1]!).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(heard.filter((m) => m.t === 'want').at(-1)).toMatchObject({
      visible: true,
      keys: [internal[0], internal[2], internal[1], '#pod-listing'],
    });
  });

  it('a follower that stops showing a user leaves it out of its next wish list', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const { sync, heard } = await engineWith(pod, 'follows');
    const release = sync.retain(internal[0]!);
    sync.retain(internal[1]!);
    await vi.advanceTimersByTimeAsync(0);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(heard.filter((m) => m.t === 'want').at(-1)).toMatchObject({ keys: [internal[1]] });
  });

  it('the leader answers a wish list with what it holds: the presence, or the error', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const [known, failing] = [internal[0]!, internal[1]!];
    pod.faults.add({ route: 'getUser', userId: failing, status: 404 });
    const { sync, peer, heard } = await engineWith(pod, 'leads');
    sync.retain(known);
    sync.retain(failing);
    await vi.advanceTimersByTimeAsync(SECOND);
    heard.length = 0;
    peer.post({ t: 'want', tab: peer.tabId, keys: [known, failing, 'not a key'], visible: true });
    expect(heard.filter((m) => m.t === 'presence' || m.t === 'error')).toEqual([
      { t: 'presence', key: known, presence: sync.getState(known).presence, at: expect.any(Number) },
      { t: 'error', key: failing, error: expect.objectContaining({ kind: 'not-found', status: 404 }) },
    ]);
  });

  it('a follower neither answers wish lists nor passes on what it hears (no echo between tabs)', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const { sync, peer, heard } = await engineWith(pod, 'follows');
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(0);
    peer.post({ t: 'presence', key: id, presence: shared({ userId: id, category: 'BUSY', timestamp: 5 }), at: Date.now() });
    peer.post({ t: 'want', tab: peer.tabId, keys: [id], visible: true });
    peer.post({ t: 'listing', at: Date.now(), presences: [shared({ userId: internal[1], category: 'AWAY' })] });
    peer.post({ t: 'error', key: id, error: { kind: 'server', status: 500, endpoint: 'GET /v3/user/{uid}/presence' } });
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(heard.filter((m) => m.t !== 'want')).toEqual([]);
    expect(sync.getState(id).error?.kind).toBe('server');
    expect(sync.getPodListing().listing?.userIds).toEqual([internal[1]]);
  });

  it('the leader takes no listing from another tab', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const { sync, peer } = await engineWith(pod, 'leads');
    peer.post({ t: 'listing', at: Date.now(), presences: [shared({ userId: internal[1], category: 'AWAY' })] });
    expect(sync.getPodListing().listing).toBeUndefined();
    expect(sync.getState(internal[1]!).presence).toBeUndefined();
  });

  it('a shared presence keeps its pod timestamp; only a shared own presence tells who the user is', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const { sync, peer } = await engineWith(pod, 'follows');
    sync.retain(id);
    peer.post({ t: 'presence', key: id, presence: shared({ userId: id, category: 'BUSY', timestamp: 1_700_000_000_000 }), at: Date.now() });
    expect(sync.getState(id).presence).toMatchObject({ category: 'BUSY', timestamp: 1_700_000_000_000 });
    expect(sync.selfUserId).toBeUndefined();
    peer.post({ t: 'presence', key: 'self', presence: shared({ userId: pod.defaultUserId, category: 'AWAY' }), at: Date.now() });
    expect(sync.selfUserId).toBe(pod.defaultUserId);
  });

  it('a shared answer that says nothing new still clears the error the follower showed, and tells its listeners', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const { sync, peer } = await engineWith(pod, 'follows');
    sync.retain(id);
    const busy = shared({ userId: id, category: 'BUSY', timestamp: 5 });
    peer.post({ t: 'presence', key: id, presence: busy, at: Date.now() });
    peer.post({ t: 'error', key: id, error: { kind: 'server', status: 500, endpoint: 'x' } });
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    await vi.advanceTimersByTimeAsync(SECOND);
    peer.post({ t: 'presence', key: id, presence: busy, at: Date.now() });
    expect(sync.getState(id).error).toBeUndefined();
    expect(events).toEqual([expect.objectContaining({ type: 'presence', key: id })]);
  });

  it('an answer asked before the one a follower shows neither replaces it nor clears its error', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const { sync, peer } = await engineWith(pod, 'follows');
    sync.retain(id);
    const asked = Date.now();
    peer.post({ t: 'presence', key: id, presence: shared({ userId: id, category: 'BUSY', timestamp: 5 }), at: asked });
    peer.post({ t: 'error', key: id, error: { kind: 'server', status: 500, endpoint: 'x' } });
    peer.post({ t: 'presence', key: id, presence: shared({ userId: id, category: 'AWAY', timestamp: 9 }), at: asked - SECOND });
    expect(sync.getState(id)).toMatchObject({ presence: { category: 'BUSY' }, error: { kind: 'server' } });
  });

  it('a new tab takes the leader’s state: presences, reads and registrations, and spends no budget again when it leads', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const id = external[0]!;
    // A real leader first, so that registrations and reads are the pod's own.
    const hub = createMemoryCoordinatorHub();
    const first = startSync(pod, { coordinator: hub.connect() });
    await vi.advanceTimersByTimeAsync(0);
    first.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    const readAt = first.getState(id).lastReadAt!;
    const late = track(startSync(pod, { coordinator: hub.connect() }));
    await vi.advanceTimersByTimeAsync(0);
    expect(late.getState(id)).toMatchObject({ presence: { userId: id }, lastReadAt: readAt });
    late.retain(id);
    first.destroy();
    const registrations = pod.ledger.filter((e) => e.route === 'register').length;
    await vi.advanceTimersByTimeAsync(5 * MINUTE - 2 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(4 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(2);
    expect(pod.ledger.filter((e) => e.route === 'register').length).toBe(registrations);
    expect(budgetViolations(pod)).toEqual([]);
  });
});
