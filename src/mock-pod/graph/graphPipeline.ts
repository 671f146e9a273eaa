import { parseGraphUserId, type GraphUserId } from '../../model';
import { checkLatency, type ActiveFault as ActiveFaultOf } from '../faultList';
import { headerValue, splitRequest } from '../wire';
import type { TokenInfo } from './graphUserRecord';
import { JSON_HEADERS, graphError, matchRoute, readBody, type RouteMatch } from './graphRoutes';
import type { MockGraphFault, MockGraphLedgerEntry, MockGraphRequest, MockGraphResponse, MockGraphRoute, MockGraphThrottle } from './types';

type ActiveFault = ActiveFaultOf<MockGraphFault, GraphUserId>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What the pipeline needs from the emulator around it. */
export interface GraphPipelineParts {
  readonly clock: () => number;
  readonly tokens: ReadonlyMap<string, TokenInfo>;
  /** The emulator's current latency and throttle (both can change between requests). */
  readonly latencyMs: () => number;
  readonly throttle: () => MockGraphThrottle | false;
  /** The fault list's `take`. */
  readonly takeFault: (route: MockGraphRoute, about: (spec: Readonly<MockGraphFault>) => readonly GraphUserId[]) => ActiveFault | undefined;
  readonly route: (match: RouteMatch, token: TokenInfo, bodyText: string, now: number) => MockGraphResponse;
  readonly log: (entry: MockGraphLedgerEntry) => void;
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Validates a throttle setting (a copy, so later changes to the caller's object do nothing). */
export function checkThrottle(throttle: MockGraphThrottle | false): MockGraphThrottle | false {
  if (throttle === false) return false;
  if (!(Number.isInteger(throttle.limit) && throttle.limit >= 1 && throttle.windowMs > 0)) {
    throw new RangeError('throttle needs an integer limit >= 1 and a windowMs > 0');
  }
  return { limit: throttle.limit, windowMs: throttle.windowMs };
}

const shortCircuits = (f: MockGraphFault): boolean => f.status !== undefined || f.body !== undefined;

function faultResponse(spec: MockGraphFault): MockGraphResponse {
  const status = spec.status ?? 200;
  const headers: Record<string, string> = spec.retryAfter === undefined ? {} : { 'retry-after': spec.retryAfter };
  if (spec.body !== undefined) return { status, headers: { ...JSON_HEADERS, ...headers }, bodyText: spec.body };
  return status >= 400 ? graphError(status, 'InjectedFault', 'Injected fault', headers) : { status, headers, bodyText: '' };
}

/**
 * The way every request goes through the emulated Graph: route match, latency, bearer token,
 * the per-app throttle, an injected fault (which may delay or replace the answer), the route
 * itself, and the ledger entry.
 */
export function createGraphPipeline(parts: GraphPipelineParts): (request: MockGraphRequest) => Promise<MockGraphResponse> {
  const { clock } = parts;
  const requestTimes = new Map<GraphUserId, number[]>();

  /** Seconds to wait when the app is over its budget, else `undefined` (and the request is counted). */
  function overBudget(appId: GraphUserId, now: number): number | undefined {
    const throttle = parts.throttle();
    if (!throttle) return undefined;
    const { limit, windowMs } = throttle;
    const times = (requestTimes.get(appId) ?? []).filter((t) => t > now - windowMs);
    requestTimes.set(appId, times);
    if (times.length >= limit) return Math.max(1, Math.ceil(((times[0] as number) + windowMs - now) / 1000));
    times.push(now);
    return undefined;
  }

  return async function handle(request) {
    const method = request.method.toUpperCase();
    const { pathname } = splitRequest(request);
    const match = matchRoute(method, pathname);
    const bodyText = request.bodyText ?? '';
    await sleep(parts.latencyMs());
    let now = clock();

    const auth = headerValue(request.headers, 'Authorization');
    const bearer = auth && /^Bearer\s+(\S+)$/i.exec(auth.trim());
    const token = bearer ? parts.tokens.get(bearer[1] as string) : undefined;
    const draft: Mutable<MockGraphLedgerEntry> = { time: now, method, route: match.route, path: match.template, status: 0 };
    if (token) draft.appId = token.appId;

    let response: MockGraphResponse;
    if (match.route === 'unknown') {
      response = match.allow
        ? { ...graphError(405, 'MethodNotAllowed', 'Method not allowed'), headers: { ...JSON_HEADERS, allow: match.allow } }
        : graphError(404, 'NotFound', 'Resource not found');
    } else if (!token) {
      response = graphError(401, 'InvalidAuthenticationToken', 'Access token is empty, invalid or expired');
    } else {
      const subjects: GraphUserId[] = [];
      const pathUser = parseGraphUserId(match.id);
      if (match.route === 'getMe' && token.userId) subjects.push(token.userId);
      if (pathUser) subjects.push(pathUser);
      if (match.route === 'getBatch') {
        const ids = readBody(bodyText)?.ids;
        if (Array.isArray(ids)) {
          draft.userIds = Object.freeze(ids.filter((id): id is string => typeof id === 'string'));
          for (const id of draft.userIds) {
            const g = parseGraphUserId(id);
            if (g) subjects.push(g);
          }
        }
      }
      if (subjects[0] && match.route !== 'getBatch') draft.userId = subjects[0];

      const wait = overBudget(token.appId, now);
      if (wait !== undefined) {
        draft.throttled = true;
        response = graphError(429, 'TooManyRequests', 'Too many requests; retry after the delay in Retry-After', {
          'retry-after': String(wait),
        });
      } else {
        const fault = parts.takeFault(match.route, () => subjects);
        if (fault?.spec.latencyMs) {
          await sleep(checkLatency(fault.spec.latencyMs, 'fault latencyMs'));
          now = clock();
        }
        if (fault && shortCircuits(fault.spec)) {
          draft.faulted = true;
          response = faultResponse(fault.spec);
        } else {
          response = parts.route(match, token, bodyText, now);
        }
      }
    }
    parts.log(Object.freeze({ ...draft, time: now, status: response.status }));
    return response;
  };
}
