import { createGraphClient, createGraphPresenceClient } from '../../src/client';
import {
  DEFAULT_GRAPH_APP_ID,
  DEFAULT_GRAPH_TOKEN,
  DEFAULT_GRAPH_USERS,
  createMockGraph,
  type MockGraph,
} from '../../src/mock-pod';
import { createMockGraphHandlers } from '../../src/mock-pod/msw';

/** Where stories reach Graph: the app's own backend path, which adds the token (here MSW does). */
export const STORY_GRAPH_BASE = '/api/graph';

/** The signed-in Teams user of the stories (Adele Vance). */
export const STORY_GRAPH_ME = DEFAULT_GRAPH_USERS[0]!.id!;

/** The Graph client of the stories. It sends no token: the backend (or MSW stand-in) adds it. */
export const storyGraphClient = createGraphClient({ graphUrl: STORY_GRAPH_BASE, sessionId: DEFAULT_GRAPH_APP_ID });

/** The Graph source for the widgets and the engine. */
export const storyGraphAdapter = createGraphPresenceClient(storyGraphClient, { meId: STORY_GRAPH_ME });

let browserGraph: MockGraph | undefined;

/** The in-browser Graph emulator: eight people, one per interesting state. */
export function getBrowserGraph(): MockGraph {
  browserGraph ??= createMockGraph({ seed: 42 });
  return browserGraph;
}

/** MSW handlers that act like the backend: add the bearer token, then ask the emulator. */
export function storyGraphHandlers(graph: MockGraph = getBrowserGraph()) {
  const withToken: MockGraph = Object.assign(Object.create(graph) as MockGraph, {
    handle: (request: Parameters<MockGraph['handle']>[0]) => {
      const headers = new Headers(request.headers as HeadersInit | undefined);
      if (!headers.has('Authorization')) headers.set('Authorization', `Bearer ${DEFAULT_GRAPH_TOKEN}`);
      return graph.handle({ ...request, headers });
    },
  });
  return createMockGraphHandlers(withToken, { baseUrl: STORY_GRAPH_BASE });
}
