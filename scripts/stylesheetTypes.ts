import type { Plugin } from 'vite';

/**
 * Writes a declaration beside every stylesheet of the build (`presence-widgets.css.d.ts`), which
 * the `types` condition of each `.css` export points at: TypeScript checks side-effect imports
 * (`noUncheckedSideEffectImports`), and `import 'presence-widgets/styles.css'` must type-check in
 * an app without a `declare module '*.css'` of its own.
 */
export function stylesheetTypes(): Plugin {
  return {
    name: 'presence-widgets:stylesheet-types',
    enforce: 'post',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!fileName.endsWith('.css')) continue;
        this.emitFile({
          type: 'asset',
          fileName: `${fileName}.d.ts`,
          source: '// A stylesheet: import it for its side effect; it exports nothing.\nexport {};\n',
        });
      }
    },
  };
}
