import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Only for `npm run mutate` (StrykerJS): the jsdom unit tests that own the mutated layer
// (MUTATE_LAYER, as in stryker.config.mjs). Tests of the layers above (sync, hooks, components)
// are left out to keep a run within minutes on 2 cores: a mutant only they would kill counts as
// surviving, so the score errs low, never high.
const TESTS: Record<string, string[]> = {
  model: ['test/model/**/*.test.ts', 'test/client/**/*.test.ts'],
  client: ['test/client/**/*.test.ts'],
  guard: ['test/server/**/*.test.ts'],
  graph: ['test/model/**/*.test.ts', 'test/client/**/*.test.ts', 'test/graph/**/*.test.ts'],
};

export default defineConfig({
  plugins: [react()],
  test: {
    name: 'unit',
    environment: 'jsdom',
    include: TESTS[process.env.MUTATE_LAYER ?? 'model'] ?? Object.values(TESTS).flat(),
    setupFiles: ['test/setup.ts'],
    // Property tests run hundreds of cases through the instrumented code.
    testTimeout: 30_000,
  },
});
