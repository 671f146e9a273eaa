import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Only for `npm run mutate` (StrykerJS): the unit tests that own the mutated layer
// (MUTATE_LAYER, as in stryker.config.mjs). Tests of the layers above (sync, hooks, components)
// are left out to keep a run within minutes on 2 cores: a mutant only they would kill counts as
// surviving, so the score errs low, never high.
const TESTS: Record<string, string[]> = {
  model: ['test/model/**/*.test.ts'],
  client: ['test/client/**/*.test.ts'],
  guard: ['test/server/**/*.test.ts'],
  graph: ['test/model/**/*.test.ts', 'test/client/**/*.test.ts', 'test/sync/GraphPresenceSession.test.ts', 'test/mock-pod/graph/**/*.test.ts'],
  // The engine's own tests (with the Graph session's), and the Graph engine tests that drive it.
  sync: ['test/sync/**/*.test.ts', 'test/client/graph/createGraphPresenceClient.test.ts'],
};

// The model, client and server guard are plain TypeScript: their tests run in Node, without jsdom
// and the Testing Library setup, which makes each mutant's run several times faster. The client's
// msw test is left out there: msw resolves relative URLs against a page.
// The engine's tests run in Node too; the few that need a page (sessionStorage) say so per file.
const NODE_LAYERS = new Set(['model', 'client', 'guard', 'sync']);
const NEEDS_A_PAGE = ['test/client/msw.test.ts'];
const layer = process.env.MUTATE_LAYER ?? 'model';

export default defineConfig({
  plugins: [react()],
  test: {
    name: 'unit',
    environment: NODE_LAYERS.has(layer) ? 'node' : 'jsdom',
    include: TESTS[layer] ?? Object.values(TESTS).flat(),
    exclude: NODE_LAYERS.has(layer) ? NEEDS_A_PAGE : [],
    setupFiles: NODE_LAYERS.has(layer) ? [] : ['test/setup.ts'],
    // Property tests run hundreds of cases through the instrumented code.
    testTimeout: 30_000,
  },
});
