/**
 * Bundle figures: each case is a one-line entry module built with Vite (rolldown, production
 * mode, library mode, nothing written to disk), with react, react-dom, the JSX runtime and
 * @tanstack/react-query external as an app would share them, then minified in full (Vite's library
 * mode keeps whitespace; an app's production build does not). Sizes are of that JS, and of the
 * minified CSS the entry imports, each gzipped with zlib level 9.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build, minifySync, type Plugin, type Rolldown } from 'vite';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = `${ROOT}src`;
const ENTRY_ID = 'presence-bench-entry';
const EXTERNAL = ['react', 'react-dom', 'react/jsx-runtime', '@tanstack/react-query', /^react\//, /^react-dom\//, /^@tanstack\/react-query\//];

export interface BundleCase {
  id: string;
  label: string;
  /** What the entry imports, as shown in the report. */
  imports: string;
  code: string;
}

export interface BundleSize {
  id: string;
  label: string;
  imports: string;
  minBytes: number;
  gzipBytes: number;
  /** Minified CSS the case imports, gzipped. */
  cssGzipBytes: number;
  /** Minified CSS the case imports, bytes. */
  cssMinBytes: number;
  /** Source modules in the bundle with their size before minification, largest first. */
  modules: Array<{ module: string; renderedBytes: number }>;
}

export interface BundleResult {
  cases: BundleSize[];
  /** Our stylesheets, each built alone: all of styles.css, and what each component needs. */
  stylesheets: BundleSize[];
  /** The badge's parts built alone, to show what pulls its weight (parts that failed to build are left out). */
  badgeParts: BundleSize[];
  /** Our whole stylesheet, minified and gzipped (apps import it once, beside the JS). */
  stylesheetGzipBytes: number | undefined;
}

const fromSrc = (path: string) => JSON.stringify(`${SRC}/${path}`);
const css = (...parts: string[]) => parts.map((p) => `import ${fromSrc(`components/styles/${p}.css`)};`).join('\n');

/**
 * What `presence-widgets/styles.css` holds: every stylesheet src/index.ts imports (the build
 * gathers them into dist/presence-widgets.css).
 */
const stylesCss = () =>
  [...readFileSync(`${SRC}/index.ts`, 'utf8').matchAll(/^import '\.\/([^']+\.css)';$/gm)].map((m) => `import ${fromSrc(m[1]!)};`).join('\n');

/** The README's Quick start: provider, badge, picker and usePresence on a Symphony client. */
export const QUICK_START_IMPORTS = 'createSymphonyClient, PresenceProvider, PresenceBadge, StatusPicker, usePresence';

/** A module of the Microsoft Graph support, which Symphony-only bundles must not carry. */
export const isGraphModule = (module: string) => /graph/i.test(module);

/** The cases compared in the report. */
export const BUNDLE_CASES: readonly BundleCase[] = [
  {
    id: 'ours-badge',
    label: 'ours: PresenceBadge + the CSS it needs',
    imports: "import { PresenceBadge } from 'presence-widgets' + styles/base.css + styles/badge.css",
    code: `${css('base', 'badge')}\nexport { PresenceBadge } from ${fromSrc('index.ts')};`,
  },
  {
    id: 'ours-quick-start',
    label: 'ours: Quick start (README)',
    imports: `${QUICK_START_IMPORTS} + styles.css`,
    code: `${stylesCss()}\nexport { ${QUICK_START_IMPORTS} } from ${fromSrc('index.ts')};`,
  },
  {
    id: 'ours-hooks',
    label: 'ours: hooks',
    imports: 'PresenceDataProvider, usePresence, usePresences, useSetPresence',
    code: `export { PresenceDataProvider, usePresence, usePresences, useSetPresence } from ${fromSrc('hooks/index.ts')};`,
  },
  {
    id: 'ours-all',
    label: 'ours: badge + picker + hooks',
    imports: 'PresenceBadge, StatusPicker, PresenceProvider, usePresence, usePresences, useSetPresence',
    code: `export { PresenceBadge, StatusPicker, PresenceProvider, usePresence, usePresences, useSetPresence } from ${fromSrc('index.ts')};`,
  },
  {
    // Custom elements carry the engine themselves (no React, no react-query to share with an app).
    id: 'ours-element-badge',
    label: 'ours: <presence-badge> element + engine',
    imports: 'PresenceBadgeElement, configurePresence (presence-widgets/elements, badge only)',
    code: [
      `import { PresenceBadgeElement } from ${fromSrc('elements/PresenceBadgeElement.ts')};`,
      `export { configurePresence } from ${fromSrc('elements/configurePresence.ts')};`,
      `customElements.define('presence-badge', PresenceBadgeElement);`,
    ].join('\n'),
  },
  {
    id: 'ours-elements',
    label: 'ours: all custom elements + engine',
    imports: "import 'presence-widgets/elements' (badge, avatar, status picker)",
    code: `export * from ${fromSrc('elements/index.ts')};`,
  },
  {
    id: 'fluent-badge',
    label: 'Fluent UI: PresenceBadge + FluentProvider + webLightTheme',
    imports: "import { PresenceBadge, FluentProvider, webLightTheme } from '@fluentui/react-components'",
    code: `export { PresenceBadge, FluentProvider, webLightTheme } from '@fluentui/react-components';`,
  },
  {
    id: 'bare-badge',
    label: 'bare span + inline SVG (bench baseline)',
    imports: 'test/bench/render/BareBadge.tsx',
    code: `export { BareBadge } from ${JSON.stringify(`${ROOT}test/bench/render/BareBadge.tsx`)};`,
  },
];

/** Pieces of the badge, each built alone (gzip is not additive: read them as orders of magnitude). */
export const BADGE_PARTS: readonly BundleCase[] = [
  {
    id: 'part-presentational',
    label: 'badge without the connected (userId) path',
    imports: 'renderPresenceBadge + usePresenceBadgeState in a forwardRef',
    code: [
      `import { forwardRef } from 'react';`,
      `import { renderPresenceBadge } from ${fromSrc('components/PresenceBadge.tsx')};`,
      `import { usePresenceBadgeState } from ${fromSrc('components/usePresenceBadgeState.ts')};`,
      `export const Badge = forwardRef((props, ref) => renderPresenceBadge(usePresenceBadgeState(props), ref));`,
    ].join('\n'),
  },
  {
    id: 'part-connected',
    label: 'connected path alone (usePresenceData -> usePresence)',
    imports: 'usePresenceData',
    code: `export { usePresenceData } from ${fromSrc('components/usePresenceData.ts')};`,
  },
  {
    id: 'part-graph',
    label: 'Microsoft Graph states (labels and mapping)',
    imports: 'describeGraphPresence, resolveGraphLabels',
    code: `export { describeGraphPresence, resolveGraphLabels } from ${fromSrc('components/graphPresence.ts')};`,
  },
  {
    id: 'part-labels',
    label: 'English badge labels + formatSince',
    imports: 'enBadge, formatSince',
    code: `export { enBadge, formatSince } from ${fromSrc('components/labels.ts')};`,
  },
  {
    id: 'part-icons',
    label: 'icons',
    imports: 'PresenceIcon',
    code: `export { PresenceIcon } from ${fromSrc('components/icons.tsx')};`,
  },
  {
    id: 'part-categories',
    label: 'category table',
    imports: 'getCategoryInfo',
    code: `export { getCategoryInfo } from ${fromSrc('model/categories.ts')};`,
  },
  {
    id: 'part-ui-context',
    label: 'UI context (locale, labels, view)',
    imports: 'usePresenceUi',
    code: `export { usePresenceUi } from ${fromSrc('components/PresenceUiContext.tsx')};`,
  },
];

/** Our stylesheets: all of them, and what each component needs (base.css first, always). */
export const STYLESHEETS: readonly BundleCase[] = [
  { id: 'css-all', label: 'every component', imports: 'styles.css', code: stylesCss() },
  { id: 'css-badge', label: 'PresenceBadge', imports: 'styles/base.css + styles/badge.css', code: css('base', 'badge') },
  { id: 'css-avatar', label: 'PresenceAvatar', imports: 'styles/base.css + styles/avatar.css', code: css('base', 'avatar') },
  { id: 'css-picker', label: 'StatusPicker', imports: 'styles/base.css + styles/picker.css', code: css('base', 'picker') },
  { id: 'css-base', label: 'shared base alone', imports: 'styles/base.css', code: css('base') },
];

function entryPlugin(code: string): Plugin {
  return {
    name: 'presence-bench-entry',
    enforce: 'pre',
    resolveId: (id) => (id.endsWith(ENTRY_ID) ? `\0${ENTRY_ID}` : null),
    load: (id) => (id === `\0${ENTRY_ID}` ? code : null),
  };
}

type Output = Rolldown.OutputAsset | Rolldown.OutputChunk;

const gzip = (text: string | Uint8Array) => gzipSync(text, { level: 9 }).length;

export async function measureCase(c: BundleCase): Promise<BundleSize> {
  const result = await build({
    configFile: false,
    root: ROOT,
    mode: 'production',
    logLevel: 'silent',
    publicDir: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [react(), entryPlugin(c.code)],
    build: {
      write: false,
      minify: true,
      cssMinify: true,
      copyPublicDir: false,
      reportCompressedSize: false,
      lib: { entry: ENTRY_ID, formats: ['es'], fileName: 'entry', cssFileName: 'entry' },
      rolldownOptions: { external: EXTERNAL },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Array<{ output: Output[] }>;
  let minBytes = 0;
  let gzipBytes = 0;
  let cssGzipBytes = 0;
  let cssMinBytes = 0;
  const modules = new Map<string, number>();
  for (const { output } of outputs) {
    for (const file of output) {
      if (file.type === 'chunk') {
        const code = minifySync(file.fileName, file.code, { compress: true, mangle: true }).code;
        minBytes += Buffer.byteLength(code);
        gzipBytes += gzip(code);
        for (const [id, info] of Object.entries(file.modules)) {
          if (info.renderedLength > 0 && !id.startsWith('\0')) modules.set(id.replace(ROOT, '').replace(/^.*node_modules\//, ''), info.renderedLength);
        }
      } else if (file.fileName.endsWith('.css')) {
        // Vite leaves a marker comment in library CSS; an app's build drops it.
        const text = (typeof file.source === 'string' ? file.source : Buffer.from(file.source).toString('utf8')).replace(/\/\*\$vite\$:\d+\*\/\s*$/, '');
        cssMinBytes += Buffer.byteLength(text);
        cssGzipBytes += gzip(text);
      }
    }
  }
  return {
    id: c.id,
    label: c.label,
    imports: c.imports,
    minBytes,
    gzipBytes,
    cssGzipBytes,
    cssMinBytes,
    modules: [...modules].map(([module, renderedBytes]) => ({ module, renderedBytes })).sort((a, b) => b.renderedBytes - a.renderedBytes),
  };
}

export async function measureBundles(): Promise<BundleResult> {
  const cases: BundleSize[] = [];
  for (const c of BUNDLE_CASES) cases.push(await measureCase(c));
  // The parts follow the components' current file layout; one that no longer builds is skipped
  // rather than failing the benchmark.
  const badgeParts: BundleSize[] = [];
  for (const c of BADGE_PARTS) {
    try {
      badgeParts.push(await measureCase(c));
    } catch {
      // Reported by its absence from the table.
    }
  }
  const stylesheets: BundleSize[] = [];
  for (const c of STYLESHEETS) stylesheets.push(await measureCase(c));
  return { cases, badgeParts, stylesheets, stylesheetGzipBytes: stylesheets[0]?.cssGzipBytes };
}
