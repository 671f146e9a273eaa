import {
  compareUserIds,
  LIST_LIMIT_DEFAULT,
  LIST_LIMIT_MAX,
  PRESENCE_ENDPOINTS,
  parseJsonLossless,
  parsePresence,
  parsePresenceList,
  toUserId,
  type ParseResult,
  type PresenceRoute,
  type Presence,
  type UserId,
  type UserIdInput,
} from '../model';
import { PresenceApiError, type PresenceApiErrorKind } from './PresenceApiError';
import { createTokenSource, type TokenSource } from './createTokenSource';
import { AbortNoticed, callFailure, exchange, raceAbort } from './exchange';
import { sessionKeyOf } from './sessionKey';
import { parseRetryAfter } from './parseRetryAfter';
import type {
  CallOptions,
  ListPresenceOptions,
  SetCallOptions,
  SetPresenceInput,
  SymphonyClient,
  SymphonyClientOptions,
} from './types';

const MAX_PAGES_DEFAULT = 1000;
/** Server messages end up in UI and logs; a misbehaving server must not flood either. */
const SERVER_MESSAGE_MAX = 500;

/** `METHOD /path/template`: how errors name the operation (never with a concrete id or query). */
const label = (route: PresenceRoute) => `${PRESENCE_ENDPOINTS[route].method} ${PRESENCE_ENDPOINTS[route].path}`;

const ENDPOINT = {
  getOwn: label('getOwn'),
  setOwn: label('setOwn'),
  register: label('register'),
  getUser: label('getUser'),
  list: label('listAll'),
};

type Endpoint = string;

interface RequestPlan {
  endpoint: Endpoint;
  /** Concrete path below the pod URL, ids already validated and encoded. */
  path: string;
  query?: ReadonlyArray<readonly [string, string]>;
  /** JSON text, built by the caller so long integers keep every digit. */
  body?: string;
  /** Let the request outlive the page (`fetch` keepalive). */
  keepalive?: boolean;
}

interface RawResponse {
  status: number;
  text: string;
}


/** Enough of a Response to read; custom `fetch` stand-ins may return less, which is their bug, not a TypeError of ours. */
function isResponseLike(value: unknown): value is Response {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Response).status === 'number' &&
    typeof (value as Response).text === 'function'
  );
}

function kindForStatus(status: number): PresenceApiErrorKind {
  switch (status) {
    case 400:
      return 'bad-request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 429:
      return 'rate-limited';
    default:
      return status >= 500 ? 'server' : 'bad-request';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads `{code, message}` from an error body, keeping only well-typed fields. */
function readErrorBody(text: string, sentTokens: readonly string[]): { code?: number; serverMessage?: string } {
  let body: unknown;
  try {
    body = parseJsonLossless(text);
  } catch {
    return {};
  }
  if (!isRecord(body)) return {};
  const out: { code?: number; serverMessage?: string } = {};
  if (typeof body.code === 'number' && Number.isFinite(body.code)) out.code = body.code;
  if (typeof body.message === 'string' && body.message.length > 0) {
    // A server that echoes the rejected token must not get it into our error message.
    const message = sentTokens.reduce((text, token) => text.split(token).join('[redacted]'), body.message);
    out.serverMessage = message.length > SERVER_MESSAGE_MAX ? `${message.slice(0, SERVER_MESSAGE_MAX)}…` : message;
  }
  return out;
}

function invalidArgument(endpoint: Endpoint, detail: string): PresenceApiError {
  // status 0: nothing was sent. The detail goes in the cause; serverMessage is for the server's words.
  return new PresenceApiError({ kind: 'bad-request', status: 0, endpoint, cause: new RangeError(detail) });
}

function invalidResponse(endpoint: Endpoint, status: number, reason: string): PresenceApiError {
  return new PresenceApiError({ kind: 'invalid-response', status, endpoint, cause: new Error(reason) });
}

function parseJsonBody<T>(
  endpoint: Endpoint,
  response: RawResponse,
  read: (value: unknown) => ParseResult<T>,
): T {
  let json: unknown;
  try {
    json = parseJsonLossless(response.text);
  } catch {
    // The SyntaxError would quote the body; our reason does not.
    throw invalidResponse(endpoint, response.status, 'response body is not valid JSON');
  }
  const result = read(json);
  if (!result.ok) throw invalidResponse(endpoint, response.status, result.reason);
  return result.value;
}

function checkLimit(endpoint: Endpoint, limit: unknown): number | undefined {
  if (limit === undefined) return undefined;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX) {
    throw invalidArgument(endpoint, `limit must be an integer from 1 to ${LIST_LIMIT_MAX}`);
  }
  return limit;
}

function checkFlag(endpoint: Endpoint, name: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidArgument(endpoint, `${name} must be a boolean`);
  return value;
}

function buildUrl(base: string, plan: RequestPlan): string {
  const query = (plan.query ?? []).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return `${base}${plan.path}${query ? `?${query}` : ''}`;
}

/**
 * Creates a client for the Symphony pod presence endpoints.
 *
 * Every user id is validated before anything is sent; every failure is a {@link PresenceApiError}
 * (or an `InvalidUserIdError` for a bad id). With `getSessionToken`, a 401 triggers one forced
 * token refresh, shared by all calls that failed with the same token, and one retry.
 *
 * Requests that carry a session token refuse redirects, so the token cannot follow a redirect to
 * another origin.
 *
 * @throws TypeError when `podUrl` is not a string or holds a query or fragment, or a header in
 *   `headers` is not a valid HTTP header.
 */
export function createSymphonyClient(options: SymphonyClientOptions): SymphonyClient {
  const { podUrl, getSessionToken } = options;
  if (typeof podUrl !== 'string' || /[?#]/.test(podUrl)) {
    throw new TypeError('podUrl must be a URL or path without query or fragment');
  }
  const base = podUrl.replace(/\/+$/, '');
  // Validated once here, so a bad header fails fast instead of on every call.
  const extraHeaders = new Headers(options.headers);
  const tokens: TokenSource | undefined = getSessionToken ? createTokenSource(getSessionToken) : undefined;

  function headersFor(plan: RequestPlan, token: string | undefined): Headers {
    const headers = new Headers(extraHeaders);
    headers.set('Accept', 'application/json');
    if (plan.body !== undefined) headers.set('Content-Type', 'application/json');
    // Set last: Headers is case-insensitive, so this also replaces a user "sessiontoken".
    if (token !== undefined) headers.set('sessionToken', token);
    return headers;
  }

  async function send(plan: RequestPlan, token: string | undefined, signal: AbortSignal | undefined) {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new TypeError('no fetch implementation available');
    const init: RequestInit = { method: plan.endpoint.split(' ')[0], headers: headersFor(plan, token) };
    if (plan.body !== undefined) init.body = plan.body;
    if (plan.keepalive) init.keepalive = true;
    if (signal) init.signal = signal;
    if (token !== undefined) init.redirect = 'error';
    const response: unknown = await raceAbort(fetchImpl(buildUrl(base, plan), init), signal);
    if (!isResponseLike(response)) {
      throw invalidResponse(plan.endpoint, 0, 'fetch resolved to something that is not a Response');
    }
    return response;
  }

  function fail(kind: PresenceApiErrorKind, endpoint: Endpoint, cause: unknown, signal?: AbortSignal): PresenceApiError {
    return callFailure(kind, endpoint, cause, signal);
  }


  /** Runs one call: token, fetch, one refresh-and-retry on 401, status mapping, body read. */
  async function request(plan: RequestPlan, call: CallOptions): Promise<RawResponse> {
    const { endpoint } = plan;
    const { signal } = call;
    if (signal?.aborted) throw fail('aborted', endpoint, new AbortNoticed(signal.reason));

    const { response, text, sentTokens, retryAfter } = await exchange(
      endpoint,
      tokens,
      (token) => send(plan, token, signal),
      signal,
      call.session,
    );
    const { status } = response;
    if (status < 200 || status > 299) {
      throw new PresenceApiError({
        kind: kindForStatus(status),
        status,
        endpoint,
        ...readErrorBody(text, sentTokens),
        retryAfterMs: parseRetryAfter(retryAfter),
      });
    }
    return { status, text };
  }

  async function listPage(
    lastUserId: UserId | undefined,
    limit: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Presence[]> {
    const query: Array<[string, string]> = [];
    if (lastUserId !== undefined) query.push(['lastUserId', lastUserId]);
    if (limit !== undefined) query.push(['limit', String(limit)]);
    const response = await request({ endpoint: ENDPOINT.list, path: '/v2/users/presence', query }, { signal });
    return parseJsonBody(ENDPOINT.list, response, parsePresenceList);
  }

  const optionalId = (input: UserIdInput | undefined): UserId | undefined =>
    input === undefined ? undefined : toUserId(input);

  return {
    podUrl,

    async sessionKey(call: CallOptions = {}) {
      if (!tokens) return undefined;
      try {
        return sessionKeyOf(await raceAbort(tokens.current(), call.signal));
      } catch (error) {
        throw callFailure('unauthorized', ENDPOINT.getOwn, error, call.signal);
      }
    },

    async getOwnPresence(call: CallOptions = {}) {
      const response = await request({ endpoint: ENDPOINT.getOwn, path: '/v2/user/presence' }, call);
      return parseJsonBody(ENDPOINT.getOwn, response, (json) => parsePresence(json));
    },

    async setOwnPresence(input: SetPresenceInput, call: SetCallOptions = {}) {
      const endpoint = ENDPOINT.setOwn;
      const category: unknown = input?.category;
      if (typeof category !== 'string' || category.length === 0) {
        throw invalidArgument(endpoint, 'category must be a non-empty string');
      }
      const soft = checkFlag(endpoint, 'soft', input.soft);
      const response = await request(
        {
          endpoint,
          path: '/v2/user/presence',
          query: soft === undefined ? [] : [['soft', String(soft)]],
          body: JSON.stringify({ category }),
          keepalive: call.keepalive === true,
        },
        call,
      );
      return parseJsonBody(endpoint, response, (json) => parsePresence(json));
    },

    async registerInterest(userIds: readonly UserIdInput[], call: CallOptions = {}) {
      const endpoint = ENDPOINT.register;
      if (!Array.isArray(userIds)) throw invalidArgument(endpoint, 'userIds must be an array');
      // Canonical strings written as bare JSON integers: Number() would round ids above 2^53.
      const ids = [...new Set(userIds.map((id: UserIdInput) => toUserId(id)))];
      if (ids.length === 0) return;
      await request({ endpoint, path: '/v1/user/presence/register', body: `[${ids.join(',')}]` }, call);
      // Any 2xx is success; the SuccessResponse body carries nothing the caller needs.
    },

    async getUserPresence(userId: UserIdInput, call: CallOptions & { local?: boolean | undefined } = {}) {
      const endpoint = ENDPOINT.getUser;
      const id = toUserId(userId);
      const local = checkFlag(endpoint, 'local', call.local);
      const response = await request(
        {
          endpoint,
          path: `/v3/user/${encodeURIComponent(id)}/presence`,
          query: local === undefined ? [] : [['local', String(local)]],
        },
        call,
      );
      const presence = parseJsonBody(endpoint, response, (json) => parsePresence(json, id));
      if (presence.userId !== id) {
        // Callers cache by the id they asked for; an answer about someone else must not land there.
        throw invalidResponse(endpoint, response.status, 'response is about a different user');
      }
      return presence;
    },

    async listPresence(call: ListPresenceOptions = {}) {
      const limit = checkLimit(ENDPOINT.list, call.limit);
      return listPage(optionalId(call.lastUserId), limit, call.signal);
    },

    async listAllPresence(call: ListPresenceOptions & { maxPages?: number | undefined } = {}) {
      const limit = checkLimit(ENDPOINT.list, call.limit) ?? LIST_LIMIT_DEFAULT;
      const maxPages = call.maxPages ?? MAX_PAGES_DEFAULT;
      if (!Number.isInteger(maxPages) || maxPages < 1) {
        throw invalidArgument(ENDPOINT.list, 'maxPages must be a positive integer');
      }
      let last = optionalId(call.lastUserId);
      const seen = new Set<UserId>();
      const all: Presence[] = [];
      for (let page = 0; page < maxPages; page++) {
        const items = await listPage(last, limit, call.signal);
        for (const item of items) {
          // The pod skips ids *less than* lastUserId, so each page may start with the previous
          // page's last user again.
          if (seen.has(item.userId)) continue;
          seen.add(item.userId);
          all.push(item);
        }
        const next = items[items.length - 1]?.userId;
        if (next === undefined || items.length < limit) break;
        // A page that does not move forward would repeat forever.
        if (last !== undefined && compareUserIds(next, last) <= 0) break;
        last = next;
      }
      return all;
    },
  };
}
