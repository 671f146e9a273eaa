import { sep } from 'node:path';
import type { Plugin } from 'vite';

/** Packages whose import makes a module need the browser's React runtime (state, context, effects). */
const CLIENT_PACKAGES = /^(react|react-dom|@tanstack\/react-query)(\/|$)/;

/**
 * Marks the dist modules of the given source folders that import React as client modules
 * (`'use client'` as their first line), so React Server Components hosts (Next.js App Router)
 * can import the widgets from a server component. Done per output module at build time rather
 * than in the sources: modules without React there (labels, sizes, the model) stay importable
 * as plain server code, and the directive cannot be forgotten in a new file.
 */
export function clientDirective(folders: readonly string[]): Plugin {
  const roots = folders.map((folder) => `${sep}src${sep}${folder}${sep}`);
  return {
    name: 'presence-widgets:client-directive',
    apply: 'build',
    banner(chunk) {
      const id = chunk.facadeModuleId ?? chunk.moduleIds[0] ?? '';
      const inFolder = roots.some((root) => id.includes(root));
      const usesReact = chunk.imports.some((spec) => CLIENT_PACKAGES.test(spec));
      return inFolder && usesReact ? "'use client';" : '';
    },
  };
}
