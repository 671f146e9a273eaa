import { LIST_LIMIT_MAX, parseUserId, type PresenceRoute, type UserId } from '../model';
import { parseJson, problem } from './proxyAnswer';
import { readLimited, TOO_LARGE } from './readLimited';

/** What the proxy will send to the pod for one browser request. */
export interface Plan {
  readonly route: PresenceRoute;
  readonly method: 'GET' | 'POST';
  /** Path below the pod URL, built from fixed parts and canonical ids only. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body?: string | undefined;
  /** Target of `getUser`. */
  readonly userId?: UserId | undefined;
  /** `local=true` on `getUser`: external users come back OFFLINE without being read. */
  readonly local?: boolean | undefined;
  /** Ids of a registration. */
  readonly ids?: readonly UserId[] | undefined;
}

/** The bounds of what a browser may send. */
export interface PlanLimits {
  readonly maxBodyBytes: number;
  readonly maxIds: number;
}

export const DIGITS = /^[0-9]{1,25}$/;
const CATEGORY = /^[A-Za-z_]{1,64}$/;

type ParamReader = (value: string) => string | undefined;

const booleanParam: ParamReader = (value) => {
  const lower = value.toLowerCase();
  return lower === 'true' || lower === 'false' ? lower : undefined;
};

const limitParam: ParamReader = (value) => {
  if (!/^[0-9]{1,4}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && n <= LIST_LIMIT_MAX ? String(n) : undefined;
};

const userIdParam: ParamReader = (value) => (DIGITS.test(value) ? parseUserId(value) : undefined);

const PARAM_RULES: Readonly<Record<string, string>> = {
  soft: 'must be true or false',
  local: 'must be true or false',
  limit: `must be an integer from 1 to ${LIST_LIMIT_MAX}`,
  lastUserId: 'must be a positive 64-bit decimal integer',
};

/**
 * Checks the query against the route's parameters and rebuilds it from the accepted values, so
 * nothing the browser added travels on. Returns an error message for bad input.
 */
function readQuery(params: URLSearchParams, allowed: Readonly<Record<string, ParamReader>>): URLSearchParams | string {
  const out = new URLSearchParams();
  for (const name of new Set(params.keys())) {
    const reader = Object.hasOwn(allowed, name) ? allowed[name] : undefined;
    if (!reader) return 'Unsupported query parameter';
    const values = params.getAll(name);
    if (values.length > 1) return `Query parameter "${name}" given more than once`;
    const value = reader(values[0] as string);
    if (value === undefined) return `Query parameter "${name}" ${PARAM_RULES[name] ?? 'is invalid'}`;
    out.set(name, value);
  }
  return out;
}

/** The request body as text, or the answer refusing it. */
async function readBody(request: Request, maxBodyBytes: number): Promise<string | Response> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^[0-9]+$/.test(declared) && Number(declared) > maxBodyBytes) {
    await request.body?.cancel().catch(() => undefined);
    return problem(413, `Request body larger than ${maxBodyBytes} bytes`);
  }
  const bytes = await readLimited(request.body, maxBodyBytes);
  if (bytes === TOO_LARGE) return problem(413, `Request body larger than ${maxBodyBytes} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return problem(400, 'Request body is not UTF-8');
  }
}

/**
 * Turns the browser's request into what will be sent to the pod, or the 4xx answer refusing it.
 * Ids, query parameters and bodies are checked and rebuilt, so nothing else the browser sent
 * reaches the pod.
 */
export async function planProxyRequest(
  request: Request,
  route: PresenceRoute,
  uid: string | undefined,
  params: URLSearchParams,
  limits: PlanLimits,
): Promise<Plan | Response> {
  switch (route) {
    case 'getOwn': {
      const query = readQuery(params, {});
      return typeof query === 'string' ? problem(400, query) : { route, method: 'GET', path: '/v2/user/presence', query };
    }
    case 'listAll': {
      const query = readQuery(params, { limit: limitParam, lastUserId: userIdParam });
      return typeof query === 'string' ? problem(400, query) : { route, method: 'GET', path: '/v2/users/presence', query };
    }
    case 'getUser': {
      const userId = uid !== undefined && DIGITS.test(uid) ? parseUserId(uid) : undefined;
      if (!userId) return problem(400, 'uid must be a positive 64-bit decimal integer');
      const query = readQuery(params, { local: booleanParam });
      if (typeof query === 'string') return problem(400, query);
      return { route, method: 'GET', path: `/v3/user/${userId}/presence`, query, userId, local: query.get('local') === 'true' };
    }
    case 'setOwn': {
      const query = readQuery(params, { soft: booleanParam });
      if (typeof query === 'string') return problem(400, query);
      const text = await readBody(request, limits.maxBodyBytes);
      if (typeof text !== 'string') return text;
      const body = parseJson(text);
      const category = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { category?: unknown }).category : undefined;
      if (typeof category !== 'string' || !CATEGORY.test(category)) {
        return problem(400, 'Body must be a JSON object with a "category" of letters and underscores');
      }
      return { route, method: 'POST', path: '/v2/user/presence', query, body: JSON.stringify({ category }) };
    }
    case 'register': {
      const query = readQuery(params, {});
      if (typeof query === 'string') return problem(400, query);
      const text = await readBody(request, limits.maxBodyBytes);
      if (typeof text !== 'string') return text;
      const body = parseJson(text);
      if (!Array.isArray(body)) return problem(400, 'Body must be a JSON array of user ids');
      if (body.length > limits.maxIds) return problem(413, `At most ${limits.maxIds} user ids per registration`);
      const ids = new Set<UserId>();
      for (const item of body) {
        // Numbers are at most 15 digits here (longer ones arrive as strings), so all are exact.
        const id = typeof item === 'number' || (typeof item === 'string' && DIGITS.test(item)) ? parseUserId(item) : undefined;
        if (!id) return problem(400, 'User ids must be positive 64-bit integers');
        ids.add(id);
      }
      if (ids.size === 0) return problem(400, 'Body must name at least one user id');
      const list = [...ids];
      // Bare integers with every digit, as the pod's int64 list expects.
      return { route, method: 'POST', path: '/v1/user/presence/register', query, body: `[${list.join(',')}]`, ids: list };
    }
  }
}
