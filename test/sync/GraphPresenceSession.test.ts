// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceApiError } from '../../src/client';
import { InvalidDurationError, InvalidGraphUserIdError } from '../../src/model';
import { graphRenewIntervalMs, keepGraphPresence, type GraphPresenceSession } from '../../src/sync';
import { ADELE, MINUTE, SECOND, T0, graphClient, setupGraph } from '../support/graphHarness';

const sessions: GraphPresenceSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) void s.stop();
  vi.useRealTimers();
});

const alone = () => setupGraph({ users: [{ id: ADELE, displayName: 'Adele Vance', clients: [] }] });
const sets = (graph: ReturnType<typeof setupGraph>) =>
  graph.ledger.filter((e) => e.route === 'setPresence').map((e) => (e.time - T0) / MINUTE);
const shown = (graph: ReturnType<typeof setupGraph>) => {
  const u = graph.getUser(ADELE)!;
  return `${u.availability}/${u.activity}`;
};

describe('graphRenewIntervalMs', () => {
  it.each([
    ['Available', 'Available', 60 * MINUTE, 4 * MINUTE],
    ['Available', 'Available', 5 * MINUTE, 4 * MINUTE],
    ['Busy', 'InACall', 60 * MINUTE, 59 * MINUTE],
    ['Busy', 'InACall', 5 * MINUTE, 4 * MINUTE],
    ['DoNotDisturb', 'Presenting', 240 * MINUTE, 239 * MINUTE],
  ])('%s/%s expiring after %i ms renews every %i ms', (availability, activity, expiry, every) => {
    expect(graphRenewIntervalMs({ availability, activity }, expiry)).toBe(every);
  });
});

describe('keepGraphPresence', () => {
  it('keeps Available from fading by renewing every 4 minutes', async () => {
    const graph = alone();
    sessions.push(keepGraphPresence(graphClient(graph), { userId: ADELE, availability: 'Available', activity: 'Available', expirationDuration: 'PT1H' }));
    for (let m = 0; m < 30; m++) {
      await vi.advanceTimersByTimeAsync(MINUTE);
      expect(shown(graph), `minute ${m + 1}`).toBe('Available/Available');
    }
    expect(sets(graph)).toEqual([0, 4, 8, 12, 16, 20, 24, 28]);
  });

  it('without the keeper the same session fades (control)', async () => {
    const graph = alone();
    await graphClient(graph).setPresence({ userId: ADELE, availability: 'Available', activity: 'Available', expirationDuration: 'PT1H' });
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(shown(graph)).toBe('Away/Away');
  });

  it('renews a non-Available session before it expires, not before', async () => {
    const graph = alone();
    sessions.push(keepGraphPresence(graphClient(graph), { userId: ADELE, availability: 'Busy', activity: 'InACall', expirationDuration: 'PT1H' }));
    await vi.advanceTimersByTimeAsync(3 * 60 * MINUTE);
    expect(shown(graph)).toBe('Busy/InACall');
    expect(sets(graph)).toEqual([0, 59, 118, 177]);
  });

  it('with Graph\'s default expiry of 5 minutes, renews every 4', async () => {
    const graph = alone();
    sessions.push(keepGraphPresence(graphClient(graph), { userId: ADELE, availability: 'Away', activity: 'Away' }));
    await vi.advanceTimersByTimeAsync(20 * MINUTE);
    expect(shown(graph)).toBe('Away/Away');
    expect(sets(graph)).toEqual([0, 4, 8, 12, 16, 20]);
    expect(graph.ledger.some((e) => e.route === 'setPresence' && e.status !== 200)).toBe(false);
  });

  it('update() sets the new pair at once and keeps that one', async () => {
    const graph = alone();
    const session = keepGraphPresence(graphClient(graph), { userId: ADELE, availability: 'Available', activity: 'Available', expirationDuration: 'PT1H' });
    sessions.push(session);
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    await session.update({ availability: 'DoNotDisturb', activity: 'Presenting', expirationDuration: 'PT1H' });
    expect(shown(graph)).toBe('DoNotDisturb/Presenting');
    expect(session.state).toEqual({ availability: 'DoNotDisturb', activity: 'Presenting' });
    await vi.advanceTimersByTimeAsync(2 * 60 * MINUTE);
    expect(shown(graph)).toBe('DoNotDisturb/Presenting');
    // 0 and 2 minutes, then every 59 minutes from the update.
    expect(sets(graph)).toEqual([0, 2, 61, 120]);
  });

  it('stop() clears the session and renews no more', async () => {
    const graph = alone();
    const session = keepGraphPresence(graphClient(graph), { userId: ADELE, availability: 'Busy', activity: 'InACall' });
    await vi.advanceTimersByTimeAsync(MINUTE);
    await session.stop();
    expect(session.stopped).toBe(true);
    expect(graph.ledger.at(-1)).toMatchObject({ route: 'clearPresence', status: 200 });
    expect(shown(graph)).toBe('Offline/Offline');
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    expect(sets(graph)).toEqual([0]);
    await expect(session.update({ availability: 'Away', activity: 'Away' })).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('stop() right after start waits for the first set, so the clear comes last', async () => {
    const graph = alone();
    graph.latencyMs = 200;
    const session = keepGraphPresence(graphClient(graph), { userId: ADELE, availability: 'Busy', activity: 'InACall' });
    const stopped = session.stop();
    await vi.advanceTimersByTimeAsync(SECOND);
    await stopped;
    expect(graph.ledger.map((e) => e.route)).toEqual(['setPresence', 'clearPresence']);
    expect(shown(graph)).toBe('Offline/Offline');
  });

  it.each([
    [{ availability: 'Busy', activity: 'Busy' }, PresenceApiError],
    [{ availability: 'Busy', activity: 'InAMeeting' }, PresenceApiError],
    [{ availability: 'Available', activity: 'Available', expirationDuration: 'PT4H1M' }, InvalidDurationError],
    [{ availability: 'Available', activity: 'Available', expirationDuration: 'PT1M' }, InvalidDurationError],
  ])('refuses %j synchronously, before any request', (state, type) => {
    const graph = alone();
    expect(() => keepGraphPresence(graphClient(graph), { userId: ADELE, ...state })).toThrow(type);
    expect(graph.ledger).toHaveLength(0);
  });

  it('refuses an id that is not a GUID', () => {
    const graph = alone();
    expect(() => keepGraphPresence(graphClient(graph), { userId: 'adele', availability: 'Away', activity: 'Away' })).toThrow(InvalidGraphUserIdError);
  });

  it('retries a 429 after Retry-After and then renews on schedule', async () => {
    const graph = alone();
    graph.faults.add({ route: 'setPresence', status: 429, retryAfter: '30', times: 1 });
    const onError = vi.fn();
    sessions.push(keepGraphPresence(graphClient(graph), { userId: ADELE, availability: 'Away', activity: 'Away', onError }));
    await vi.advanceTimersByTimeAsync(29 * SECOND);
    expect(graph.ledger.filter((e) => e.route === 'setPresence')).toHaveLength(1);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ kind: 'rate-limited', retryAfterMs: 30 * SECOND }));
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(shown(graph)).toBe('Away/Away');
    const times = graph.ledger.filter((e) => e.route === 'setPresence').map((e) => e.time - T0);
    expect(times).toEqual([0, 30 * SECOND]);
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    expect(graph.ledger.filter((e) => e.route === 'setPresence').map((e) => e.time - T0)).toEqual([0, 30 * SECOND, 30 * SECOND + 4 * MINUTE]);
  });

  it('stops on a refusal renewing cannot fix', async () => {
    const graph = alone();
    graph.faults.add({ route: 'setPresence', status: 403 });
    const onError = vi.fn();
    const session = keepGraphPresence(graphClient(graph), { userId: ADELE, availability: 'Away', activity: 'Away', onError });
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    expect(graph.ledger.filter((e) => e.route === 'setPresence')).toHaveLength(1);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ kind: 'forbidden' }));
    expect(session.stopped).toBe(true);
  });
});
