// @vitest-environment node
/**
 * The Graph presence keeper's decisions on the Graph emulator: which failures it retries and how
 * far apart, what it reports, and that a set overtaken by a newer one (or by stop) changes nothing.
 * The renewal timetable itself is in test/graph/GraphPresenceSession.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PresenceApiError } from '../../src/client';
import { keepGraphPresence, type GraphPresenceSession } from '../../src/sync';
import { ADELE, MINUTE, SECOND, T0, graphClient, graphFetch, setupGraph } from '../support/graphHarness';

const sessions: GraphPresenceSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) void s.stop();
  vi.useRealTimers();
});

const alone = () => setupGraph({ users: [{ id: ADELE, displayName: 'Adele Vance', clients: [] }] });
const setTimes = (graph: ReturnType<typeof alone>) => graph.ledger.filter((e) => e.route === 'setPresence').map((e) => e.time - T0);
const keep = (graph: ReturnType<typeof alone>, extra: Partial<Parameters<typeof keepGraphPresence>[1]> = {}) => {
  const session = keepGraphPresence(graphClient(graph), { userId: ADELE, availability: 'Busy', activity: 'InACall', random: () => 0, ...extra });
  sessions.push(session);
  return session;
};

describe('keepGraphPresence on failures', () => {
  it('retries server faults with a back-off that doubles per failure in a row', async () => {
    const graph = alone();
    graph.faults.add({ route: 'setPresence', status: 503, times: 3 });
    keep(graph);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    // Base 1 s, random 0: 0.5 s, 1 s, 2 s.
    expect(setTimes(graph)).toEqual([0, 500, 1500, 3500]);
  });

  it('retries when the network fails, and reports each failure as a typed error of the set', async () => {
    const graph = alone();
    let failures = 1;
    const fetch: typeof globalThis.fetch = (input, init) => (failures-- > 0 ? Promise.reject(new TypeError('offline')) : graphFetch(graph)(input, init));
    const errors: PresenceApiError[] = [];
    sessions.push(
      keepGraphPresence(graphClient(graph, { fetch }), {
        userId: ADELE,
        availability: 'Away',
        activity: 'Away',
        random: () => 0,
        onError: (e) => errors.push(e),
      }),
    );
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(errors).toMatchObject([{ kind: 'network' }]);
    expect(setTimes(graph)).toEqual([500]);
  });

  it('reports a refused set with its endpoint, and a stopped keeper renews no more', async () => {
    const graph = alone();
    const errors: PresenceApiError[] = [];
    const session = keep(graph, { onError: (e) => errors.push(e) });
    await vi.advanceTimersByTimeAsync(MINUTE);
    graph.faults.add({ route: 'setPresence', status: 403 });
    await expect(session.update({ availability: 'Away', activity: 'Away' })).rejects.toMatchObject({ kind: 'forbidden' });
    expect(errors).toMatchObject([{ kind: 'forbidden', endpoint: 'POST /users/{id}/presence/setPresence' }]);
    expect(session.stopped).toBe(true);
    // The renewal planned after the first set must not run either.
    await vi.advanceTimersByTimeAsync(2 * 60 * MINUTE);
    expect(setTimes(graph)).toEqual([0, MINUTE]);
    await expect(session.update({ availability: 'Away', activity: 'Away' })).rejects.toMatchObject({ kind: 'aborted', endpoint: 'presence session' });
  });

  it('refuses a pair setPresence does not take with a typed error that names it', () => {
    const graph = alone();
    let thrown: unknown;
    try {
      keep(graph, { availability: 'Busy', activity: 'Busy' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ kind: 'bad-request', endpoint: 'POST /users/{id}/presence/setPresence' });
    expect(String((thrown as Error).cause)).toBe('RangeError: Busy/Busy is not a pair setPresence accepts');
    const session = keep(graph);
    expect(() => session.update(undefined as never)).toThrow(expect.objectContaining({ kind: 'bad-request' }));
  });

  it('names the call in a failure that is not typed yet: the set, then the clear at stop', async () => {
    alone();
    // A client that fails with plain errors (a bug, a wrapper of the app's own).
    const client = { setPresence: () => Promise.reject(new Error('set broke')), clearPresence: () => Promise.reject(new Error('clear broke')) };
    const errors: PresenceApiError[] = [];
    const session = keepGraphPresence(client as never, { userId: ADELE, availability: 'Away', activity: 'Away', onError: (e) => errors.push(e) });
    await vi.advanceTimersByTimeAsync(SECOND);
    await session.stop();
    expect(errors.map((e) => [e.kind, e.endpoint])).toEqual([
      ['invalid-response', 'POST /users/{id}/presence/setPresence'],
      ['invalid-response', 'POST /users/{id}/presence/clearPresence'],
    ]);
  });
});

describe('keepGraphPresence with overlapping sets', () => {
  it('a slow set that fails after a newer one succeeded leaves the newer one in charge', async () => {
    const graph = alone();
    graph.faults.add({ route: 'setPresence', status: 500, latencyMs: 2 * SECOND, times: 1 });
    const session = keep(graph, { expirationDuration: 'PT1H' });
    await vi.advanceTimersByTimeAsync(SECOND);
    await session.update({ availability: 'Away', activity: 'Away', expirationDuration: 'PT1H' });
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    // No retry of the failed set: only the update, then its renewal 59 minutes later.
    expect(setTimes(graph)).toEqual([SECOND, 2 * SECOND]);
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    expect(setTimes(graph)).toEqual([SECOND, 2 * SECOND, SECOND + 59 * MINUTE]);
  });

  it('a slow set that lands after a newer one neither reports itself nor moves the renewal', async () => {
    const graph = alone();
    graph.faults.add({ route: 'setPresence', latencyMs: 2 * SECOND, times: 1 });
    const onSet = vi.fn();
    const session = keep(graph, { expirationDuration: 'PT1H', onSet });
    await vi.advanceTimersByTimeAsync(SECOND);
    await session.update({ availability: 'Away', activity: 'Away', expirationDuration: 'PT1H' });
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(onSet.mock.calls).toEqual([[{ availability: 'Away', activity: 'Away' }, T0 + SECOND]]);
    await vi.advanceTimersByTimeAsync(59 * MINUTE);
    expect(setTimes(graph).at(-1)).toBe(SECOND + 59 * MINUTE);
  });

  it('a set that lands after stop() is not reported as kept, and stop leaves no timer behind', async () => {
    const graph = alone();
    graph.latencyMs = 200;
    const onSet = vi.fn();
    const session = keep(graph, { onSet });
    const stopped = session.stop();
    await vi.advanceTimersByTimeAsync(SECOND);
    await stopped;
    expect(onSet).not.toHaveBeenCalled();
    const renewing = keep(graph, { onSet });
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(onSet).toHaveBeenCalledTimes(1);
    const done = renewing.stop();
    await vi.advanceTimersByTimeAsync(SECOND);
    await done;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('renews renewMarginMs before Available would fade', async () => {
    const graph = alone();
    keep(graph, { availability: 'Available', activity: 'Available', expirationDuration: 'PT1H', renewMarginMs: 2 * MINUTE });
    await vi.advanceTimersByTimeAsync(7 * MINUTE);
    expect(setTimes(graph)).toEqual([0, 3 * MINUTE, 6 * MINUTE]);
  });
});
