import { resolve } from 'node:path';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions } from './test/support/chromium';

// React 18 for the `react18` project, installed in its own folder (test/react18) so that
// react-dom 18 finds react 18 beside it; the repository's own React is 19.
const REACT18 = resolve(import.meta.dirname, 'test/react18/node_modules');

// A fresh object per project: vitest mutates the browser options it is given.
const browser = () => ({
  enabled: true,
  headless: true,
  provider: playwright({
    launchOptions: chromiumLaunchOptions(),
  }),
  instances: [{ browser: 'chromium' as const }],
});

export default defineConfig({
  test: {
    // The JSON report feeds the one-line "N passed, N failed" summary that .ci/run prints.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      {
        plugins: [react()],
        test: {
          name: 'unit',
          environment: 'jsdom',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/browser/**', 'test/bench/**', 'test/e2e/**', 'test/package/**'],
          setupFiles: ['test/setup.ts'],
          typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      {
        // Real servers and real Chromium pages driven from Node (multi-tab, backend proxy).
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The component and hook tests again on React 18 (the peer range is >=18).
        plugins: [react()],
        resolve: {
          alias: [
            { find: /^react(\/.*)?$/, replacement: `${REACT18}/react$1` },
            { find: /^react-dom(\/.*)?$/, replacement: `${REACT18}/react-dom$1` },
            // Its ESM build (Node would load the CommonJS `main`, whose requires skip the aliases).
            {
              find: /^@testing-library\/react$/,
              replacement: resolve(import.meta.dirname, 'node_modules/@testing-library/react/dist/@testing-library/react.esm.js'),
            },
          ],
        },
        test: {
          name: 'react18',
          environment: 'jsdom',
          env: { PW_REACT_MAJOR: '18' },
          include: ['test/components/**/*.test.{ts,tsx}', 'test/hooks/**/*.test.{ts,tsx}', 'test/elements/**/*.test.{ts,tsx}'],
          setupFiles: ['test/setup.ts'],
          // Inlined so that the aliases reach their own `react` imports too: one React per test.
          server: { deps: { inline: ['@testing-library/react', '@tanstack/react-query'] } },
        },
      },
      {
        // The packed tarball in fresh apps (Vite, Node, TypeScript, Next.js, a static page):
        // built and packed once by the global setup, run after the other projects so that the
        // installs and the Next.js build do not compete with the browser tests for 2 cores.
        test: {
          name: 'package',
          environment: 'node',
          include: ['test/package/**/*.test.ts'],
          globalSetup: ['test/package/packTarball.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        plugins: [react()],
        publicDir: resolve(import.meta.dirname, 'public'),
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.{ts,tsx}'],
          setupFiles: ['test/setup.ts'],
          browser: browser(),
        },
      },
      {
        plugins: [storybookTest({ configDir: resolve(import.meta.dirname, '.storybook') })],
        test: {
          name: 'storybook',
          browser: browser(),
          // The team dashboard renders 200 live rows and axe checks every one of them.
          testTimeout: 30_000,
        },
      },
    ],
  },
});
