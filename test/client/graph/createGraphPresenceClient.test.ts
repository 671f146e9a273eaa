// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceApiError, createGraphPresenceClient } from '../../../src/client';
import type { MockGraphUserSpec } from '../../../src/mock-pod';
import { InvalidGraphUserIdError, graphUserKey, isUserId } from '../../../src/model';
import { PresenceSync } from '../../../src/sync';
import { ADELE, MINUTE, SECOND, T0, U, graphAdapter, graphClient, setupGraph } from '../../support/graphHarness';

const engines: PresenceSync[] = [];
function start(client: ConstructorParameters<typeof PresenceSync>[0], config: ConstructorParameters<typeof PresenceSync>[1] = {}) {
  const sync = new PresenceSync(client, { random: () => 0.5, ...config }).start();
  engines.push(sync);
  return sync;
}

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
});

describe('Graph adapter under the unchanged engine', () => {
  it('keys GUIDs, reads them in one batch and maps them to Presence', async () => {
    const graph = setupGraph();
    const client = graphAdapter(graph);
    const sync = start(client);
    const keys = [U(2), U(3), U(4)].map((id) => sync.keyOf(id));
    expect(keys.every(isUserId)).toBe(true);
    expect(keys[0]).toBe(graphUserKey(U(2)));
    for (const key of keys) sync.retain(key);
    await vi.advanceTimersByTimeAsync(SECOND);

    const batches = graph.ledger.filter((e) => e.route === 'getBatch');
    expect(batches).toHaveLength(1);
    expect([...batches[0]!.userIds!].sort()).toEqual([U(2), U(3), U(4)]);
    expect(graph.ledger.filter((e) => e.route === 'getUser')).toHaveLength(0);
    expect(sync.getState(keys[0]!).presence).toEqual({
      userId: keys[0],
      category: 'ON_THE_PHONE',
      isUnknown: false,
      timestamp: undefined,
      source: 'graph',
      graph: { availability: 'Busy', activity: 'InACall', outOfOffice: false, id: U(2) },
      // When the batch read was sent: the engine orders answers by it.
      observedAt: expect.any(Number),
    });
    expect(sync.getState(keys[1]!).presence?.category).toBe('IN_A_MEETING');
    expect(sync.getState(keys[2]!).presence?.category).toBe('BUSY');
    expect(sync.getState(keys[2]!).external).toBe(false);
  });

  it('never registers interest and polls on the internal interval', async () => {
    const graph = setupGraph();
    const sync = start(graphAdapter(graph));
    sync.retain(sync.keyOf(U(2)));
    await vi.advanceTimersByTimeAsync(10 * MINUTE - SECOND);
    const reads = graph.ledger.filter((e) => e.route === 'getBatch');
    // t = 0, 1, ..., 9 minutes (60 s default interval), never held back by Symphony's 5-minute gap.
    expect(reads.map((e) => Math.round((e.time - T0) / MINUTE))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('chunks 700 users at 650 per call', async () => {
    const users: MockGraphUserSpec[] = Array.from({ length: 700 }, (_, i) => ({ id: U(i + 1), displayName: `U${i}` }));
    const graph = setupGraph({ users, throttle: false });
    const sync = start(graphAdapter(graph));
    for (const u of users) sync.retain(sync.keyOf(u.id!));
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(graph.ledger.filter((e) => e.route === 'getBatch').map((e) => e.userIds!.length)).toEqual([650, 50]);
    expect(users.every((u) => sync.getState(sync.keyOf(u.id!)).presence?.source === 'graph')).toBe(true);
  });

  it('reads the signed-in user through /me and knows them under both keys', async () => {
    const graph = setupGraph();
    const sync = start(graphAdapter(graph));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.getState('self').presence).toMatchObject({ category: 'AVAILABLE', graph: { id: ADELE } });
    expect(sync.selfUserId).toBe(graphUserKey(ADELE));
  });

  it('an id that is neither a GUID nor a known key is an InvalidGraphUserIdError', () => {
    const graph = setupGraph();
    const sync = start(graphAdapter(graph));
    expect(() => sync.keyOf('12987981103203')).toThrow(InvalidGraphUserIdError);
    expect(() => sync.keyOf('alice@contoso.com')).toThrow(InvalidGraphUserIdError);
    const key = sync.keyOf(U(2));
    expect(sync.keyOf(key)).toBe(key);
  });

  it('stamps a state with the time it was first seen to change, never with a made-up "since"', async () => {
    const graph = setupGraph();
    const sync = start(graphAdapter(graph));
    const key = sync.keyOf(U(5));
    sync.retain(key);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.getState(key).presence).toMatchObject({ category: 'AWAY', timestamp: undefined });
    graph.setClientSession(U(5), '1', { availability: 'Available', activity: 'Available' });
    await vi.advanceTimersByTimeAsync(MINUTE);
    const changed = sync.getState(key).presence!;
    expect(changed.category).toBe('AVAILABLE');
    // The read that saw the change (one interval later, plus the 50 ms batching window).
    expect(changed.timestamp).toBe(T0 + MINUTE + 50);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(sync.getState(key).presence!.timestamp).toBe(T0 + MINUTE + 50);
  });

  it('a throttled batch backs off for Retry-After and an error is never shown as offline', async () => {
    const graph = setupGraph({ throttle: { limit: 2, windowMs: 30 * SECOND } });
    const sync = start(graphAdapter(graph));
    const key = sync.keyOf(U(2));
    sync.retain(key);
    graph.faults.add({ route: 'getBatch', status: 429, retryAfter: '120', times: 1 });
    await vi.advanceTimersByTimeAsync(SECOND);
    const state = sync.getState(key);
    // A first 429 keeps the badge loading (not an error, never offline) until Retry-After.
    expect(state.error).toBeUndefined();
    expect(state.presence).toBeUndefined();
    expect(state.nextReadAt).toBeGreaterThanOrEqual(T0 + 120 * SECOND);
    await vi.advanceTimersByTimeAsync(119 * SECOND);
    expect(graph.ledger.filter((e) => e.route === 'getBatch')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(sync.getState(key).presence?.category).toBe('ON_THE_PHONE');
  });

  it('keeps to itself across tabs: no coordinator is created for keys only this client knows', () => {
    const graph = setupGraph();
    const factory = vi.fn();
    start(graphAdapter(graph), { coordinator: factory });
    expect(factory).not.toHaveBeenCalled();
  });
});

describe('setOwnPresence through the adapter', () => {
  it('sets a supported category with setPresence and reads the result back', async () => {
    const graph = setupGraph();
    const sync = start(graphAdapter(graph));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    const result = await sync.setOwnPresence({ category: 'ON_THE_PHONE' });
    expect(result).toMatchObject({ category: 'ON_THE_PHONE', graph: { availability: 'Busy', activity: 'InACall' } });
    expect(graph.getUser(ADELE)!.sessions.find((s) => s.kind === 'app')).toMatchObject({
      set: { availability: 'Busy', activity: 'InACall' },
      expiresAt: Date.now() + 60 * MINUTE,
    });
  });

  it.each(['BUSY', 'IN_A_MEETING', 'OUT_OF_OFFICE', 'BE_RIGHT_BACK', 'OFFLINE', 'SOMETHING'])(
    'rejects %s as bad-request before any request',
    async (category) => {
      const graph = setupGraph();
      const client = createGraphPresenceClient(graphClient(graph), { meId: ADELE });
      const error = await client.setOwnPresence({ category }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PresenceApiError);
      expect(error).toMatchObject({ kind: 'bad-request', status: 0 });
      expect(graph.ledger).toHaveLength(0);
    },
  );

  it('with setVia userPreferred, sets the user-preferred presence', async () => {
    const graph = setupGraph();
    const client = createGraphPresenceClient(graphClient(graph), { meId: ADELE, setVia: 'userPreferred' });
    await expect(client.setOwnPresence({ category: 'BE_RIGHT_BACK' })).resolves.toMatchObject({ category: 'BE_RIGHT_BACK' });
    expect(graph.getUser(ADELE)!.preferred).toMatchObject({ availability: 'BeRightBack', activity: 'BeRightBack' });
    expect(graph.ledger.map((e) => e.route)).toEqual(['setPreferred', 'getUser']);
  });

  it('registerInterest sends nothing; the pod-wide listing is a clear bad-request', async () => {
    const graph = setupGraph();
    const client = graphAdapter(graph);
    await expect(client.registerInterest([graphUserKey(U(2))])).resolves.toBeUndefined();
    await expect(client.listPresence()).rejects.toMatchObject({ kind: 'bad-request', status: 0 });
    await expect(client.listAllPresence()).rejects.toMatchObject({ kind: 'bad-request' });
    expect(graph.ledger).toHaveLength(0);
  });
});
