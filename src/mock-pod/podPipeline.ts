import { matchPresenceRoute, parseUserId, type UserId } from '../model';
import { checkLatency, type ActiveFault as ActiveFaultOf } from './faultList';
import { deny, MESSAGES, type LedgerDraft, type PodRoutes } from './podRoutes';
import { DIGITS, parseIdList, type Outcome, type PodState, type Session } from './podState';
import type { MockPodFault, MockPodRequest, MockPodResponse, MockPodRoute } from './types';
import {
  errorResponse,
  headerValue,
  jsonResponse,
  presenceListResponse,
  presenceResponse,
  safeUrl,
  splitRequest,
} from './wire';

type ActiveFault = ActiveFaultOf<MockPodFault, UserId>;

interface RouteMatch {
  readonly route: MockPodRoute | 'unknown';
  readonly template: string;
  readonly uid?: string;
  /** Set when the path is served but not with this method. */
  readonly allow?: string;
}

/** What the pipeline needs from the pod around it. */
export interface PodPipelineParts {
  readonly state: PodState;
  readonly routes: PodRoutes;
  /** The fault list's `take`. */
  readonly takeFault: (route: MockPodRoute, about: (spec: Readonly<MockPodFault>) => readonly UserId[]) => ActiveFault | undefined;
  /** The pod's current latency (it can change between requests). */
  readonly latencyMs: () => number;
  /** Current time with churn brought up to it; every state read or change starts here. */
  readonly tick: () => number;
  /** Answers `/v1/podcert`, which sits outside the presence pipeline (no session, no ledger). */
  readonly podCertificate: (method: string) => Promise<MockPodResponse>;
  readonly log: (entry: LedgerDraft & { time: number; status: number }) => void;
}

function matchRoute(method: string, pathname: string): RouteMatch {
  const match = matchPresenceRoute(method, pathname);
  if (!match) return { route: 'unknown', template: pathname };
  if (match.route === undefined) return { route: 'unknown', template: match.template, allow: match.allow };
  return match.uid === undefined ? { route: match.route, template: match.template } : { route: match.route, template: match.template, uid: match.uid };
}

function sleep(ms: number): Promise<void> {
  // No timer at all for 0, so pods without latency work under any fake-timer setup.
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

const shortCircuits = (f: MockPodFault): boolean => f.status !== undefined || f.body !== undefined;

function faultResponse(spec: MockPodFault): MockPodResponse {
  const status = spec.status ?? 200;
  const headers: Record<string, string> = spec.retryAfter === undefined ? {} : { 'retry-after': spec.retryAfter };
  if (spec.body !== undefined) return jsonResponse(status, spec.body, headers);
  return status >= 400 ? errorResponse(status, 'Injected fault', headers) : jsonResponse(status, '', headers);
}

function withCategory(outcome: Outcome, category: string, userId: UserId | undefined): Outcome {
  if (outcome.kind === 'presence') return { kind: 'presence', presence: { ...outcome.presence, category } };
  if (outcome.kind === 'list') {
    return {
      kind: 'list',
      list: outcome.list.map((p) => (userId === undefined || p.userId === userId ? { ...p, category } : p)),
    };
  }
  return outcome;
}

function toResponse(outcome: Outcome): MockPodResponse {
  if (outcome.kind === 'presence') return presenceResponse(outcome.presence);
  if (outcome.kind === 'list') return presenceListResponse(outcome.list);
  return outcome.response;
}

/**
 * The way every request goes through the pod: route match, latency, session, the ledger entry,
 * an injected fault (which may delay, replace or alter the answer), then the route itself.
 */
export function createPodPipeline(parts: PodPipelineParts): (request: MockPodRequest) => Promise<MockPodResponse> {
  const { state, routes, tick } = parts;

  /**
   * Fills the ledger draft with the users a request is about and returns them for fault
   * matching. Done before faults are drawn, so faulted requests are logged as fully as others.
   */
  function describeRequest(
    route: MockPodRoute,
    match: RouteMatch,
    session: Session | undefined,
    bodyText: string,
    draft: LedgerDraft,
  ): UserId[] {
    if (route === 'getUser') {
      const target = DIGITS.test(match.uid ?? '') ? parseUserId(match.uid) : undefined;
      if (!target) return [];
      draft.userId = target;
      const targetUser = state.users.get(target);
      const caller = session ? state.users.get(session.userId) : undefined;
      if (caller && targetUser) draft.external = targetUser.tenantId !== caller.tenantId;
      return [target];
    }
    if (route === 'register') {
      const ids = parseIdList(bodyText);
      if (typeof ids === 'string') return [];
      draft.userIds = Object.freeze(ids);
      return ids;
    }
    if ((route === 'getOwn' || route === 'setOwn') && session) {
      draft.userId = session.userId;
      return [session.userId];
    }
    return [];
  }

  function takeFault(route: MockPodRoute, subjects: readonly UserId[], pageIds: () => readonly UserId[]): ActiveFault | undefined {
    // In the pod-wide list a user can only have their entry altered, not fail the page.
    return parts.takeFault(route, (spec) => (route === 'listAll' ? (shortCircuits(spec) ? [] : pageIds()) : subjects));
  }

  function answer(route: MockPodRoute, match: RouteMatch, session: Session | undefined, params: URLSearchParams, bodyText: string, now: number, draft: LedgerDraft): Outcome {
    if (!session) return deny(401, MESSAGES.invalidSession);
    if (route === 'getOwn') return routes.getOwn(session);
    if (route === 'setOwn') return routes.setOwn(session, params, bodyText, now);
    if (route === 'register') return routes.register(session, bodyText, now, draft);
    if (route === 'getUser') return routes.getUser(session, match.uid ?? '', params, now);
    if (routes.lacks(session, 'listAll')) return deny(403, MESSAGES.forbidden);
    // Recomputed: a fault's delay may have let churn move on.
    const page = routes.listPage(session, params);
    return typeof page === 'string' ? deny(400, page) : { kind: 'list', list: page };
  }

  return async function handle(request) {
    const method = request.method.toUpperCase();
    const { pathname, params } = splitRequest(request);
    if (pathname === '/v1/podcert') return parts.podCertificate(method);
    const match = matchRoute(method, pathname);
    const bodyText = request.bodyText ?? '';
    await sleep(parts.latencyMs());
    let now = tick();

    const token = headerValue(request.headers, 'sessionToken');
    const session = token === undefined ? undefined : state.sessions.get(token);
    const draft: LedgerDraft = { method, route: match.route, path: match.template, url: safeUrl(pathname, params) };
    if (session) draft.sessionUserId = session.userId;

    let response: MockPodResponse;
    const route = match.route;
    if (route === 'unknown') {
      response = match.allow
        ? errorResponse(405, 'Method not allowed', { allow: match.allow })
        : errorResponse(404, MESSAGES.notFound);
    } else {
      const subjects = describeRequest(route, match, session, bodyText, draft);
      const pageIds = (): UserId[] => {
        const page = session ? routes.listPage(session, params) : [];
        return typeof page === 'string' ? [] : page.map((p) => p.userId);
      };
      const fault = takeFault(route, subjects, pageIds);
      if (fault?.spec.latencyMs) {
        await sleep(checkLatency(fault.spec.latencyMs, 'fault latencyMs'));
        now = tick();
      }
      if (fault && shortCircuits(fault.spec)) {
        draft.faulted = true;
        response = faultResponse(fault.spec);
      } else {
        let outcome = answer(route, match, session, params, bodyText, now, draft);
        if (fault?.spec.category !== undefined && outcome.kind !== 'response') {
          outcome = withCategory(outcome, fault.spec.category, fault.userId);
          draft.faulted = true;
        }
        response = toResponse(outcome);
      }
    }
    parts.log({ time: now, ...draft, status: response.status });
    return response;
  };
}
