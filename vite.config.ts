import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import dts from 'vite-plugin-dts';
import type { Plugin } from 'vite';
import { clientDirective } from './scripts/clientDirective';
import { stylesheetTypes } from './scripts/stylesheetTypes';

const external = [
  'react',
  'react-dom',
  'react/jsx-runtime',
  '@tanstack/react-query',
  '@tanstack/react-virtual',
  'msw',
  /^msw\//,
  // A runtime dependency of the server entry only; apps install it with the library.
  'jose',
  /^jose\//,
  /^node:/,
];

/**
 * Declarations keep the source's extensionless relative imports, which TypeScript users on
 * node16/nodenext resolution cannot follow; point each one at the emitted `.js` or `/index.js`.
 */
function withJsExtensions(filePath: string, content: string): { filePath: string; content: string } {
  const sourceDir = dirname(filePath).replace(resolve(import.meta.dirname, 'dist'), resolve(import.meta.dirname, 'src'));
  const fixed = content.replace(/(from\s+|import\s*\(\s*)(['"])(\.{1,2}\/[^'"]*?)\2/g, (match, lead: string, quote: string, spec: string) => {
    if (/\.(js|css|json)$/.test(spec)) return match;
    const target = resolve(sourceDir, spec);
    const isDir = existsSync(resolve(target, 'index.ts')) || existsSync(resolve(target, 'index.tsx'));
    return `${lead}${quote}${spec}${isDir ? '/index.js' : '.js'}${quote}`;
  });
  return { filePath, content: fixed };
}

/** The per-component stylesheets, published as `presence-widgets/styles/<name>.css`. */
const COMPONENT_STYLESHEETS = ['base', 'badge', 'avatar', 'picker', 'roster', 'message'] as const;

/**
 * Copies the per-component stylesheets to dist/styles/ as they are. dist/presence-widgets.css
 * (`styles.css`) is Vite's own output: src/index imports src/components/presence-widgets.css,
 * whose @imports of these same files Vite inlines, so the two can never disagree.
 */
function componentStylesheets(): Plugin {
  return {
    name: 'presence-widgets:component-stylesheets',
    apply: 'build',
    generateBundle() {
      for (const name of COMPONENT_STYLESHEETS) {
        const file = resolve(import.meta.dirname, `src/components/styles/${name}.css`);
        this.addWatchFile(file);
        this.emitFile({ type: 'asset', fileName: `styles/${name}.css`, source: readFileSync(file, 'utf8') });
      }
    },
  };
}

/**
 * Source maps without `sourcesContent`: the maps still turn a stack trace into src/ files and
 * lines, but no longer carry a second copy of every source (they were half of the tarball).
 */
function mapsWithoutSources(): Plugin {
  let outDir = '';
  return {
    name: 'presence-widgets:maps-without-sources',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    writeBundle(_options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!fileName.endsWith('.map')) continue;
        const path = resolve(outDir, fileName);
        const map = JSON.parse(readFileSync(path, 'utf8')) as { sourcesContent?: unknown };
        delete map.sourcesContent;
        writeFileSync(path, JSON.stringify(map));
      }
    },
  };
}

// Library build: one ESM file per public entry, declarations beside them.
export default defineConfig({
  plugins: [
    react(),
    componentStylesheets(),
    mapsWithoutSources(),
    dts({ tsconfigPath: './tsconfig.build.json', entryRoot: 'src', beforeWriteFile: withJsExtensions }),
    clientDirective(['components', 'hooks']),
    stylesheetTypes(),
  ],
  publicDir: false,
  build: {
    copyPublicDir: false,
    sourcemap: true,
    minify: false,
    lib: {
      entry: {
        index: resolve(import.meta.dirname, 'src/index.ts'),
        'mock-pod/index': resolve(import.meta.dirname, 'src/mock-pod/index.ts'),
        'mock-pod/node': resolve(import.meta.dirname, 'src/mock-pod/node.ts'),
        'mock-pod/msw': resolve(import.meta.dirname, 'src/mock-pod/msw.ts'),
        'elements/index': resolve(import.meta.dirname, 'src/elements/index.ts'),
        'server/index': resolve(import.meta.dirname, 'src/server/index.ts'),
      },
      formats: ['es'],
      cssFileName: 'presence-widgets',
    },
    rolldownOptions: {
      external,
      // One file per module: apps' bundlers then drop whole modules they do not use (Graph's
      // tables, the emulator) instead of having to prove a single big file free of side effects.
      output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
    },
  },
});
