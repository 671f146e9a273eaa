import { http, HttpResponse, type HttpHandler } from 'msw';
import type { MockGraph } from './types';

/** Options of {@link createMockGraphHandlers}. */
export interface MockGraphHandlersOptions {
  /**
   * Where the app sends Graph requests: `https://graph.microsoft.com/v1.0`, or a proxy path such as
   * `/api/graph` (relative paths match the page's own origin).
   * @default 'https://graph.microsoft.com/v1.0'
   */
  baseUrl?: string | undefined;
}

const PATHS = [
  '/me/presence',
  '/users/:id/presence',
  '/users/:id/presence/:action',
  '/communications/getPresencesByUserId',
] as const;

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * msw v2 request handlers that answer Graph's presence endpoints under `baseUrl` from `graph`.
 * Every method is routed to the emulator, so wrong methods get its 405.
 *
 * @example
 * const server = setupServer(...createMockGraphHandlers(graph));
 */
export function createMockGraphHandlers(graph: MockGraph, options: MockGraphHandlersOptions = {}): HttpHandler[] {
  const base = (options.baseUrl ?? 'https://graph.microsoft.com/v1.0').replace(/\/+$/, '');
  const basePath = ABSOLUTE_URL.test(base) ? new URL(base).pathname.replace(/\/+$/, '') : base;
  return PATHS.map((path) =>
    http.all(`${base}${path}`, async ({ request }) => {
      const url = new URL(request.url);
      const graphPath = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
      const method = request.method.toUpperCase();
      const bodyText = method === 'GET' || method === 'HEAD' ? '' : await request.text();
      const answer = await graph.handle({ method, path: `${graphPath}${url.search}`, headers: request.headers, bodyText });
      return new HttpResponse(answer.bodyText === '' ? null : answer.bodyText, { status: answer.status, headers: answer.headers });
    }),
  );
}
