import { compareUserIds, getCategoryInfo, parseJsonLossless, parseUserId, toExternalView, type UserId } from '../model';
import type { UserRecord } from './buildPopulation';
import { EXTERNAL_READ_INTERVAL_MS, INTEREST_TTL_MS, LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT, REQUIRED_PRIVILEGES } from './constants';
import type { ResolvedAssumptions } from './podRules';
import { DIGITS, pairKey, parseIdList, presenceOf, shownCategory, type Outcome, type PodState, type Session } from './podState';
import type { LedgerEntry, MockPodRoute } from './types';
import { errorResponse, jsonResponse, parseBooleanParam, type PresenceOut } from './wire';

export const MESSAGES = {
  invalidSession: 'Invalid session',
  forbidden: 'The user lacks the required entitlement to perform this operation',
  notFound: 'Not found',
  noInterest: 'Presence interest not registered for this user; call /v1/user/presence/register first',
  rateLimited: 'Too many requests: the presence of an external user can be read once every 5 minutes',
} as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** The ledger entry of the request being served, filled in as it goes. */
export type LedgerDraft = Mutable<Omit<LedgerEntry, 'status' | 'time'>>;

/** The last allowed read of an external user: when, and what it answered (ASM-LIMIT-429 off). */
interface ExternalRead {
  readonly at: number;
  readonly answer: Outcome;
}

export const deny = (status: number, message: string, headers?: Record<string, string>): Outcome => ({
  kind: 'response',
  response: errorResponse(status, message, headers),
});

/** The five presence routes of a pod, each answering for a known session. */
export interface PodRoutes {
  lacks(session: Session, route: MockPodRoute): boolean;
  getOwn(session: Session): Outcome;
  setOwn(session: Session, params: URLSearchParams, bodyText: string, now: number): Outcome;
  register(session: Session, bodyText: string, now: number, draft: LedgerDraft): Outcome;
  getUser(session: Session, uid: string, params: URLSearchParams, now: number): Outcome;
  /** The page `GET /v2/users/presence` answers, or an error message for bad parameters. */
  listPage(session: Session, params: URLSearchParams): PresenceOut[] | string;
}

export function createPodRoutes(state: PodState, assume: ResolvedAssumptions): PodRoutes {
  const { users, connections } = state;
  // R-EXTERNAL-GAP, keyed by session token or, with ASM-LIMIT-PER-SESSION off, by calling user.
  const externalReads = new Map<string, ExternalRead>();

  const lacks = (session: Session, route: MockPodRoute): boolean => {
    const needed = REQUIRED_PRIVILEGES[route];
    return needed !== undefined && !session.privileges.has(needed);
  };

  /** R-EXTERNAL-GAP: one read per 5 minutes; what a read too soon gets is ASM-LIMIT-429. */
  function limited(key: string, now: number, answer: () => Outcome): Outcome {
    const last = externalReads.get(key);
    if (last !== undefined && now - last.at < EXTERNAL_READ_INTERVAL_MS) {
      if (!assume.rateLimit429) return last.answer;
      const seconds = Math.ceil((last.at + EXTERNAL_READ_INTERVAL_MS - now) / 1000);
      return deny(429, MESSAGES.rateLimited, { 'retry-after': String(seconds) });
    }
    const outcome = answer();
    externalReads.set(key, { at: now, answer: outcome });
    return outcome;
  }

  return {
    lacks,

    getOwn(session) {
      const user = users.get(session.userId) as UserRecord;
      return presenceOf(user.id, shownCategory(user), user.timestamp);
    },

    setOwn(session, params, bodyText, now) {
      if (lacks(session, 'setOwn')) return assume.setWithoutPrivilege403 ? deny(403, MESSAGES.forbidden) : deny(401, MESSAGES.invalidSession);
      const soft = parseBooleanParam(params.get('soft'), false);
      if (soft === null) return deny(400, 'Query parameter "soft" must be true or false');
      let body: unknown;
      try {
        body = parseJsonLossless(bodyText);
      } catch {
        return deny(400, 'Malformed JSON body');
      }
      const category = typeof body === 'object' && body !== null ? (body as { category?: unknown }).category : undefined;
      if (typeof category !== 'string') return deny(400, 'Body must be a JSON object with a string "category"');
      const info = getCategoryInfo(category);
      if (!info) return deny(400, 'Unknown presence category');
      if (!info.settable) return deny(400, `Presence category ${info.category} cannot be set`);

      const user = users.get(session.userId) as UserRecord;
      if (soft) {
        // The pick is stored either way; while offline or idle, what others see stays derived from it.
        state.update(user, { chosen: info.category }, now, true);
      } else {
        state.update(user, { chosen: info.category, online: true, idle: false, active: true }, now, true);
      }
      return presenceOf(user.id, shownCategory(user), now);
    },

    register(session, bodyText, now, draft) {
      if (lacks(session, 'register')) return deny(403, MESSAGES.forbidden);
      const ids = parseIdList(bodyText);
      if (typeof ids === 'string') return deny(400, ids);
      const unknown = ids.find((id) => !users.has(id));
      if (unknown) return deny(404, `User ${unknown} cannot be located`);
      const tenant = (users.get(session.userId) as UserRecord).tenantId;
      const internal = ids.filter((id) => (users.get(id) as UserRecord).tenantId === tenant);
      if (internal.length > 0) draft.internalUserIds = Object.freeze(internal);
      for (const id of ids) session.interest.set(id, now);
      return { kind: 'response', response: jsonResponse(200, '{"format":"TEXT","message":"OK"}') };
    },

    getUser(session, uid, params, now) {
      const id = DIGITS.test(uid) ? parseUserId(uid) : undefined;
      if (!id) return deny(400, 'uid must be a positive 64-bit decimal integer');
      const local = parseBooleanParam(params.get('local'), false);
      if (local === null) return deny(400, 'Query parameter "local" must be true or false');
      const target = users.get(id);
      if (!target) return deny(404, `User ${id} cannot be located`);
      const caller = users.get(session.userId) as UserRecord;
      const shown = shownCategory(target);
      if (target.tenantId === caller.tenantId) {
        return presenceOf(id, shown, shown === 'OFFLINE' ? now : target.timestamp);
      }
      const limitKey = `${assume.rateLimitPerSession ? `t:${session.token}` : `u:${caller.id}`}:${id}`;
      if (local) {
        // R-LOCAL; whether it spends the 5 minutes is ASM-LOCAL-FREE.
        const answer = presenceOf(id, 'OFFLINE', now);
        return assume.localReadsFree ? answer : limited(limitKey, now, () => answer);
      }
      const registeredAt = session.interest.get(id);
      const registered = registeredAt !== undefined && now - registeredAt < INTEREST_TTL_MS;
      if (!registered && assume.unregisteredRead403) return deny(403, MESSAGES.noInterest);
      return limited(limitKey, now, () => {
        if (!registered) return presenceOf(id, 'OFFLINE', now);
        if (!connections.has(pairKey(caller.id, id))) {
          return assume.unconnectedReadsOffline ? presenceOf(id, 'OFFLINE', now) : deny(403, MESSAGES.forbidden);
        }
        const category = toExternalView(shown);
        return presenceOf(id, category, category === 'OFFLINE' ? now : target.timestamp);
      });
    },

    listPage(session, params) {
      const limitText = params.get('limit');
      const limit = limitText === null ? LIST_DEFAULT_LIMIT : DIGITS.test(limitText) ? Number(limitText) : NaN;
      if (!(limit >= 1 && limit <= LIST_MAX_LIMIT)) return `limit must be an integer from 1 to ${LIST_MAX_LIMIT}`;
      const lastText = params.get('lastUserId');
      let from: UserId | undefined;
      if (lastText !== null) {
        from = DIGITS.test(lastText) ? parseUserId(lastText) : undefined;
        const zero = /^0+$/.test(lastText);
        if (!from && !zero) return 'lastUserId must be a 64-bit decimal integer';
      }
      const tenant = (users.get(session.userId) as UserRecord).tenantId;
      const page: PresenceOut[] = [];
      for (const id of state.sortedIds) {
        if (page.length >= limit) break;
        const user = users.get(id) as UserRecord;
        if (user.tenantId !== tenant || !user.active) continue;
        if (from !== undefined && compareUserIds(id, from) < (assume.listFromLastInclusive ? 0 : 1)) continue;
        page.push({ userId: id, category: shownCategory(user), timestamp: user.timestamp });
      }
      return page;
    },
  };
}
