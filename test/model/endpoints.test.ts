import { describe, expect, it } from 'vitest';
import { matchPresenceRoute, PRESENCE_ENDPOINTS } from '../../src/model';

describe('matchPresenceRoute', () => {
  it.each([
    ['GET', '/v2/user/presence', { route: 'getOwn', template: '/v2/user/presence' }],
    ['post', '/v2/user/presence', { route: 'setOwn', template: '/v2/user/presence' }],
    ['POST', '/v1/user/presence/register', { route: 'register', template: '/v1/user/presence/register' }],
    ['GET', '/v3/user/12345/presence', { route: 'getUser', template: '/v3/user/{uid}/presence', uid: '12345' }],
    ['get', '/v3/user/abc%2F/presence', { route: 'getUser', template: '/v3/user/{uid}/presence', uid: 'abc%2F' }],
    ['GET', '/v2/users/presence', { route: 'listAll', template: '/v2/users/presence' }],
    // An empty id still names the operation, so that the id check can refuse it as a bad request.
    ['GET', '/v3/user//presence', { route: 'getUser', template: '/v3/user/{uid}/presence', uid: '' }],
  ])('%s %s is an operation', (method, path, expected) => {
    expect(matchPresenceRoute(method, path)).toStrictEqual(expected);
  });

  it.each([
    ['DELETE', '/v2/user/presence', 'GET, POST'],
    ['GET', '/v1/user/presence/register', 'POST'],
    ['POST', '/v3/user/1/presence', 'GET'],
    ['PUT', '/v2/users/presence', 'GET'],
  ])('%s %s is served with other methods: %s', (method, path, allow) => {
    const template = path.startsWith('/v3/') ? '/v3/user/{uid}/presence' : path;
    expect(matchPresenceRoute(method, path)).toStrictEqual({ route: undefined, template, allow });
  });

  it.each(['/v2/user/presence/', '/v3/user/1/2/presence', '/v3/users/1/presence', '/v1/user/presence', '/', '', '/x/v3/user/1/presence', '/v3/user/1/presence/x'])('%j is not a presence path', (path) => {
    expect(matchPresenceRoute('GET', path)).toBeUndefined();
  });

  it('names each operation with the spec method and path', () => {
    expect(PRESENCE_ENDPOINTS).toStrictEqual({
      getOwn: { method: 'GET', path: '/v2/user/presence' },
      setOwn: { method: 'POST', path: '/v2/user/presence' },
      register: { method: 'POST', path: '/v1/user/presence/register' },
      getUser: { method: 'GET', path: '/v3/user/{uid}/presence' },
      listAll: { method: 'GET', path: '/v2/users/presence' },
    });
    expect(Object.isFrozen(PRESENCE_ENDPOINTS)).toBe(true);
  });
});
