import {
  GRAPH_STATUS_MESSAGE_MAX,
  isSettableGraphPair,
  isUserPreferredGraphPair,
  parseExpirationDuration,
  parseGraphPresence,
  parseIsoDuration,
  toGraphUserId,
  InvalidDurationError,
  type GraphPresence,
  type GraphUserId,
} from '../../model';
import { PresenceApiError, type PresenceApiErrorKind } from '../PresenceApiError';
import { createTokenSource, type TokenSource } from '../createTokenSource';
import { AbortNoticed, callFailure, exchange, raceAbort } from '../exchange';
import { parseRetryAfter } from '../parseRetryAfter';
import type { CallOptions } from '../types';
import type { GraphClient, GraphClientOptions, GraphSetPreferredInput, GraphSetPresenceInput, GraphSetStatusMessageInput } from './types';

/** Graph's documented limit of ids per getPresencesByUserId call. */
export const GRAPH_BATCH_MAX = 650;
/** Where Graph v1.0 lives. */
export const GRAPH_V1_URL = 'https://graph.microsoft.com/v1.0';

const SERVER_MESSAGE_MAX = 500;

const ENDPOINT = {
  me: 'GET /me/presence',
  user: 'GET /users/{id}/presence',
  batch: 'POST /communications/getPresencesByUserId',
  set: 'POST /users/{id}/presence/setPresence',
  clear: 'POST /users/{id}/presence/clearPresence',
  setPreferred: 'POST /users/{id}/presence/setUserPreferredPresence',
  clearPreferred: 'POST /users/{id}/presence/clearUserPreferredPresence',
  setStatusMessage: 'POST /users/{id}/presence/setStatusMessage',
} as const;


type Endpoint = (typeof ENDPOINT)[keyof typeof ENDPOINT];

interface Plan {
  endpoint: Endpoint;
  /** Path below graphUrl, ids already validated. */
  path: string;
  body?: unknown;
}


function kindForStatus(status: number): PresenceApiErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limited';
  return status >= 500 ? 'server' : 'bad-request';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Graph errors look like `{"error":{"code":"Forbidden","message":"..."}}`; only the message is kept. */
function readGraphError(text: string, sentTokens: readonly string[]): { serverMessage?: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (!error) return {};
  const raw =
    typeof error.message === 'string' && error.message.length > 0
      ? error.message
      : typeof error.code === 'string' && error.code.length > 0
        ? error.code
        : undefined;
  if (raw === undefined) return {};
  // A server that echoes the rejected token must not get it into our error.
  const message = sentTokens.reduce((acc, token) => acc.split(token).join('[redacted]'), raw);
  return { serverMessage: message.length > SERVER_MESSAGE_MAX ? `${message.slice(0, SERVER_MESSAGE_MAX)}…` : message };
}

function invalidArgument(endpoint: Endpoint, cause: Error): PresenceApiError {
  return new PresenceApiError({ kind: 'bad-request', status: 0, endpoint, cause });
}

function invalidResponse(endpoint: Endpoint, status: number, reason: string): PresenceApiError {
  return new PresenceApiError({ kind: 'invalid-response', status, endpoint, cause: new Error(reason) });
}

function readJson(endpoint: Endpoint, status: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidResponse(endpoint, status, 'response body is not valid JSON');
  }
}

function readPresence(endpoint: Endpoint, status: number, json: unknown): GraphPresence {
  const parsed = parseGraphPresence(json);
  if (!parsed.ok) throw invalidResponse(endpoint, status, parsed.reason);
  return parsed.value;
}

/**
 * Creates a client for Microsoft Graph's presence endpoints.
 *
 * - Ids must be GUIDs (`InvalidGraphUserIdError` otherwise), durations PT5M..PT4H
 *   (`InvalidDurationError`), pairs the ones Graph accepts (`PresenceApiError` `bad-request`, status 0):
 *   all checked before anything is sent, so an unsupported request never costs a call.
 * - The token goes in `Authorization: Bearer`, never in a URL or an error. A 401 triggers one
 *   forced refresh, shared by the calls that failed with the same token, and one retry.
 * - After a 429 every call fails fast as `rate-limited` (with the time left in `retryAfterMs`)
 *   until `Retry-After` has passed: Graph's throttle counts the whole app, so hammering it from one
 *   widget would throttle the others.
 * - Every failure is a `PresenceApiError`, with the same kinds as the Symphony client.
 *
 * @throws TypeError when `sessionId` is not a GUID or `graphUrl` holds a query or fragment.
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const graphUrl = (options.graphUrl ?? GRAPH_V1_URL).replace(/\/+$/, '');
  if (typeof graphUrl !== 'string' || /[?#]/.test(graphUrl)) {
    throw new TypeError('graphUrl must be a URL or path without query or fragment');
  }
  let sessionId: GraphUserId;
  try {
    sessionId = toGraphUserId(options.sessionId);
  } catch {
    throw new TypeError('sessionId must be the application (client) id, a GUID');
  }
  const extraHeaders = new Headers(options.headers);
  const tokens: TokenSource | undefined = options.getAccessToken ? createTokenSource(options.getAccessToken) : undefined;
  const now = options.now ?? Date.now;
  let blockedUntil = 0;

  async function send(plan: Plan, token: string | undefined, signal: AbortSignal | undefined): Promise<Response> {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new TypeError('no fetch implementation available');
    const headers = new Headers(extraHeaders);
    headers.set('Accept', 'application/json');
    if (plan.body !== undefined) headers.set('Content-Type', 'application/json');
    if (token !== undefined) headers.set('Authorization', `Bearer ${token}`);
    const init: RequestInit = { method: plan.endpoint.split(' ')[0], headers };
    if (plan.body !== undefined) init.body = JSON.stringify(plan.body);
    if (signal) init.signal = signal;
    // A redirect must not carry the bearer token to another origin.
    if (token !== undefined) init.redirect = 'error';
    const response: unknown = await raceAbort(fetchImpl(`${graphUrl}${plan.path}`, init), signal);
    if (typeof response !== 'object' || response === null || typeof (response as Response).status !== 'number') {
      throw invalidResponse(plan.endpoint, 0, 'fetch resolved to something that is not a Response');
    }
    return response as Response;
  }

  function fail(kind: PresenceApiErrorKind, endpoint: Endpoint, cause: unknown, signal?: AbortSignal): PresenceApiError {
    return callFailure(kind, endpoint, cause, signal);
  }


  async function request(plan: Plan, signal: AbortSignal | undefined): Promise<{ status: number; text: string }> {
    const { endpoint } = plan;
    if (signal?.aborted) throw fail('aborted', endpoint, new AbortNoticed(signal.reason));
    const wait = blockedUntil - now();
    if (wait > 0) {
      // status 0: nothing was sent; the caller learns how long to stay quiet.
      throw new PresenceApiError({ kind: 'rate-limited', status: 0, endpoint, retryAfterMs: wait });
    }

    const { response, text, sentTokens, retryAfter } = await exchange(endpoint, tokens, (token) => send(plan, token, signal), signal);
    const { status } = response;
    if (status < 200 || status > 299) {
      const retryAfterMs = parseRetryAfter(retryAfter, now());
      if (status === 429) blockedUntil = Math.max(blockedUntil, now() + (retryAfterMs ?? 0));
      throw new PresenceApiError({
        kind: kindForStatus(status),
        status,
        endpoint,
        ...readGraphError(text, sentTokens),
        retryAfterMs,
      });
    }
    return { status, text };
  }

  function checkSetPair(endpoint: Endpoint, input: GraphSetPresenceInput | GraphSetPreferredInput, preferred: boolean) {
    if (!isRecord(input)) throw invalidArgument(endpoint, new TypeError('input must be an object'));
    const id = toGraphUserId(input.userId);
    const ok = preferred ? isUserPreferredGraphPair(input) : isSettableGraphPair(input);
    if (!ok) {
      const what = preferred ? 'setUserPreferredPresence' : 'setPresence';
      throw invalidArgument(
        endpoint,
        new RangeError(`${String(input.availability)}/${String(input.activity)} is not a pair ${what} accepts`),
      );
    }
    return id;
  }

  async function getPresences(userIds: readonly string[], call: CallOptions = {}): Promise<GraphPresence[]> {
    const endpoint = ENDPOINT.batch;
    if (!Array.isArray(userIds)) throw invalidArgument(endpoint, new TypeError('userIds must be an array'));
    const ids = [...new Set(userIds.map((id) => toGraphUserId(id)))];
    const out: GraphPresence[] = [];
    for (let i = 0; i < ids.length; i += GRAPH_BATCH_MAX) {
      const chunk = ids.slice(i, i + GRAPH_BATCH_MAX);
      const { status, text } = await request({ endpoint, path: '/communications/getPresencesByUserId', body: { ids: chunk } }, call.signal);
      const json = readJson(endpoint, status, text);
      if (!isRecord(json) || !Array.isArray(json.value)) throw invalidResponse(endpoint, status, 'response has no "value" array');
      const asked = new Set<string>(chunk);
      for (const [n, entry] of json.value.entries()) {
        const parsed = parseGraphPresence(entry);
        if (!parsed.ok) throw invalidResponse(endpoint, status, `entry ${n}: ${parsed.reason}`);
        // An answer about someone not asked for could land in the wrong user's cache.
        if (parsed.value.id === undefined || !asked.has(parsed.value.id)) {
          throw invalidResponse(endpoint, status, `entry ${n} is about a user that was not asked for`);
        }
        out.push(parsed.value);
      }
    }
    return out;
  }

  return {
    graphUrl,
    sessionId,

    async getMyPresence(call: CallOptions = {}) {
      const { status, text } = await request({ endpoint: ENDPOINT.me, path: '/me/presence' }, call.signal);
      return readPresence(ENDPOINT.me, status, readJson(ENDPOINT.me, status, text));
    },

    async getPresence(userId: string, call: CallOptions = {}) {
      const endpoint = ENDPOINT.user;
      const id = toGraphUserId(userId);
      const { status, text } = await request({ endpoint, path: `/users/${id}/presence` }, call.signal);
      const presence = readPresence(endpoint, status, readJson(endpoint, status, text));
      if (presence.id !== undefined && presence.id !== id) throw invalidResponse(endpoint, status, 'response is about a different user');
      return presence.id === undefined ? { ...presence, id } : presence;
    },

    getPresences,

    async setPresence(input: GraphSetPresenceInput, call: CallOptions = {}) {
      const endpoint = ENDPOINT.set;
      const id = checkSetPair(endpoint, input, false);
      const body: Record<string, string> = { sessionId, availability: input.availability, activity: input.activity };
      if (input.expirationDuration !== undefined) {
        // Throws InvalidDurationError, before anything is sent.
        parseExpirationDuration(input.expirationDuration);
        body.expirationDuration = input.expirationDuration;
      }
      await request({ endpoint, path: `/users/${id}/presence/setPresence`, body }, call.signal);
    },

    async clearPresence(userId: string, call: CallOptions = {}) {
      const endpoint = ENDPOINT.clear;
      const id = toGraphUserId(userId);
      await request({ endpoint, path: `/users/${id}/presence/clearPresence`, body: { sessionId } }, call.signal);
    },

    async setUserPreferredPresence(input: GraphSetPreferredInput, call: CallOptions = {}) {
      const endpoint = ENDPOINT.setPreferred;
      const id = checkSetPair(endpoint, input, true);
      const body: Record<string, string> = { availability: input.availability, activity: input.activity };
      if (input.expirationDuration !== undefined) {
        const ms = parseIsoDuration(input.expirationDuration);
        if (ms === undefined || ms <= 0) {
          throw new InvalidDurationError('format', 'expected a positive ISO 8601 duration such as "PT8H"');
        }
        body.expirationDuration = input.expirationDuration;
      }
      await request({ endpoint, path: `/users/${id}/presence/setUserPreferredPresence`, body }, call.signal);
    },

    async clearUserPreferredPresence(userId: string, call: CallOptions = {}) {
      const endpoint = ENDPOINT.clearPreferred;
      const id = toGraphUserId(userId);
      await request({ endpoint, path: `/users/${id}/presence/clearUserPreferredPresence` }, call.signal);
    },

    async setStatusMessage(input: GraphSetStatusMessageInput, call: CallOptions = {}) {
      const endpoint = ENDPOINT.setStatusMessage;
      const id = toGraphUserId(input?.userId);
      const text = input.message;
      if (typeof text !== 'string' || text.length > GRAPH_STATUS_MESSAGE_MAX) {
        throw invalidArgument(endpoint, new RangeError(`message must be a string of at most ${GRAPH_STATUS_MESSAGE_MAX} characters`));
      }
      const statusMessage: Record<string, unknown> = { message: { content: text, contentType: 'text' } };
      if (input.expiresAt !== undefined) {
        if (!Number.isFinite(input.expiresAt)) throw invalidArgument(endpoint, new RangeError('expiresAt must be a time in ms'));
        // Graph's dateTimeTimeZone: a local time without offset, and its zone.
        statusMessage.expiryDateTime = { dateTime: new Date(input.expiresAt).toISOString().slice(0, -1), timeZone: 'UTC' };
      }
      await request({ endpoint, path: `/users/${id}/presence/setStatusMessage`, body: { statusMessage } }, call.signal);
    },
  };
}
