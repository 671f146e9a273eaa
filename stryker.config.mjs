// @ts-check
/**
 * Mutation testing (`npm run mutate`), not part of `npm test`: see MUTATION.md.
 *
 * One layer at a time, chosen by MUTATE_LAYER (model, client, guard, graph, sync), each with its own
 * incremental file so that runs of different layers do not discard each other's results:
 *   MUTATE_LAYER=model npm run mutate
 * `npm run mutate -- --mutate 'src/model/json.ts'` overrides the files (incremental file "custom", or
 * MUTATE_NAME); MUTATE_LAYER still picks the tests that run (vitest.mutate.config.ts).
 * Concurrency 1: the machine's two cores are shared.
 */
// Graph's part of the model (and the durations and merging only Graph uses yet) is its own layer:
// test/graph tests it.
const MODEL_GRAPH = ['src/model/graph*.ts', 'src/model/parseGraphPresence.ts', 'src/model/isoDuration.ts', 'src/model/mergePresences.ts'];
const LAYERS = {
  model: ['src/model/**/*.ts', '!src/model/index.ts', ...MODEL_GRAPH.map((g) => `!${g}`)],
  client: ['src/client/*.ts', '!src/client/index.ts', '!src/client/types.ts'],
  // The stores, and the proxy's guard that asks them (createPresenceGuard, sessionTenants).
  guard: [
    'src/server/createMemoryGuardStore.ts',
    'src/server/createRedisGuardStore.ts',
    'src/server/createPresenceGuard.ts',
    'src/server/sessionTenants.ts',
  ],
  graph: [...MODEL_GRAPH, 'src/client/graph/*.ts', '!src/client/graph/index.ts', '!src/client/graph/types.ts'],
  sync: ['src/sync/**/*.ts', '!src/sync/index.ts'],
};
const custom = process.argv.includes('--mutate') || process.argv.includes('-m');
// A run of some files of a layer (`--mutate`) may name its own report and cache (MUTATE_NAME), so
// that runs of different parts of a slow layer keep each other's results:
//   MUTATE_LAYER=sync MUTATE_NAME=sync-budget npm run mutate -- --mutate src/sync/budget.ts
const layer = custom ? (process.env.MUTATE_NAME ?? 'custom') : (process.env.MUTATE_LAYER ?? 'model');
const mutate = LAYERS[/** @type {keyof typeof LAYERS} */ (layer)];
if (!custom && !mutate) throw new Error(`MUTATE_LAYER must be one of ${Object.keys(LAYERS).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  mutate: mutate ?? [],
  // Module-level constants (SAFE_DIGITS, the Retry-After patterns, tables) are rules too. Each
  // such mutant runs every test of the layer (about 1 min on a busy 2-core machine), so a quick
  // run may pass `--ignoreStatic` (MUTATION.md says which figures were measured how).
  ignoreStatic: false,
  concurrency: 1,
  timeoutMS: 10_000,
  dryRunTimeoutMinutes: 15,
  incremental: true,
  incrementalFile: `reports/mutation/${layer}.incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${layer}.html` },
  jsonReporter: { fileName: `reports/mutation/${layer}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true },
  tempDirName: '.stryker-tmp',
  // Runs side by side (each with its own --tempDirName) must not copy each other's sandboxes.
  ignorePatterns: ['.stryker-tmp*', 'reports', 'dist', 'storybook-static', 'test-results'],
  cleanTempDir: 'always',
};
