import { http, HttpResponse, type HttpHandler } from 'msw';
import type { MockPod } from './types';

/** Options of {@link createMockPodHandlers}. */
export interface MockPodHandlersOptions {
  /**
   * Where the app sends pod requests: an absolute pod URL such as `https://acme.symphony.com/pod`,
   * or a path such as `/api/symphony/pod` (relative paths match the page's own origin).
   */
  baseUrl: string;
}

const PRESENCE_PATHS = [
  '/v2/user/presence',
  '/v1/user/presence/register',
  '/v3/user/:uid/presence',
  '/v2/users/presence',
  // The certificate user JWTs are verified against.
  '/v1/podcert',
] as const;

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * msw v2 request handlers that answer the presence endpoints under `baseUrl` from `pod`.
 * Every method is routed to the pod, so wrong methods get the pod's 405. Bodies are passed
 * through as text, so int64 ids keep every digit both ways.
 *
 * @example
 * const server = setupServer(...createMockPodHandlers(pod, { baseUrl: 'https://acme.symphony.com/pod' }));
 */
export function createMockPodHandlers(pod: MockPod, options: MockPodHandlersOptions): HttpHandler[] {
  const base = options.baseUrl.replace(/\/+$/, '');
  const basePath = ABSOLUTE_URL.test(base) ? new URL(base).pathname.replace(/\/+$/, '') : base;

  return PRESENCE_PATHS.map((path) =>
    http.all(`${base}${path}`, async ({ request }) => {
      const url = new URL(request.url);
      const podPath = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
      const method = request.method.toUpperCase();
      const bodyText = method === 'GET' || method === 'HEAD' ? '' : await request.text();
      const answer = await pod.handle({ method, path: `${podPath}${url.search}`, headers: request.headers, bodyText });
      // Status codes such as 204 must not carry a body.
      return new HttpResponse(answer.bodyText === '' ? null : answer.bodyText, {
        status: answer.status,
        headers: answer.headers,
      });
    }),
  );
}
