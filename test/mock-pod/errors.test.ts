import { describe, expect, it } from 'vitest';
import { createMockPod, DEFAULT_SESSION_TOKEN } from '../../src/mock-pod';
import { call, externalUsers, fakeClock, internalUsers, readUser, register } from './podTestUtils';

const newPod = () => createMockPod({ clock: fakeClock().now, churn: false });

const anyUser = '12987981103203';

const ROUTES: [string, string, string?][] = [
  ['GET', '/v2/user/presence'],
  ['POST', '/v2/user/presence', '{"category":"BUSY"}'],
  ['POST', '/v1/user/presence/register', '[12987981103203]'],
  ['GET', `/v3/user/${anyUser}/presence`],
  ['GET', '/v2/users/presence'],
];

describe('401 Invalid session', () => {
  it.each(ROUTES)('%s %s without a sessionToken header', async (method, path, body) => {
    const res = await call(newPod(), method, path, { token: null, body });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ code: 401, message: 'Invalid session' });
  });

  it.each(ROUTES)('%s %s with an unknown token', async (method, path, body) => {
    const res = await call(newPod(), method, path, { token: 'not-a-session', body });
    expect(res.status).toBe(401);
  });

  it.each(ROUTES)('%s %s after the session expired', async (method, path, body) => {
    const pod = newPod();
    const token = pod.createSession({ userId: pod.defaultUserId });
    expect((await call(pod, 'GET', '/v2/user/presence', { token })).status).toBe(200);
    pod.expireSession(token);
    expect((await call(pod, method, path, { token, body })).status).toBe(401);
    // Other sessions of the same user live on.
    expect((await call(pod, 'GET', '/v2/user/presence', { token: DEFAULT_SESSION_TOKEN })).status).toBe(200);
  });

  it('does not change state on a 401', async () => {
    const pod = newPod();
    await call(pod, 'POST', '/v2/user/presence', { token: null, body: '{"category":"BUSY"}' });
    expect(pod.getUser(pod.defaultUserId)?.category).toBe('AVAILABLE');
  });

  it('finds the header whatever its case, also in a Headers object', async () => {
    const pod = newPod();
    for (const headers of [
      { SESSIONTOKEN: DEFAULT_SESSION_TOKEN },
      { sessiontoken: DEFAULT_SESSION_TOKEN },
      { sessiontoken: [DEFAULT_SESSION_TOKEN] },
      new Headers({ SessionToken: DEFAULT_SESSION_TOKEN }),
    ]) {
      const res = await pod.handle({ method: 'get', path: '/v2/user/presence', headers });
      expect(res.status).toBe(200);
    }
  });
});

describe('403 privileges', () => {
  it.each([
    ['POST', '/v2/user/presence', '{"category":"BUSY"}', ['GET_PRESENCE', 'SET_PRESENCE']],
    ['POST', '/v1/user/presence/register', '[12987981103203]', ['GET_PRESENCE', 'SET_PRESENCE']],
    ['GET', '/v2/users/presence', undefined, ['ADMIN_PRESENCE_UPDATE', 'SET_PRESENCE']],
  ])('%s %s needs its privilege', async (method, path, body, privileges) => {
    const pod = newPod();
    const token = pod.createSession({ userId: pod.defaultUserId, privileges });
    const res = await call(pod, method, path, { token, body });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ code: 403, message: 'The user lacks the required entitlement to perform this operation' });
    const full = pod.createSession({ userId: pod.defaultUserId });
    expect((await call(pod, method, path, { token: full, body })).status).toBe(200);
  });

  it('lets a session without privileges read its own and other users presence', async () => {
    const pod = newPod();
    const token = pod.createSession({ userId: pod.defaultUserId, privileges: [] });
    expect((await call(pod, 'GET', '/v2/user/presence', { token })).status).toBe(200);
    expect((await readUser(pod, internalUsers(pod)[0]!, token)).status).toBe(200);
  });

  it('does not set presence without the privilege', async () => {
    const pod = newPod();
    const token = pod.createSession({ userId: pod.defaultUserId, privileges: ['SET_PRESENCE'] });
    await call(pod, 'POST', '/v2/user/presence', { token, body: '{"category":"BUSY"}' });
    expect(pod.getUser(pod.defaultUserId)?.category).toBe('AVAILABLE');
  });
});

describe('404 unknown users and routes', () => {
  it('answers 404 for an unknown user', async () => {
    const res = await readUser(newPod(), '12987981100001');
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ code: 404 });
  });

  it('refuses a whole registration when one id is unknown, registering none', async () => {
    const pod = newPod();
    const known = externalUsers(pod, true)[0]!;
    const res = await register(pod, [known, '12987981100001']);
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ code: 404 });
    expect((await readUser(pod, known)).status).toBe(403);
  });

  it.each([
    ['GET', '/v1/user/presence'],
    ['GET', '/v2/user/presence/extra'],
    ['GET', '/v3/user/presence'],
    ['GET', '/'],
    ['POST', '/v3/user/12987981103203/presence/x'],
  ])('%s %s is not a route', async (method, path) => {
    const res = await call(newPod(), method, path);
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ code: 404, message: 'Not found' });
  });

  it.each([
    ['DELETE', '/v2/user/presence', 'GET, POST'],
    ['GET', '/v1/user/presence/register', 'POST'],
    ['POST', '/v3/user/12987981103203/presence', 'GET'],
    ['PUT', '/v2/users/presence', 'GET'],
  ])('%s %s is 405 with Allow', async (method, path, allow) => {
    const res = await call(newPod(), method, path, { body: '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(allow);
  });
});

describe('400 bad input', () => {
  it.each([
    ['malformed JSON', '', '{"category":'],
    ['empty body', '', ''],
    ['an array', '', '["BUSY"]'],
    ['no category', '', '{"status":"BUSY"}'],
    ['a non-string category', '', '{"category":3}'],
    ['an unknown category', '', '{"category":"FOCUSING"}'],
    ['a lower-case category', '', '{"category":"busy"}'],
    ['OFFLINE (not settable)', '', '{"category":"OFFLINE"}'],
    ['UNDEFINED (not settable)', '', '{"category":"UNDEFINED"}'],
    ['DO_NOT_DISTURB (not settable)', '', '{"category":"DO_NOT_DISTURB"}'],
    ['soft=yes', '?soft=yes', '{"category":"BUSY"}'],
    ['soft=', '?soft=', '{"category":"BUSY"}'],
  ])('set presence with %s', async (_name, query, body) => {
    const pod = newPod();
    const res = await call(pod, 'POST', `/v2/user/presence${query}`, { body });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 400, message: expect.any(String) });
    expect(pod.getUser(pod.defaultUserId)?.chosenCategory).toBe('AVAILABLE');
  });

  it.each([
    ['malformed JSON', '[1,'],
    ['an object', '{"ids":[12987981103203]}'],
    ['a bare number', '12987981103203'],
    ['ids as strings', '["12987981103203"]'],
    ['a big id as a string', '["13743895347200123"]'],
    ['a fraction', '[12987981103203.5]'],
    ['zero', '[0]'],
    ['a negative id', '[-12987981103203]'],
    ['an id above int64', '[9223372036854775808]'],
    ['null', '[null]'],
  ])('register with %s', async (_name, body) => {
    const res = await call(newPod(), 'POST', '/v1/user/presence/register', { body });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 400 });
  });

  it('register accepts an empty list', async () => {
    const res = await register(newPod(), []);
    expect(res.status).toBe(200);
  });

  it.each(['abc', '12.5', '-5', '0', '%20', '9223372036854775808'])('get user with uid %j', async (uid) => {
    const res = await readUser(newPod(), uid);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 400 });
  });

  it.each(['yes', '1', ''])('get user with local=%j', async (local) => {
    const res = await readUser(newPod(), anyUser, undefined, `?local=${local}`);
    expect(res.status).toBe(400);
  });

  it.each([
    ['limit=0'],
    ['limit=5001'],
    ['limit=-1'],
    ['limit=abc'],
    ['limit=1.5'],
    ['limit='],
    ['lastUserId=abc'],
    ['lastUserId=-1'],
    ['lastUserId='],
    ['lastUserId=9223372036854775808'],
  ])('list with %s', async (query) => {
    const res = await call(newPod(), 'GET', `/v2/users/presence?${query}`);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 400 });
  });
});
