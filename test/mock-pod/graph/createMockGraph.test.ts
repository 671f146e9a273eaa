import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGraphClient } from '../../../src/client';
import {
  DEFAULT_GRAPH_APP_ID,
  DEFAULT_GRAPH_TOKEN,
  createMockGraph,
  type MockGraph,
  type MockGraphRequest,
} from '../../../src/mock-pod';
import { createMockGraphHandlers } from '../../../src/mock-pod/msw';
import { ADELE, MINUTE, SECOND, U, setupGraph } from '../../support/graphHarness';

afterEach(() => {
  vi.useRealTimers();
});

const auth = (token = DEFAULT_GRAPH_TOKEN) => ({ Authorization: `Bearer ${token}` });

function call(graph: MockGraph, method: string, path: string, body?: unknown, token = DEFAULT_GRAPH_TOKEN) {
  const request: MockGraphRequest = { method, path, headers: auth(token) };
  if (body !== undefined) request.bodyText = JSON.stringify(body);
  return graph.handle(request);
}

const set = (graph: MockGraph, userId: string, availability: string, activity: string, expirationDuration?: string) =>
  call(graph, 'POST', `/users/${userId}/presence/setPresence`, {
    sessionId: DEFAULT_GRAPH_APP_ID,
    availability,
    activity,
    ...(expirationDuration ? { expirationDuration } : {}),
  });

const state = (graph: MockGraph, id = ADELE) => {
  const u = graph.getUser(id)!;
  return `${u.availability}/${u.activity}${u.outOfOffice ? '+OOF' : ''}`;
};

/** A user with no Teams client, so the app's session is the only one. */
const alone = () => setupGraph({ users: [{ id: ADELE, displayName: 'Adele Vance', clients: [] }] });

describe('timeout fade', () => {
  it.each([
    [0, 'Available/Available'],
    [5 * MINUTE - 1, 'Available/Available'],
    [5 * MINUTE, 'Available/AvailableInactive'],
    [10 * MINUTE - 1, 'Available/AvailableInactive'],
    [10 * MINUTE, 'Away/Away'],
    [59 * MINUTE, 'Away/Away'],
  ])('Available set with PT1H shows, %i ms later, %s', async (after, expected) => {
    const graph = alone();
    expect((await set(graph, ADELE, 'Available', 'Available', 'PT1H')).status).toBe(200);
    vi.advanceTimersByTime(after);
    expect(state(graph)).toBe(expected);
  });

  it('a renewal before the timeout restarts the fade', async () => {
    const graph = alone();
    await set(graph, ADELE, 'Available', 'Available', 'PT1H');
    vi.advanceTimersByTime(4 * MINUTE);
    await set(graph, ADELE, 'Available', 'Available', 'PT1H');
    vi.advanceTimersByTime(4 * MINUTE);
    expect(state(graph)).toBe('Available/Available');
    vi.advanceTimersByTime(MINUTE);
    expect(state(graph)).toBe('Available/AvailableInactive');
  });

  it('only Available fades', async () => {
    const graph = alone();
    await set(graph, ADELE, 'Busy', 'InACall', 'PT1H');
    vi.advanceTimersByTime(30 * MINUTE);
    expect(state(graph)).toBe('Busy/InACall');
  });

  it('Teams client sessions keep themselves alive', () => {
    const graph = setupGraph();
    vi.advanceTimersByTime(3 * 60 * MINUTE);
    expect(state(graph)).toBe('Available/Available');
  });
});

describe('expiry', () => {
  it.each([
    [undefined, 5 * MINUTE],
    ['PT5M', 5 * MINUTE],
    ['PT1H', 60 * MINUTE],
    ['PT4H', 240 * MINUTE],
  ])('a session set with %s ends after %i ms, leaving the user Offline', async (duration, ms) => {
    const graph = alone();
    await set(graph, ADELE, 'Busy', 'InACall', duration);
    vi.advanceTimersByTime(ms - 1);
    expect(state(graph)).toBe('Busy/InACall');
    vi.advanceTimersByTime(1);
    expect(state(graph)).toBe('Offline/Offline');
    expect(graph.getUser(ADELE)!.sessions).toEqual([]);
  });

  it('when another session remains, the user falls back to it', async () => {
    const graph = setupGraph();
    await set(graph, ADELE, 'Busy', 'InACall');
    expect(state(graph)).toBe('Busy/InACall');
    vi.advanceTimersByTime(5 * MINUTE);
    expect(state(graph)).toBe('Available/Available');
  });

  it.each(['PT4M', 'PT4H1M', 'P1D', 'soon'])('refuses expirationDuration %s with 400', async (duration) => {
    const graph = alone();
    expect((await set(graph, ADELE, 'Available', 'Available', duration)).status).toBe(400);
    expect(graph.getUser(ADELE)!.sessions).toEqual([]);
  });

  it('clearPresence ends the app session only', async () => {
    const graph = setupGraph();
    await set(graph, ADELE, 'DoNotDisturb', 'Presenting');
    expect(state(graph)).toBe('DoNotDisturb/Presenting');
    const res = await call(graph, 'POST', `/users/${ADELE}/presence/clearPresence`, { sessionId: DEFAULT_GRAPH_APP_ID });
    expect(res.status).toBe(200);
    expect(state(graph)).toBe('Available/Available');
  });
});

describe('session precedence', () => {
  it.each([
    ['DoNotDisturb beats Busy', { availability: 'Busy', activity: 'Busy' }, ['DoNotDisturb', 'Presenting'], 'DoNotDisturb/Presenting'],
    ['DoNotDisturb kept over a Busy app session', { availability: 'DoNotDisturb', activity: 'DoNotDisturb' }, ['Busy', 'InACall'], 'DoNotDisturb/DoNotDisturb'],
    ['Busy beats Available', { availability: 'Available', activity: 'Available' }, ['Busy', 'InACall'], 'Busy/InACall'],
    ['Available beats Away', { availability: 'Away', activity: 'Away' }, ['Available', 'Available'], 'Available/Available'],
    ['Available kept over an Away app session', { availability: 'Available', activity: 'Available' }, ['Away', 'Away'], 'Available/Available'],
  ])('%s', async (_name, client, [availability, activity], expected) => {
    const graph = setupGraph({ users: [{ id: ADELE, displayName: 'Adele', clients: [client] }] });
    await set(graph, ADELE, availability as string, activity as string, 'PT1H');
    expect(state(graph)).toBe(expected);
  });

  it('several Teams clients aggregate too', () => {
    const graph = setupGraph();
    graph.setClientSession(ADELE, 'mobile', { availability: 'Away', activity: 'Away' });
    expect(state(graph)).toBe('Available/Available');
    graph.setClientSession(ADELE, 'web', { availability: 'Busy', activity: 'Busy' });
    expect(state(graph)).toBe('Busy/Busy');
    graph.setClientSession(ADELE, 'web', null);
    expect(state(graph)).toBe('Available/Available');
  });
});

describe('user-preferred presence', () => {
  const prefer = (graph: MockGraph, availability: string, activity: string, expirationDuration?: string) =>
    call(graph, 'POST', `/users/${ADELE}/presence/setUserPreferredPresence`, {
      availability,
      activity,
      ...(expirationDuration ? { expirationDuration } : {}),
    });

  it('overrides every session state', async () => {
    const graph = setupGraph();
    await set(graph, ADELE, 'DoNotDisturb', 'Presenting', 'PT1H');
    expect((await prefer(graph, 'Away', 'Away')).status).toBe(200);
    expect(state(graph)).toBe('Away/Away');
  });

  it('only takes effect while a session exists', async () => {
    const graph = alone();
    await prefer(graph, 'Busy', 'Busy');
    expect(state(graph)).toBe('Offline/Offline');
    await set(graph, ADELE, 'Available', 'Available');
    expect(state(graph)).toBe('Busy/Busy');
    vi.advanceTimersByTime(5 * MINUTE);
    expect(state(graph)).toBe('Offline/Offline');
  });

  it.each([
    ['DoNotDisturb', 'DoNotDisturb', 24 * 60 * MINUTE],
    ['Busy', 'Busy', 24 * 60 * MINUTE],
    ['Available', 'Available', 7 * 24 * 60 * MINUTE],
    ['BeRightBack', 'BeRightBack', 7 * 24 * 60 * MINUTE],
    ['Away', 'Away', 7 * 24 * 60 * MINUTE],
    ['Offline', 'OffWork', 7 * 24 * 60 * MINUTE],
  ])('%s/%s lasts %i ms by default', async (availability, activity, ms) => {
    const graph = setupGraph({ users: [{ id: ADELE, displayName: 'Adele', clients: [{ availability: 'Busy', activity: 'InACall' }] }] });
    await prefer(graph, availability, activity);
    vi.advanceTimersByTime(ms - 1);
    expect(state(graph)).toBe(`${availability}/${activity}`);
    vi.advanceTimersByTime(1);
    expect(state(graph)).toBe('Busy/InACall');
  });

  it('an explicit duration wins', async () => {
    const graph = setupGraph();
    await prefer(graph, 'DoNotDisturb', 'DoNotDisturb', 'PT8H');
    vi.advanceTimersByTime(8 * 60 * MINUTE);
    expect(state(graph)).toBe('Available/Available');
  });

  it('refuses pairs outside its list', async () => {
    const graph = setupGraph();
    expect((await prefer(graph, 'Busy', 'InACall')).status).toBe(400);
  });
});

describe('events: out of office and meetings', () => {
  it.each([
    ['Available', [{ availability: 'Available', activity: 'Available' }], 'Available/OutOfOffice+OOF'],
    ['In a call', [{ availability: 'Busy', activity: 'InACall' }], 'Busy/InACall+OOF'],
    ['no session', [], 'OutOfOffice/OutOfOffice+OOF'],
    ['Do not disturb', [{ availability: 'DoNotDisturb', activity: 'DoNotDisturb' }], 'DoNotDisturb/DoNotDisturb+OOF'],
  ])('out of office on %s', (_name, clients, expected) => {
    const graph = setupGraph({ users: [{ id: ADELE, displayName: 'Adele', clients }] });
    graph.setEvent(ADELE, 'oof', true, { message: 'Back on Monday' });
    expect(state(graph)).toBe(expected);
    graph.setEvent(ADELE, 'oof', false);
    expect(state(graph)).not.toContain('OOF');
  });

  it('serves outOfOfficeSettings', async () => {
    const graph = setupGraph();
    graph.setEvent(ADELE, 'oof', true, { message: 'Back on Monday' });
    const res = await call(graph, 'GET', `/users/${ADELE}/presence`);
    expect(JSON.parse(res.bodyText)).toMatchObject({
      id: ADELE,
      availability: 'Available',
      activity: 'OutOfOffice',
      outOfOfficeSettings: { isOutOfOffice: true, message: 'Back on Monday' },
    });
  });

  it.each([
    ['an Available user', [{ availability: 'Available', activity: 'Available' }], 'Busy/InAMeeting'],
    ['an offline user', [], 'Busy/InAMeeting'],
    ['a presenting user (DoNotDisturb wins)', [{ availability: 'DoNotDisturb', activity: 'Presenting' }], 'DoNotDisturb/Presenting'],
  ])('a meeting on %s', (_name, clients, expected) => {
    const graph = setupGraph({ users: [{ id: ADELE, displayName: 'Adele', clients }] });
    graph.setEvent(ADELE, 'meeting', true);
    expect(state(graph)).toBe(expected);
  });

  it('a user-preferred presence overrides a meeting', async () => {
    const graph = setupGraph();
    graph.setEvent(ADELE, 'meeting', true);
    await call(graph, 'POST', `/users/${ADELE}/presence/setUserPreferredPresence`, { availability: 'Available', activity: 'Available' });
    expect(state(graph)).toBe('Available/Available');
  });

  it.each([
    ['Busy', 'InAMeeting'],
    ['Available', 'OutOfOffice'],
    ['OutOfOffice', 'OutOfOffice'],
    ['DoNotDisturb', 'Focusing'],
  ])('setPresence cannot produce %s/%s (400)', async (availability, activity) => {
    const graph = alone();
    expect((await set(graph, ADELE, availability, activity)).status).toBe(400);
    expect(state(graph)).toBe('Offline/Offline');
  });
});

describe('authorisation', () => {
  it('needs a valid bearer token', async () => {
    const graph = setupGraph();
    expect((await graph.handle({ method: 'GET', path: '/me/presence' })).status).toBe(401);
    expect((await graph.handle({ method: 'GET', path: '/me/presence', headers: auth('nope') })).status).toBe(401);
    const token = graph.createToken({ userId: U(2) });
    graph.expireToken(token);
    expect((await call(graph, 'GET', '/me/presence', undefined, token)).status).toBe(401);
  });

  it('/me needs a delegated token', async () => {
    const graph = setupGraph();
    const appOnly = graph.createToken({});
    expect((await call(graph, 'GET', '/me/presence', undefined, appOnly)).status).toBe(400);
    expect((await call(graph, 'GET', `/users/${U(2)}/presence`, undefined, appOnly)).status).toBe(200);
  });

  it('a delegated token may set only its own user; an app token anyone', async () => {
    const graph = setupGraph();
    expect((await set(graph, U(2), 'Away', 'Away')).status).toBe(403);
    const appOnly = graph.createToken({});
    const res = await call(graph, 'POST', `/users/${U(2)}/presence/setPresence`, { sessionId: DEFAULT_GRAPH_APP_ID, availability: 'Away', activity: 'Away' }, appOnly);
    expect(res.status).toBe(200);
  });

  it('sessionId must be the calling app', async () => {
    const graph = setupGraph();
    const res = await call(graph, 'POST', `/users/${ADELE}/presence/setPresence`, {
      sessionId: '0f0f0f0f-1111-4222-8333-444444444444',
      availability: 'Away',
      activity: 'Away',
    });
    expect(res.status).toBe(400);
  });

  it('never writes the token to the ledger', async () => {
    const graph = setupGraph();
    await call(graph, 'GET', '/me/presence');
    expect(JSON.stringify(graph.ledger)).not.toContain(DEFAULT_GRAPH_TOKEN);
    expect(graph.ledger[0]).toMatchObject({ route: 'getMe', userId: ADELE, appId: DEFAULT_GRAPH_APP_ID, status: 200 });
  });
});

describe('throttle', () => {
  it('answers 429 with Retry-After past the limit, per sliding window', async () => {
    const graph = setupGraph({ throttle: { limit: 3, windowMs: 30 * SECOND } });
    for (let i = 0; i < 3; i++) {
      expect((await call(graph, 'GET', `/users/${U(2)}/presence`)).status).toBe(200);
      vi.advanceTimersByTime(5 * SECOND);
    }
    const res = await call(graph, 'GET', `/users/${U(2)}/presence`);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('15');
    expect(JSON.parse(res.bodyText)).toMatchObject({ error: { code: 'TooManyRequests' } });
    vi.advanceTimersByTime(15 * SECOND);
    expect((await call(graph, 'GET', `/users/${U(2)}/presence`)).status).toBe(200);
  });

  it('defaults to 1,500 requests per 30 s', async () => {
    const graph = setupGraph();
    expect(graph.throttle).toEqual({ limit: 1500, windowMs: 30_000 });
    for (let i = 0; i < 1500; i++) await call(graph, 'GET', `/users/${U(2)}/presence`);
    expect((await call(graph, 'GET', `/users/${U(2)}/presence`)).status).toBe(429);
    graph.throttle = false;
    expect((await call(graph, 'GET', `/users/${U(2)}/presence`)).status).toBe(200);
  });
});

describe('faults and routes', () => {
  it('injects a fault for a number of matching requests', async () => {
    const graph = setupGraph();
    graph.faults.add({ route: 'getUser', userId: U(2), status: 503, times: 1 });
    expect((await call(graph, 'GET', `/users/${U(3)}/presence`)).status).toBe(200);
    expect((await call(graph, 'GET', `/users/${U(2)}/presence`)).status).toBe(503);
    expect((await call(graph, 'GET', `/users/${U(2)}/presence`)).status).toBe(200);
    expect(graph.ledger.map((e) => e.faulted ?? false)).toEqual([false, true, false]);
  });

  it('answers 405 for a wrong method and 404 for unknown paths and users', async () => {
    const graph = setupGraph();
    expect((await call(graph, 'DELETE', '/me/presence')).status).toBe(405);
    expect((await call(graph, 'GET', '/me/calendar')).status).toBe(404);
    expect((await call(graph, 'GET', `/users/${U(77)}/presence`)).status).toBe(404);
    expect((await call(graph, 'GET', '/users/alice@contoso.com/presence')).status).toBe(400);
  });
});

describe('msw handlers', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it.each([
    ['the Graph URL', undefined, 'https://graph.microsoft.com/v1.0'],
    ['a proxy path', '/api/graph', `${location.origin}/api/graph`],
  ])('serve the emulator under %s', async (_name, baseUrl, clientUrl) => {
    const graph = createMockGraph();
    server.use(...createMockGraphHandlers(graph, { baseUrl }));
    const client = createGraphClient({ graphUrl: clientUrl, sessionId: DEFAULT_GRAPH_APP_ID, getAccessToken: () => DEFAULT_GRAPH_TOKEN });
    await expect(client.getMyPresence()).resolves.toMatchObject({ id: ADELE, availability: 'Available' });
    await client.setPresence({ userId: ADELE, availability: 'Busy', activity: 'InACall' });
    const batch = await client.getPresences([ADELE, U(2)]);
    expect(batch.map((p) => `${p.availability}/${p.activity}`)).toEqual(['Busy/InACall', 'Busy/InACall']);
    expect(graph.stats().byRoute).toEqual({ getMe: 1, setPresence: 1, getBatch: 1 });
  });
});
