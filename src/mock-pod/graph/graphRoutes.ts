import {
  DEFAULT_EXPIRATION_MS,
  MAX_EXPIRATION_MS,
  MIN_EXPIRATION_MS,
  defaultPreferredExpirationMs,
  isSettableGraphPair,
  isUserPreferredGraphPair,
  parseGraphDateTime,
  parseGraphUserId,
  parseIsoDuration,
  type GraphUserId,
} from '../../model';
import { presenceJson, putSession, type TokenInfo, type UserRecord } from './graphUserRecord';
import type { MockGraphResponse, MockGraphRoute } from './types';

/** Most ids one getPresencesByUserId call accepts. */
export const GRAPH_BATCH_LIMIT = 650;

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}): MockGraphResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, bodyText: JSON.stringify({ error: { code, message } }) };
}

const ok = (): MockGraphResponse => ({ status: 200, headers: {}, bodyText: '' });

const json = (body: unknown): MockGraphResponse => ({ status: 200, headers: { ...JSON_HEADERS }, bodyText: JSON.stringify(body) });

export interface RouteMatch {
  route: MockGraphRoute | 'unknown';
  template: string;
  id?: string;
  allow?: string;
}

const USER_PATH = /^\/users\/([^/]+)\/presence(?:\/(setPresence|clearPresence|setUserPreferredPresence|clearUserPreferredPresence|setStatusMessage))?$/;
const ACTION_ROUTES: Readonly<Record<string, MockGraphRoute>> = {
  setPresence: 'setPresence',
  clearPresence: 'clearPresence',
  setUserPreferredPresence: 'setPreferred',
  clearUserPreferredPresence: 'clearPreferred',
  setStatusMessage: 'setStatusMessage',
};

export function matchRoute(method: string, pathname: string): RouteMatch {
  if (pathname === '/me/presence') {
    return method === 'GET' ? { route: 'getMe', template: pathname } : { route: 'unknown', template: pathname, allow: 'GET' };
  }
  if (pathname === '/communications/getPresencesByUserId') {
    return method === 'POST' ? { route: 'getBatch', template: pathname } : { route: 'unknown', template: pathname, allow: 'POST' };
  }
  const m = USER_PATH.exec(pathname);
  if (m) {
    const id = decodeURIComponent(m[1] as string);
    const action = m[2];
    if (!action) {
      const template = '/users/{id}/presence';
      return method === 'GET' ? { route: 'getUser', template, id } : { route: 'unknown', template, allow: 'GET' };
    }
    const template = `/users/{id}/presence/${action}`;
    return method === 'POST'
      ? { route: ACTION_ROUTES[action] as MockGraphRoute, template, id }
      : { route: 'unknown', template, allow: 'POST' };
  }
  return { route: 'unknown', template: pathname };
}

export function readBody(text: string): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The seven presence routes of Graph, answering for a known token. The throttle, faults and
 * ledger around them are the pipeline's (`graphPipeline`).
 */
export function createGraphRoutes(
  users: ReadonlyMap<GraphUserId, UserRecord>,
  requireUser: (id: string) => UserRecord,
): (match: RouteMatch, token: TokenInfo, bodyText: string, now: number) => MockGraphResponse {
  function targetUser(match: RouteMatch): UserRecord | MockGraphResponse {
    const id = parseGraphUserId(match.id);
    if (!id) return graphError(400, 'BadRequest', 'The user id must be a GUID');
    return users.get(id) ?? graphError(404, 'NotFound', 'User not found');
  }

  /** The target user of a write, or the answer refusing it. */
  function writableUser(match: RouteMatch, token: TokenInfo): UserRecord | MockGraphResponse {
    const user = targetUser(match);
    if ('status' in user) return user;
    // Delegated permissions act for the signed-in user only.
    if (token.userId !== undefined && token.userId !== user.id) {
      return graphError(403, 'Forbidden', 'Delegated tokens may only change the signed-in user\'s presence');
    }
    return user;
  }

  function route(match: RouteMatch, token: TokenInfo, bodyText: string, now: number): MockGraphResponse {
    switch (match.route) {
      case 'getMe': {
        if (!token.userId) return graphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow');
        return json(presenceJson(requireUser(token.userId), now));
      }
      case 'getUser': {
        const user = targetUser(match);
        return 'status' in user ? user : json(presenceJson(user, now));
      }
      case 'getBatch': {
        const body = readBody(bodyText);
        const ids = body?.ids;
        if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
          return graphError(400, 'BadRequest', 'Body must be {"ids": [...]} with string ids');
        }
        if (ids.length > GRAPH_BATCH_LIMIT) return graphError(400, 'BadRequest', `At most ${GRAPH_BATCH_LIMIT} ids per request`);
        const parsed = ids.map((id) => parseGraphUserId(id));
        if (parsed.some((id) => id === undefined)) return graphError(400, 'BadRequest', 'Every id must be a GUID');
        const value = [...new Set(parsed as GraphUserId[])].flatMap((id) => {
          const user = users.get(id);
          return user ? [presenceJson(user, now)] : [];
        });
        return json({ value });
      }
      case 'setPresence': {
        const user = writableUser(match, token);
        if ('status' in user) return user;
        const body = readBody(bodyText);
        if (!body) return graphError(400, 'BadRequest', 'Malformed JSON body');
        const { sessionId, availability, activity, expirationDuration } = body;
        if (typeof sessionId !== 'string' || parseGraphUserId(sessionId) !== token.appId) {
          return graphError(400, 'BadRequest', 'sessionId must be the id of the calling application');
        }
        const pair = { availability: String(availability), activity: String(activity) };
        if (typeof availability !== 'string' || typeof activity !== 'string' || !isSettableGraphPair(pair)) {
          return graphError(400, 'BadRequest', 'Unsupported availability/activity combination');
        }
        let duration = DEFAULT_EXPIRATION_MS;
        if (expirationDuration !== undefined && expirationDuration !== null) {
          const ms = parseIsoDuration(expirationDuration);
          if (ms === undefined || ms < MIN_EXPIRATION_MS || ms > MAX_EXPIRATION_MS) {
            return graphError(400, 'BadRequest', 'expirationDuration must be from PT5M to PT4H');
          }
          duration = ms;
        }
        putSession(user, { sessionId: token.appId, kind: 'app', pair, setAt: now, expiresAt: now + duration });
        return ok();
      }
      case 'clearPresence': {
        const user = writableUser(match, token);
        if ('status' in user) return user;
        const sessionId = readBody(bodyText)?.sessionId;
        if (typeof sessionId !== 'string' || parseGraphUserId(sessionId) !== token.appId) {
          return graphError(400, 'BadRequest', 'sessionId must be the id of the calling application');
        }
        user.sessions = user.sessions.filter((s) => !(s.kind === 'app' && s.sessionId === token.appId));
        return ok();
      }
      case 'setPreferred': {
        const user = writableUser(match, token);
        if ('status' in user) return user;
        const body = readBody(bodyText);
        if (!body) return graphError(400, 'BadRequest', 'Malformed JSON body');
        const { availability, activity, expirationDuration } = body;
        const pair = { availability: String(availability), activity: String(activity) };
        if (typeof availability !== 'string' || typeof activity !== 'string' || !isUserPreferredGraphPair(pair)) {
          return graphError(400, 'BadRequest', 'Unsupported availability/activity combination');
        }
        let duration = defaultPreferredExpirationMs(pair.availability);
        if (expirationDuration !== undefined && expirationDuration !== null) {
          const ms = parseIsoDuration(expirationDuration);
          if (ms === undefined || ms <= 0) return graphError(400, 'BadRequest', 'expirationDuration must be an ISO 8601 duration');
          duration = ms;
        }
        user.preferred = { ...pair, expiresAt: now + duration };
        return ok();
      }
      case 'setStatusMessage': {
        const user = writableUser(match, token);
        if ('status' in user) return user;
        const message = readBody(bodyText)?.statusMessage;
        if (typeof message !== 'object' || message === null) return graphError(400, 'BadRequest', 'Body must be {"statusMessage": {...}}');
        const { message: body, expiryDateTime } = message as Record<string, unknown>;
        const content = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).content : undefined;
        if (typeof content !== 'string') return graphError(400, 'BadRequest', 'statusMessage.message.content must be a string');
        let expiresAt: number | undefined;
        if (expiryDateTime !== undefined && expiryDateTime !== null) {
          expiresAt = parseGraphDateTime(expiryDateTime);
          if (expiresAt === undefined) return graphError(400, 'BadRequest', 'expiryDateTime must be a UTC dateTimeTimeZone');
        }
        user.statusMessage = content.trim() === '' ? undefined : { text: content, setAt: now, expiresAt };
        return ok();
      }
      case 'clearPreferred': {
        const user = writableUser(match, token);
        if ('status' in user) return user;
        user.preferred = undefined;
        return ok();
      }
      default:
        return graphError(404, 'NotFound', 'Resource not found');
    }
  }
  return route;
}
