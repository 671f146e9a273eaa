import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Where the end-to-end apps are installed: outside the repository, or Node and TypeScript would
 * find the repository's own node_modules (msw among them) from inside the apps. One folder per
 * checkout, kept between local runs so that only the tarball is reinstalled.
 */
export const APPS_DIR = join(tmpdir(), `presence-widgets-e2e-${createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}`);

const run = promisify(execFile);

export interface AppSpec {
  /** Folder name under {@link APPS_DIR}. */
  name: string;
  /** Exact versions, as a user's package.json would pin them. */
  dependencies: Record<string, string>;
  /** A fixture folder copied into the app first (its files win over older copies). */
  fixture?: string;
  /** Leave the package's peer dependencies out (a page without React installs none). */
  withoutPeers?: boolean;
}

/**
 * Installs a fresh app with `tarball` as its `presence-widgets` and returns its folder. The
 * previous copy of the package and the app's lockfile are dropped first, so npm resolves the
 * tarball again; the other dependencies come from npm's cache when they are there.
 */
export async function installApp(spec: AppSpec, tarball: string): Promise<string> {
  const dir = join(APPS_DIR, spec.name);
  mkdirSync(dir, { recursive: true });
  if (spec.fixture) cpSync(spec.fixture, dir, { recursive: true });
  rmSync(join(dir, 'node_modules/presence-widgets'), { recursive: true, force: true });
  rmSync(join(dir, 'package-lock.json'), { force: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify(
      { name: `pw-e2e-${spec.name}`, private: true, type: 'module', dependencies: { ...spec.dependencies, 'presence-widgets': `file:${tarball}` } },
      null,
      2,
    )}\n`,
  );
  const flags = ['--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel', 'error'];
  if (spec.withoutPeers) flags.push('--legacy-peer-deps');
  await run('npm', ['install', ...flags], {
    cwd: dir,
    env: { ...process.env, NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false' },
  });
  if (!existsSync(join(dir, 'node_modules/presence-widgets/package.json'))) throw new Error(`presence-widgets not installed in ${dir}`);
  return dir;
}
