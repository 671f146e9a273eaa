/**
 * Node-only entry of the mock pod (`presence-widgets/mock-pod/node`): an HTTP server and
 * connect/Vite middleware. Kept apart so browser bundles never import `node:http`.
 */
export {
  createMockPodMiddleware,
  startMockPodServer,
  type MockPodMiddleware,
  type MockPodMiddlewareOptions,
  type MockPodServer,
  type MockPodServerOptions,
} from './nodeServer';
