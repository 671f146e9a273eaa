/**
 * Node-only entry of the mock pod (`presence-widgets/mock-pod/node`): an HTTP server and
 * connect/Vite middleware and a Vite plugin. Kept apart so browser bundles never import `node:http`.
 */
export {
  createMockPodMiddleware,
  startMockPodServer,
  type MockPodMiddleware,
  type MockPodMiddlewareOptions,
  type MockPodServer,
  type MockPodServerOptions,
} from './nodeServer';
export {
  mockPodPlugin,
  type MockPodPluginOptions,
  type MockPodPluginServer,
  type MockPodVitePlugin,
} from './mockPodPlugin';
