/**
 * Why a request that may come from another site's page is refused, or `undefined` when it may go
 * on. Inside Symphony the app's session cookie has to be `SameSite=None`, so the browser sends it
 * with requests that any site the user visits starts; these checks are what keep such pages from
 * setting the user's presence or spending their external-read budget.
 *
 * - `Sec-Fetch-Site: cross-site` or `same-site` is refused unless the request's `Origin` is one
 *   the app allowed by name (the Symphony client's origin, for instance).
 * - An `Origin` header must be the app's own (its host equals the request's `Host`) or one of
 *   `allowedOrigins`; `Origin: null` (sandboxed frames, `data:` pages) is refused.
 * - Requests with neither header come from non-browser clients or browsers too old to send them,
 *   and go on: a CSRF needs a browser, and every browser the Extension API supports sends them.
 */
export function crossSiteRefusal(request: Request, url: URL, allowedOrigins: ReadonlySet<string>): string | undefined {
  const origin = request.headers.get('origin');
  const site = request.headers.get('sec-fetch-site')?.trim().toLowerCase();
  const named = origin !== null && allowedOrigins.has(origin.toLowerCase());
  if (site === 'cross-site' && !named) return 'Cross-site request refused';
  // A sibling subdomain's <img> sends no Origin: only the app's own pages (or typed URLs) pass.
  if (site === 'same-site' && !named) return 'Request from another origin refused';
  if (origin === null || named) return undefined;
  if (origin === 'null') return 'Request from an opaque origin refused';
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return 'Request with a malformed Origin refused';
  }
  const own = (request.headers.get('host') ?? url.host).toLowerCase();
  return host === own ? undefined : 'Request from another origin refused';
}

/** True for `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJsonContentType(value: string | null): boolean {
  if (value === null) return false;
  return value.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}

/** Canonical form of an origin option (`https://host[:port]`), or a TypeError for anything else. */
export function normalizeOrigin(value: string, option: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`createPresenceProxy: ${option} must hold origins such as "https://acme.symphony.com"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin.toLowerCase() !== value.replace(/\/$/, '').toLowerCase()) {
    throw new TypeError(`createPresenceProxy: ${option} must hold origins (scheme, host and port only), got "${value}"`);
  }
  return url.origin.toLowerCase();
}
