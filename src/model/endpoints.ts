/**
 * The five presence operations of the pod API (official spec, base path `/pod`), by the short
 * names the client, the server proxy and the emulator share.
 */
export type PresenceRoute = 'getOwn' | 'setOwn' | 'register' | 'getUser' | 'listAll';

/** Method and path template of each operation, as the spec writes them. */
export const PRESENCE_ENDPOINTS: Readonly<Record<PresenceRoute, { method: 'GET' | 'POST'; path: string }>> = Object.freeze({
  getOwn: { method: 'GET', path: '/v2/user/presence' },
  setOwn: { method: 'POST', path: '/v2/user/presence' },
  register: { method: 'POST', path: '/v1/user/presence/register' },
  getUser: { method: 'GET', path: '/v3/user/{uid}/presence' },
  listAll: { method: 'GET', path: '/v2/users/presence' },
});

/** What a request path below the pod base is. */
export type PresenceRouteMatch =
  /** A presence operation; `uid` is the raw path segment of getUser, still to be validated. */
  | { route: PresenceRoute; template: string; uid?: string }
  /** A presence path that is served, but not with this method: the methods it allows. */
  | { route: undefined; template: string; allow: string }
  /** Not a presence path. */
  | undefined;

const V3_USER_PATH = /^\/v3\/user\/([^/]+)\/presence$/;

/** Matches a method and a path (below the pod base, without query) to a presence operation. */
export function matchPresenceRoute(method: string, pathname: string): PresenceRouteMatch {
  const v3 = V3_USER_PATH.exec(pathname);
  const template = v3 ? PRESENCE_ENDPOINTS.getUser.path : pathname;
  const routes = (Object.keys(PRESENCE_ENDPOINTS) as PresenceRoute[]).filter((r) => PRESENCE_ENDPOINTS[r].path === template);
  if (routes.length === 0) return undefined;
  const route = routes.find((r) => PRESENCE_ENDPOINTS[r].method === method.toUpperCase());
  if (!route) return { route: undefined, template, allow: routes.map((r) => PRESENCE_ENDPOINTS[r].method).join(', ') };
  return v3 ? { route, template, uid: v3[1] as string } : { route, template };
}
