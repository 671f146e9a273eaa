/**
 * Global setup of the `package` test project: builds the library and packs it once, the way it
 * would be published, and hands the tarball's path to the tests (`inject('tarball')`). Every test
 * of this project installs that tarball into a fresh app: what users get, not the working tree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { APPS_DIR } from './installApp';

const ROOT = resolve(import.meta.dirname, '../..');

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute path of the packed presence-widgets tarball. */
    tarball: string;
  }
}

export default function setup(project: TestProject): void {
  // Vitest sets NODE_ENV=test; inherited, it would make a development build (React's JSX dev
  // runtime bundled in). Build as `npm run build` does.
  const { NODE_ENV: _nodeEnv, VITEST: _vitest, ...env } = process.env;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (existsSync(join(ROOT, 'dist/node_modules'))) throw new Error('the build bundled a dependency (dist/node_modules)');
  const dir = join(APPS_DIR, 'tarball');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--offline', '--pack-destination', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string }>;
  project.provide('tarball', join(dir, info!.filename));
}
