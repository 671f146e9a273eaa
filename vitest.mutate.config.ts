import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Only for `npm run mutate` (StrykerJS): the jsdom unit tests of the layers that are mutated and
// of the code built on them, without the React render tests (slow, and they test markup, not the
// rules mutated here). A mutant only these would kill counts as surviving: the score errs low.
export default defineConfig({
  plugins: [react()],
  test: {
    name: 'unit',
    environment: 'jsdom',
    include: [
      'test/model/**/*.test.ts',
      'test/client/**/*.test.ts',
      'test/server/**/*.test.ts',
      'test/sync/**/*.test.ts',
      'test/graph/**/*.test.ts',
      'test/mock-pod/**/*.test.ts',
      'test/reliability/**/*.test.ts',
    ],
    setupFiles: ['test/setup.ts'],
  },
});
