import { resolve } from 'node:path';
import type { Plugin } from 'vite';

/** Must match `STORY_POD_BASE` in stories/support/storyPod.ts (this file cannot import src: see below). */
const POD_BASE = '/api/symphony/pod';

/**
 * `npm start`: serves the pod API under /api/symphony/pod from the dev server, the way an
 * extension app's backend would. With POD_URL and SESSION_TOKEN set it forwards to that pod and
 * adds the token on the server, so the token never reaches the browser; otherwise it answers
 * from the emulator, adding the emulator's own session token the same way.
 * The static build has no server: there the preview answers from the emulator through MSW.
 */
export function mockPodPlugin(): Plugin {
  const podUrl = process.env.POD_URL;
  const token = process.env.SESSION_TOKEN;
  const useRealPod = Boolean(podUrl && token);
  return {
    name: 'presence-widgets:pod',
    config(_config, env) {
      const httpPod = env.command === 'serve' && !process.env.VITEST;
      return {
        define: { __PW_POD_OVER_HTTP__: JSON.stringify(httpPod) },
        server:
          httpPod && useRealPod
            ? {
                proxy: {
                  [POD_BASE]: {
                    target: podUrl,
                    changeOrigin: true,
                    rewrite: (path: string) => path.slice(POD_BASE.length),
                    headers: { sessionToken: token! },
                  },
                },
              }
            : undefined,
      };
    },
    async configureServer(server) {
      if (useRealPod || process.env.VITEST) return;
      // Storybook evaluates main.ts with Node's loader, which cannot follow the sources'
      // extensionless imports; Vite's SSR loader can.
      const root = resolve(import.meta.dirname, '..');
      const pods = (await server.ssrLoadModule(resolve(root, 'src/mock-pod/index.ts'))) as typeof import('../src/mock-pod');
      const nodeAdapters = (await server.ssrLoadModule(
        resolve(root, 'src/mock-pod/node.ts'),
      )) as typeof import('../src/mock-pod/node');
      const { STORY_POD_OPTIONS } = (await server.ssrLoadModule(
        resolve(root, 'stories/support/storyPod.ts'),
      )) as typeof import('../stories/support/storyPod');
      const pod = pods.createMockPod(STORY_POD_OPTIONS);
      const middleware = nodeAdapters.createMockPodMiddleware(pod, { basePath: POD_BASE });
      server.middlewares.use((req, res, next) => {
        if (req.url?.startsWith(POD_BASE) && !req.headers.sessiontoken) {
          req.headers.sessiontoken = pods.DEFAULT_SESSION_TOKEN;
        }
        middleware(req, res, next);
      });
    },
  };
}
