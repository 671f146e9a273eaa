#!/usr/bin/env node
/**
 * Checks the package exactly as it would be published, after `vite build`:
 *   1. `npm pack` into a temporary folder (the tarball is what users get, not the working tree);
 *   2. publint on that tarball, strict (warnings count as errors);
 *   3. @arethetypeswrong/cli on that tarball with the esm-only profile (the package ships ESM only).
 * Exits 1 on any problem and prints one summary line when all is well. Needs no network.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Prints a failure and ends the run; the `finally` below still removes the temporary folder. */
class CheckFailed extends Error {}

function fail(message) {
  throw new CheckFailed(message);
}

/** Every file the package.json `exports` map points at, so a missing build is named plainly. */
function exportTargets(pkg) {
  const out = [];
  const walk = (value) => {
    if (typeof value === 'string') out.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(pkg.exports);
  return out.filter((target) => target.startsWith('./dist/'));
}

/** Runs `npm pack` into `dir` and returns what npm reports about the tarball. */
function pack(dir) {
  const stdout = execFileSync(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--offline', '--pack-destination', dir],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // npm prints the JSON array last; anything a lifecycle notice adds before it is skipped.
  const info = JSON.parse(stdout.slice(stdout.indexOf('[')))[0];
  if (!info?.filename) fail('npm pack did not report a tarball');
  return { ...info, path: join(dir, info.filename) };
}

async function runPublint(tarballPath) {
  const data = readFileSync(tarballPath);
  const tarball = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  const { messages, pkg } = await publint({ pack: { tarball }, level: 'suggestion', strict: true });
  for (const message of messages) {
    const text = formatMessage(message, pkg, { color: false }) ?? message.code;
    console.log(`publint ${message.type}: ${text}`);
  }
  const errors = messages.filter((m) => m.type === 'error').length;
  return { errors, suggestions: messages.length - errors };
}

/** Export keys that are stylesheets: attw resolves modules and types, which a .css entry has neither of. */
function cssEntrypoints(pkg) {
  return Object.keys(pkg.exports ?? {}).filter((key) => key.endsWith('.css'));
}

function runAttw(tarballPath, pkg, dir) {
  const cliDir = dirname(require.resolve('@arethetypeswrong/cli/package.json'));
  const bin = join(cliDir, JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')).bin.attw);
  const css = cssEntrypoints(pkg);
  const common = [bin, tarballPath, '--profile', 'esm-only', '--no-color', '--no-emoji'];
  if (css.length > 0) common.push('--exclude-entrypoints', ...css);
  // The report goes to a file, not a pipe: attw calls process.exit right after writing, which
  // cuts piped output off at 64 KiB; writes to a file are synchronous and complete.
  const reportPath = join(dir, 'attw.json');
  const fd = openSync(reportPath, 'w');
  let json;
  try {
    json = spawnSync(process.execPath, [...common, '--format', 'json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', fd, 'pipe'] });
  } finally {
    closeSync(fd);
  }
  if (json.error) fail(`attw could not run: ${json.error.message}`);
  let report;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8'));
  } catch {
    fail(`attw gave no report (exit ${json.status}):\n${json.stderr}`);
  }
  // attw exits 0 for a package it finds no types in at all; for this library that is a failure.
  if (!report.analysis?.types) fail('attw found no type declarations in the tarball');
  if (json.status !== 0) {
    // Re-run for the human-readable table; the JSON run above already decided the outcome.
    const table = spawnSync(process.execPath, [...common, '--format', 'table-flipped', '--no-summary'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (table.error) console.error(table.error.message);
    // The esm-only profile ignores CommonJS and node10 resolution; list only what failed the run.
    const ignored = new Set(['node10', 'node16-cjs']);
    const problems = (report.problems ? Object.values(report.problems).flat() : []).filter(
      (problem) => !ignored.has(problem.resolutionKind),
    );
    for (const problem of problems.slice(0, 10)) {
      const where = [problem.entrypoint, problem.resolutionKind, problem.fileName, problem.moduleSpecifier].filter(Boolean);
      console.error(`attw ${problem.kind}: ${where.join(' ')}`);
    }
    fail(`attw found problems (exit ${json.status})`);
  }
  return Object.keys(report.analysis.entrypoints ?? {}).length;
}

/**
 * Stylesheet entries must work as they are: from a plain <link>, a bundler, or a CSP page that
 * allows only 'self'. An @import left in them would need resolving (and a second request).
 */
function checkStylesheets(pkg, packedFiles) {
  const targets = exportTargets(pkg).filter((target) => target.endsWith('.css'));
  for (const target of targets) {
    const path = target.slice(2);
    if (!packedFiles.has(path)) fail(`${path} is exported but not in the tarball`);
    const text = readFileSync(join(root, path), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    if (/@import\b/.test(text)) fail(`${path} still has an @import`);
    if (!/\.pw-[\w-]+/.test(text)) fail(`${path} holds no pw-* rule`);
  }
  return targets.length;
}

/**
 * Source maps ship without `sourcesContent` (a second copy of every source, once half of the
 * tarball); returns the share of the unpacked size that maps take.
 */
function checkSourceMaps(files) {
  const maps = files.filter((file) => file.path.endsWith('.map'));
  for (const map of maps) {
    const json = JSON.parse(readFileSync(join(root, map.path), 'utf8'));
    if (json.sourcesContent !== undefined) fail(`${map.path} embeds its sources (sourcesContent)`);
  }
  const total = files.reduce((sum, file) => sum + file.size, 0);
  return maps.reduce((sum, file) => sum + file.size, 0) / total;
}

/** The README's Quick start imports, as an app bundles them. */
const QUICK_START = "export { createSymphonyClient, PresenceProvider, PresenceBadge, StatusPicker, usePresence } from './dist/index.js';";

/**
 * Symphony-only apps must not ship Microsoft Graph code: bundles the Quick start from dist/ with
 * Vite (tree-shaking as an app's production build does) and fails on any Graph module in it.
 * Graph support reaches the widgets only through `graphPresenceUi` / `GraphPresenceProvider`.
 */
async function checkQuickStartHasNoGraph() {
  const { build } = await import('vite');
  const entry = '\0quick-start';
  const result = await build({
    configFile: false,
    root,
    logLevel: 'silent',
    mode: 'production',
    plugins: [{ name: 'quick-start', resolveId: (id) => (id.endsWith('quick-start') ? entry : null), load: (id) => (id === entry ? QUICK_START : null) }],
    build: {
      write: false,
      minify: false,
      lib: { entry: 'quick-start', formats: ['es'], fileName: 'quick-start' },
      rolldownOptions: { external: [/^react(-dom)?(\/|$)/, /^@tanstack\//] },
    },
  });
  const modules = (Array.isArray(result) ? result : [result])
    .flatMap((r) => r.output)
    .flatMap((file) => (file.type === 'chunk' ? Object.entries(file.modules) : []))
    .filter(([, info]) => info.renderedLength > 0)
    .map(([id]) => id.replace(`${root}/`, ''));
  if (modules.length === 0) fail('the Quick start bundle is empty');
  const graph = modules.filter((id) => /graph/i.test(id));
  if (graph.length > 0) fail(`the Quick start bundle carries Microsoft Graph code: ${graph.join(', ')}`);
  return modules.length;
}

async function main() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const missing = exportTargets(pkg).filter((target) => !existsSync(join(root, target)));
  if (missing.length > 0) fail(`not built: ${missing.join(', ')} missing; run \`npm run build\` first`);

  const dir = mkdtempSync(join(tmpdir(), 'check-package-'));
  try {
    const tarball = pack(dir);
    const stylesheets = checkStylesheets(pkg, new Set(tarball.files.map((file) => file.path)));
    const quickStartModules = await checkQuickStartHasNoGraph();
    const mapShare = checkSourceMaps(tarball.files);
    const publintResult = await runPublint(tarball.path);
    if (publintResult.errors > 0) fail(`publint found ${publintResult.errors} error(s)`);
    const entrypoints = runAttw(tarball.path, pkg, dir);
    const kib = (tarball.size / 1024).toFixed(1);
    const notes = publintResult.suggestions > 0 ? ` (${publintResult.suggestions} suggestion(s))` : '';
    console.log(
      `package: publint ok${notes}, attw ok (${entrypoints} entrypoints), ${stylesheets} stylesheets, Quick start free of Graph code (${quickStartModules} modules), ${kib} KiB packed (${(tarball.unpackedSize / 1024).toFixed(1)} KiB unpacked, ${Math.round(mapShare * 100)}% source maps without sources), ${tarball.entryCount} files`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  if (error instanceof CheckFailed) console.error(`package check failed: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
