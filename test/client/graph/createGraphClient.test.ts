import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceApiError, createGraphClient } from '../../../src/client';
import { DEFAULT_GRAPH_APP_ID, DEFAULT_GRAPH_TOKEN, type MockGraphUserSpec } from '../../../src/mock-pod';
import { InvalidDurationError, InvalidGraphUserIdError } from '../../../src/model';
import { ADELE, GRAPH_URL, SECOND, U, graphClient, graphFetch, setupGraph } from '../../support/graphHarness';

afterEach(() => {
  vi.useRealTimers();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('createGraphClient reads', () => {
  it('reads /me/presence and /users/{id}/presence', async () => {
    const graph = setupGraph();
    const client = graphClient(graph);
    await expect(client.getMyPresence()).resolves.toMatchObject({ id: ADELE, availability: 'Available', activity: 'Available' });
    await expect(client.getPresence(U(2))).resolves.toMatchObject({ id: U(2), availability: 'Busy', activity: 'InACall' });
    expect(graph.ledger.map((e) => `${e.method} ${e.path}`)).toEqual(['GET /me/presence', 'GET /users/{id}/presence']);
  });

  it('refuses an id that is not a GUID before any request', async () => {
    const graph = setupGraph();
    const fetch = vi.fn(graphFetch(graph));
    const client = graphClient(graph, { fetch });
    await expect(client.getPresence('../../me/presence')).rejects.toBeInstanceOf(InvalidGraphUserIdError);
    await expect(client.getPresences([U(2), 'alice@contoso.com'])).rejects.toBeInstanceOf(InvalidGraphUserIdError);
    await expect(client.setPresence({ userId: 'x', availability: 'Available', activity: 'Available' })).rejects.toBeInstanceOf(
      InvalidGraphUserIdError,
    );
    expect(fetch).not.toHaveBeenCalled();
  });

  it('maps a 404 to not-found with the endpoint template', async () => {
    const graph = setupGraph();
    const error = (await rejection(graphClient(graph).getPresence(U(999)))) as PresenceApiError;
    expect(error).toBeInstanceOf(PresenceApiError);
    expect(error).toMatchObject({ kind: 'not-found', status: 404, endpoint: 'GET /users/{id}/presence', serverMessage: 'User not found' });
  });
});

describe('getPresencesByUserId chunking', () => {
  it.each([
    [1, [1]],
    [650, [650]],
    [651, [650, 1]],
    [1400, [650, 650, 100]],
  ])('%i ids go out in calls of %j', async (count, sizes) => {
    const users: MockGraphUserSpec[] = Array.from({ length: count }, (_, i) => ({ id: U(i + 1), displayName: `User ${i + 1}` }));
    const graph = setupGraph({ users, throttle: false });
    const client = graphClient(graph);
    const ids = users.map((u) => u.id as string);
    const result = await client.getPresences([...ids, ids[0] as string]);
    expect(result).toHaveLength(count);
    expect(new Set(result.map((r) => r.id)).size).toBe(count);
    const calls = graph.ledger.filter((e) => e.route === 'getBatch');
    expect(calls.map((e) => e.userIds?.length)).toEqual(sizes);
    expect(calls.every((e) => e.status === 200)).toBe(true);
  });

  it('leaves out users Graph does not return', async () => {
    const graph = setupGraph();
    const result = await graphClient(graph).getPresences([U(2), U(12345)]);
    expect(result.map((r) => r.id)).toEqual([U(2)]);
  });

  it('the emulator refuses more than 650 ids in one call', async () => {
    const graph = setupGraph();
    const ids = Array.from({ length: 651 }, (_, i) => U(i + 1));
    const answer = await graph.handle({
      method: 'POST',
      path: '/communications/getPresencesByUserId',
      headers: { Authorization: `Bearer ${DEFAULT_GRAPH_TOKEN}` },
      bodyText: JSON.stringify({ ids }),
    });
    expect(answer.status).toBe(400);
  });
});

describe('setPresence and friends', () => {
  it('sends sessionId, pair and duration for a supported pair', async () => {
    const graph = setupGraph();
    const bodies: unknown[] = [];
    const client = graphClient(graph, {
      fetch: graphFetch(graph, (r) => void r.text().then((t) => t && bodies.push(JSON.parse(t)))),
    });
    await client.setPresence({ userId: ADELE, availability: 'Busy', activity: 'InAConferenceCall', expirationDuration: 'PT1H' });
    await Promise.resolve();
    expect(bodies).toEqual([{ sessionId: DEFAULT_GRAPH_APP_ID, availability: 'Busy', activity: 'InAConferenceCall', expirationDuration: 'PT1H' }]);
    expect(graph.getUser(ADELE)).toMatchObject({ availability: 'Busy', activity: 'InAConferenceCall' });
  });

  it.each([
    ['Busy', 'Busy'],
    ['DoNotDisturb', 'DoNotDisturb'],
    ['Busy', 'InAMeeting'],
    ['Available', 'OutOfOffice'],
    ['OutOfOffice', 'OutOfOffice'],
    ['BeRightBack', 'BeRightBack'],
    ['Offline', 'OffWork'],
  ])('refuses %s/%s before any request', async (availability, activity) => {
    const graph = setupGraph();
    const fetch = vi.fn(graphFetch(graph));
    const client = graphClient(graph, { fetch });
    const error = (await rejection(client.setPresence({ userId: ADELE, availability, activity }))) as PresenceApiError;
    expect(error).toMatchObject({ kind: 'bad-request', status: 0, endpoint: 'POST /users/{id}/presence/setPresence' });
    expect(fetch).not.toHaveBeenCalled();
  });

  it.each(['PT4M', 'PT5H', 'P1D', 'one hour', 'PT'])('refuses expirationDuration %s before any request', async (expirationDuration) => {
    const graph = setupGraph();
    const fetch = vi.fn(graphFetch(graph));
    const client = graphClient(graph, { fetch });
    await expect(
      client.setPresence({ userId: ADELE, availability: 'Available', activity: 'Available', expirationDuration }),
    ).rejects.toBeInstanceOf(InvalidDurationError);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('clears the session, sets and clears the user-preferred presence', async () => {
    const graph = setupGraph({ users: [{ id: ADELE, displayName: 'Adele', clients: [] }] });
    const client = graphClient(graph);
    await client.setPresence({ userId: ADELE, availability: 'Away', activity: 'Away' });
    expect(graph.getUser(ADELE)?.availability).toBe('Away');
    await client.setUserPreferredPresence({ userId: ADELE, availability: 'DoNotDisturb', activity: 'DoNotDisturb' });
    expect(graph.getUser(ADELE)).toMatchObject({ availability: 'DoNotDisturb', activity: 'DoNotDisturb' });
    await client.clearUserPreferredPresence(ADELE);
    expect(graph.getUser(ADELE)?.availability).toBe('Away');
    await client.clearPresence(ADELE);
    expect(graph.getUser(ADELE)).toMatchObject({ availability: 'Offline', sessions: [] });
  });

  it('clearUserPreferredPresence sends no body, as Graph documents', async () => {
    const graph = setupGraph();
    const fetch = vi.fn(graphFetch(graph));
    const client = graphClient(graph, { fetch });
    await client.clearUserPreferredPresence(ADELE);
    const init = fetch.mock.calls[0]![1] as RequestInit;
    expect(init.method).toBe('POST');
    expect(init.body).toBeUndefined();
    expect(new Headers(init.headers).has('Content-Type')).toBe(false);
  });

  it('refuses user-preferred pairs Graph does not accept', async () => {
    const graph = setupGraph();
    const fetch = vi.fn(graphFetch(graph));
    const client = graphClient(graph, { fetch });
    await expect(client.setUserPreferredPresence({ userId: ADELE, availability: 'Busy', activity: 'InACall' })).rejects.toMatchObject({
      kind: 'bad-request',
      status: 0,
    });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('refuses a sessionId that is not a GUID at creation', () => {
    expect(() => createGraphClient({ sessionId: 'my-app', getAccessToken: () => 't' })).toThrow(TypeError);
  });
});

describe('429 and Retry-After', () => {
  it('honours Retry-After: later calls fail fast until it has passed', async () => {
    const graph = setupGraph({ throttle: { limit: 3, windowMs: 30 * SECOND } });
    const client = graphClient(graph);
    for (let i = 0; i < 3; i++) await client.getPresence(U(2));
    const error = (await rejection(client.getPresence(U(2)))) as PresenceApiError;
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 30 * SECOND });
    expect(graph.ledger.at(-1)).toMatchObject({ status: 429, throttled: true });
    const handled = graph.ledger.length;

    vi.advanceTimersByTime(10 * SECOND);
    const early = (await rejection(client.getPresence(U(2)))) as PresenceApiError;
    expect(early).toMatchObject({ kind: 'rate-limited', status: 0, retryAfterMs: 20 * SECOND });
    expect(graph.ledger.length).toBe(handled);

    vi.advanceTimersByTime(20 * SECOND);
    await expect(client.getPresence(U(2))).resolves.toMatchObject({ id: U(2) });
  });

  it('counts the throttle per app', async () => {
    const graph = setupGraph({ throttle: { limit: 2, windowMs: 30 * SECOND } });
    const a = graphClient(graph);
    const otherApp = '0f0f0f0f-1111-4222-8333-444444444444';
    const token = graph.createToken({ appId: otherApp });
    const b = graphClient(graph, { sessionId: otherApp, getAccessToken: () => token });
    await a.getPresence(U(2));
    await a.getPresence(U(2));
    await expect(a.getPresence(U(2))).rejects.toMatchObject({ kind: 'rate-limited' });
    await expect(b.getPresence(U(2))).resolves.toMatchObject({ id: U(2) });
  });
});

describe('tokens', () => {
  it('refreshes once on 401, shared by concurrent calls, and retries', async () => {
    const graph = setupGraph();
    const fresh = graph.createToken({ userId: ADELE });
    const provider = vi.fn(({ forceRefresh }: { forceRefresh: boolean }) => (forceRefresh ? fresh : 'stale-token'));
    const seen: string[] = [];
    const client = createGraphClient({
      graphUrl: GRAPH_URL,
      sessionId: DEFAULT_GRAPH_APP_ID,
      getAccessToken: provider,
      fetch: graphFetch(graph, (r) => seen.push(r.headers.get('Authorization') ?? '')),
    });
    const results = await Promise.all([client.getMyPresence(), client.getPresence(U(2)), client.getPresence(U(3))]);
    expect(results.map((r) => r.id)).toEqual([ADELE, U(2), U(3)]);
    expect(provider.mock.calls.filter(([o]) => o.forceRefresh)).toHaveLength(1);
    expect(seen.filter((h) => h === `Bearer ${fresh}`)).toHaveLength(3);
    expect(graph.ledger.every((e) => !JSON.stringify(e).includes(fresh))).toBe(true);
  });

  it('gives up after one refresh and never leaks the token', async () => {
    const graph = setupGraph();
    const client = graphClient(graph, {
      getAccessToken: () => 'secret-123',
      fetch: async () => new Response(JSON.stringify({ error: { code: 'InvalidAuthenticationToken', message: 'bad token secret-123' } }), { status: 401 }),
    });
    const error = (await rejection(client.getMyPresence())) as PresenceApiError;
    expect(error).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(error.message).not.toContain('secret-123');
    expect(error.serverMessage).toBe('bad token [redacted]');
  });
});
