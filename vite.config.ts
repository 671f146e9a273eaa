import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import dts from 'vite-plugin-dts';

const external = [
  'react',
  'react-dom',
  'react/jsx-runtime',
  '@tanstack/react-query',
  'msw',
  /^msw\//,
  /^node:/,
];

// Library build: one ESM file per public entry, declarations beside them.
export default defineConfig({
  plugins: [react(), dts({ tsconfigPath: './tsconfig.build.json', entryRoot: 'src' })],
  publicDir: false,
  build: {
    copyPublicDir: false,
    sourcemap: true,
    minify: false,
    lib: {
      entry: {
        index: resolve(import.meta.dirname, 'src/index.ts'),
        'mock-pod': resolve(import.meta.dirname, 'src/mock-pod/index.ts'),
      },
      formats: ['es'],
      cssFileName: 'presence-widgets',
    },
    rolldownOptions: {
      external,
    },
  },
});
