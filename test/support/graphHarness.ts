import { vi } from 'vitest';
import { createGraphClient, createGraphPresenceClient, type GraphClient, type GraphClientOptions } from '../../src/client';
import { DEFAULT_GRAPH_APP_ID, DEFAULT_GRAPH_TOKEN, createMockGraph, type MockGraph, type MockGraphOptions } from '../../src/mock-pod';

export const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60_000;
export const GRAPH_URL = 'https://graph.test/v1.0';

export const ADELE = 'fa8bf3dc-eca7-46b7-bad1-db199b62afc3';
export const U = (n: number) => `1a2b3c4d-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A `fetch` that hands requests to the Graph emulator, as its msw handlers do. */
export function graphFetch(graph: MockGraph, onRequest?: (request: Request) => void): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    onRequest?.(request.clone());
    const url = new URL(request.url);
    const answer = await graph.handle({
      method: request.method,
      path: url.pathname.replace(/^\/v1\.0/, '') + url.search,
      headers: request.headers,
      bodyText: request.method === 'GET' ? undefined : await request.text(),
    });
    return new Response(answer.bodyText === '' ? null : answer.bodyText, { status: answer.status, headers: answer.headers });
  };
}

export function fakeTime() {
  vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
}

export function setupGraph(options: MockGraphOptions = {}) {
  fakeTime();
  return createMockGraph({ seed: 7, ...options });
}

export function graphClient(graph: MockGraph, extra: Partial<GraphClientOptions> = {}): GraphClient {
  return createGraphClient({
    graphUrl: GRAPH_URL,
    sessionId: DEFAULT_GRAPH_APP_ID,
    getAccessToken: () => DEFAULT_GRAPH_TOKEN,
    fetch: graphFetch(graph),
    ...extra,
  });
}

export function graphAdapter(graph: MockGraph, extra: Partial<GraphClientOptions> = {}) {
  return createGraphPresenceClient(graphClient(graph, extra));
}

/** Lets pending promise chains run without moving the clock. */
export async function flush(times = 20) {
  for (let i = 0; i < times; i++) await Promise.resolve();
}
