import { DEFAULT_SESSION_TOKEN } from './constants';
import { createMockPod } from './createMockPod';
import { createMockPodMiddleware, type MockPodMiddleware } from './nodeServer';
import type { MockPod, MockPodOptions } from './types';

/** Options of {@link mockPodPlugin}. */
export interface MockPodPluginOptions {
  /**
   * Path the pod API answers under: what the app passes to `createSymphonyClient({ podUrl })`.
   * @default '/api/symphony/pod'
   */
  basePath?: string | undefined;
  /**
   * The pod to serve. Give your own to script it (`pod.setUserPresence(...)`) from the config.
   * @default createMockPod(podOptions): 366 people over three companies, the README's ids among them
   */
  pod?: MockPod | undefined;
  /** Options of the pod created when `pod` is not given. @default {} */
  podOptions?: MockPodOptions | undefined;
  /**
   * Session added to requests without a `sessionToken` header, as an extension app's backend adds
   * the user's token: the browser code stays the same as in production and holds no token.
   * `false` serves the pod as is (requests without a token get 401).
   * @default DEFAULT_SESSION_TOKEN (the session of the pod's default user)
   */
  sessionToken?: string | false | undefined;
}

/** The part of a Vite (or any connect-based) server the plugin uses. */
export interface MockPodPluginServer {
  middlewares: { use(middleware: MockPodMiddleware): unknown };
}

/**
 * A Vite plugin, typed structurally so that this package does not depend on Vite's types.
 * `pod` is the emulator it serves, for tests and scripts in the same process.
 */
export interface MockPodVitePlugin {
  readonly name: string;
  readonly pod: MockPod;
  configureServer(server: MockPodPluginServer): void;
  configurePreviewServer(server: MockPodPluginServer): void;
}

/**
 * Serves the pod emulator from the Vite dev server (and `vite preview`) at `basePath`, with a
 * session, so that a new app can try the widgets without a pod or a backend:
 *
 * ```ts
 * // vite.config.ts
 * export default defineConfig({ plugins: [react(), mockPodPlugin()] });
 * // app: createSymphonyClient({ podUrl: '/api/symphony/pod' })
 * ```
 */
export function mockPodPlugin(options: MockPodPluginOptions = {}): MockPodVitePlugin {
  const pod = options.pod ?? createMockPod(options.podOptions);
  const middleware = createMockPodMiddleware(pod, {
    basePath: options.basePath ?? '/api/symphony/pod',
    sessionToken: options.sessionToken === false ? undefined : (options.sessionToken ?? DEFAULT_SESSION_TOKEN),
  });
  const mount = (server: MockPodPluginServer) => {
    server.middlewares.use(middleware);
  };
  return { name: 'presence-widgets:mock-pod', pod, configureServer: mount, configurePreviewServer: mount };
}
