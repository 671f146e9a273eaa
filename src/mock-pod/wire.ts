import type { CategoryValue, UserId } from '../model';
import type { MockPodHeaders, MockPodRequest, MockPodResponse } from './types';

/** A presence as the pod sends it. */
export interface PresenceOut {
  userId: UserId;
  category: CategoryValue;
  timestamp: number;
}

function isHeadersObject(headers: MockPodHeaders): headers is { get(name: string): string | null } {
  return typeof (headers as { get?: unknown }).get === 'function';
}

/** One header's value, name matched without regard to case; the first of repeated values. */
export function headerValue(headers: MockPodHeaders | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (isHeadersObject(headers)) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value[0];
  }
  return undefined;
}

/** Splits `path` from its query and merges `query` on top. */
export function splitRequest(request: MockPodRequest): { pathname: string; params: URLSearchParams } {
  const q = request.path.indexOf('?');
  const pathname = q === -1 ? request.path : request.path.slice(0, q);
  const params = new URLSearchParams(q === -1 ? '' : request.path.slice(q + 1));
  const extra = request.query;
  if (extra instanceof URLSearchParams) {
    for (const key of new Set(extra.keys())) {
      params.delete(key);
      for (const value of extra.getAll(key)) params.append(key, value);
    }
  } else if (extra) {
    for (const [key, value] of Object.entries(extra)) if (value !== undefined) params.set(key, value);
  }
  return { pathname, params };
}

/**
 * The path and query for the ledger. A token someone put in the query by mistake is dropped:
 * the ledger is meant to be printed in test failures.
 */
export function safeUrl(pathname: string, params: URLSearchParams): string {
  const kept = new URLSearchParams();
  for (const [key, value] of params) if (key.toLowerCase() !== 'sessiontoken') kept.append(key, value);
  const query = kept.toString();
  return query ? `${pathname}?${query}` : pathname;
}

// Ids are canonical decimal strings, so they can be written as bare JSON integers with every digit.
function presenceText(p: PresenceOut): string {
  return `{"category":${JSON.stringify(p.category)},"userId":${p.userId},"timestamp":${Math.trunc(p.timestamp)}}`;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** A JSON answer. */
export function jsonResponse(status: number, bodyText: string, headers: Record<string, string> = {}): MockPodResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, bodyText };
}

/** A V2Presence answer. */
export function presenceResponse(p: PresenceOut): MockPodResponse {
  return jsonResponse(200, presenceText(p));
}

/** A V2PresenceList answer. */
export function presenceListResponse(list: readonly PresenceOut[]): MockPodResponse {
  return jsonResponse(200, `[${list.map(presenceText).join(',')}]`);
}

/** An error answer with the spec's `{code, message}` body. */
export function errorResponse(status: number, message: string, headers: Record<string, string> = {}): MockPodResponse {
  return jsonResponse(status, JSON.stringify({ code: status, message }), headers);
}

/** Parses an optional boolean query parameter; `null` when the value is not a boolean. */
export function parseBooleanParam(value: string | null, fallback: boolean): boolean | null {
  if (value === null) return fallback;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : null;
}
