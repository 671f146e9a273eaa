import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import dts from 'vite-plugin-dts';
import { clientDirective } from './scripts/clientDirective';
import { stylesheetTypes } from './scripts/stylesheetTypes';

const external = [
  'react',
  'react-dom',
  'react/jsx-runtime',
  '@tanstack/react-query',
  'msw',
  /^msw\//,
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

// Library build: one ESM file per public entry, declarations beside them.
export default defineConfig({
  plugins: [
    react(),
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
