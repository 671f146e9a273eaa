// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/*
 * Flat config. TypeScript rules are the syntax-only set (no type information): type errors are
 * tsc's job and type-aware linting would double the time of `npm test` on a 2-core machine.
 *
 * The folder rules below enforce the one-way architecture
 *   model -> client -> sync -> hooks -> components (and elements),   server, extension, mock-pod -> model
 * so a lower layer can never pull in React, the network stack or a layer above it.
 */

/**
 * Matches a relative import of one of `folders`: '../hooks', '../hooks/x', '../../src/hooks', ...
 * ('./x' always stays inside the importer's own folder, so it is never a layer crossing.)
 */
const layer = (/** @type {string[]} */ folders) => `^(\\.\\./)+(src/)?(${folders.join('|')})(/.*)?$`;

/** One `no-restricted-imports` rule entry built from package regexes and forbidden layers. */
function restrict(/** @type {{ packages?: string[]; layers?: string[]; why: string }} */ { packages = [], layers = [], why }) {
  /** @type {{ regex: string; message: string }[]} */
  const patterns = [];
  for (const pkg of packages) patterns.push({ regex: pkg, message: why });
  if (layers.length > 0) patterns.push({ regex: layer(layers), message: why });
  return ['error', { patterns }];
}

const REACT = '^react(-dom)?(/.*)?$';
const TANSTACK = '^@tanstack/';
const MSW = '^msw(/.*)?$';
// jose verifies user JWTs on the app's backend (src/server); browser code never pulls it in.
const JOSE = '^jose(/.*)?$';
/** Every folder of src/. */
const LAYERS = ['model', 'client', 'sync', 'hooks', 'components', 'elements', 'server', 'extension', 'mock-pod'];
/** The folders a folder may not import: all but `allowed`. */
const others = (/** @type {string[]} */ ...allowed) => LAYERS.filter((l) => !allowed.includes(l));
const NODE = `^(node:.*|(${builtinModules.filter((m) => !m.startsWith('_')).join('|')})(/.*)?)$`;

/** Globals of plain Node scripts (.js/.mjs are not type-checked, so `no-undef` stays on for them). */
const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'fetch',
    'AbortController',
    'AbortSignal',
    'TextEncoder',
    'TextDecoder',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'structuredClone',
    'globalThis',
  ].map((name) => [name, /** @type {const} */ ('readonly')]),
);

export default defineConfig(
  {
    ignores: ['dist/', 'storybook-static/', 'coverage/', '**/node_modules/', 'public/mockServiceWorker.js', '.vitest-attachments/', 'test-results/', 'reports/', '.stryker-tmp/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    rules: {
      // A wrong dependency list re-subscribes or refetches in a loop, which is exactly the rate-limit
      // trouble this library exists to avoid; silence a real exception with a commented disable.
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: nodeGlobals },
  },

  // Tests capture hook results from inside throw-away components on purpose.
  {
    files: ['test/**'],
    rules: { 'react-hooks/globals': 'off' },
  },

  // --- console: the library must not write to the host app's console unasked.
  // (Two disjoint blocks: a later block giving only a severity would keep the earlier `allow`.)
  {
    files: ['src/**'],
    ignores: ['src/model/**', 'src/client/**'],
    rules: { 'no-console': ['error', { allow: ['warn', 'error'] }] },
  },
  {
    files: ['src/model/**', 'src/client/**'],
    rules: { 'no-console': 'error' },
  },

  // --- jose verifies user JWTs on the app's backend; no browser code may pull it in.
  {
    files: ['src/**'],
    ignores: ['src/server/**'],
    rules: {
      'no-restricted-imports': restrict({ packages: [JOSE], why: 'jose belongs to the server entry (src/server) only.' }),
    },
  },

  // --- one-way architecture (README "Architecture"): each folder lists what it may not import.
  {
    files: ['src/model/**'],
    rules: {
      'no-restricted-imports': restrict({
        packages: [REACT, TANSTACK, MSW, NODE, JOSE],
        layers: [...LAYERS],
        why: 'src/model is pure and imports nothing else of ours: no React, TanStack, msw, Node built-ins or other folders.',
      }),
    },
  },
  {
    files: ['src/client/**'],
    rules: {
      'no-restricted-imports': restrict({
        packages: [REACT, TANSTACK, MSW, JOSE],
        layers: others('model', 'client'),
        why: 'src/client may import src/model only: no React, TanStack, msw or other folders.',
      }),
    },
  },
  {
    files: ['src/sync/**'],
    rules: {
      'no-restricted-imports': restrict({
        packages: [REACT, JOSE],
        layers: others('model', 'client', 'sync'),
        why: 'src/sync sits below React: it may import src/model and src/client only.',
      }),
    },
  },
  {
    files: ['src/hooks/**'],
    rules: {
      'no-restricted-imports': restrict({
        packages: [JOSE],
        layers: others('model', 'client', 'sync', 'hooks'),
        why: 'src/hooks may import src/model, src/client and src/sync only.',
      }),
    },
  },
  {
    files: ['src/components/**'],
    rules: {
      'no-restricted-imports': restrict({
        packages: [JOSE, NODE],
        layers: ['client', 'server', 'mock-pod', 'extension', 'elements'],
        why: 'src/components reach the data through src/hooks (never src/client), and never import the wings (server, mock-pod, extension) or src/elements.',
      }),
    },
  },
  // The wings: each imports the model and its own files, nothing else of ours.
  ...['server', 'extension', 'mock-pod'].map((wing) => ({
    files: [`src/${wing}/**`],
    rules: {
      'no-restricted-imports': restrict({
        packages: wing === 'server' ? [REACT, TANSTACK] : [REACT, TANSTACK, JOSE],
        layers: others('model', wing),
        why: `src/${wing} is a wing on the model: it may import src/model only (and its own files).`,
      }),
    },
  })),
  {
    files: ['src/elements/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...restrict({ packages: [REACT, TANSTACK, MSW, NODE], layers: ['hooks', 'mock-pod', 'server', 'extension'], why: 'src/elements has no React: it sits on src/sync like the hooks, beside them.' })[1].patterns,
            {
              // Only the React-free tables of src/components: the same glyphs, labels and look.
              regex: '^(\\.\\./)+(src/)?components(/(?!(labels|glyphMarks|describeBadge|sizes|initialsOf|listPlacement)$).*)?$',
              message: 'src/elements may import only the React-free modules of src/components (labels, glyphMarks, describeBadge, sizes, initialsOf, listPlacement).',
            },
          ],
        },
      ],
    },
  },

);
