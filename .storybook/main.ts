import { fileURLToPath } from 'node:url';
import type { StorybookConfig } from '@storybook/react-vite';
import { mockPodPlugin } from './mockPodPlugin';

const config: StorybookConfig = {
  framework: { name: '@storybook/react-vite', options: {} },
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y', '@storybook/addon-vitest'],
  staticDirs: ['../public'],
  // Props tables from the TypeScript checker: react-docgen (the default) reads one file at a time,
  // so props declared in another file or as unions of imported types came out as `unknown` or
  // `union`, without defaults. react-docgen-typescript resolves them and reads `@default`.
  typescript: {
    reactDocgen: 'react-docgen-typescript',
    reactDocgenTypescriptOptions: {
      tsconfigPath: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
      // Unions of literals ('small' | 'medium' | ...) listed as values, and a select control.
      shouldExtractLiteralValuesFromEnum: true,
      shouldRemoveUndefinedFromOptional: true,
      savePropValueAsString: true,
      // Our props only, not the hundreds of DOM attributes from @types/react.
      propFilter: (prop) => !prop.parent || !/node_modules/.test(prop.parent.fileName),
    },
  },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // The docs open on our introduction, not on Storybook's own onboarding checklist.
  features: { sidebarOnboardingChecklist: false },
  async viteFinal(viteConfig) {
    // The library's declaration plugin has no business in Storybook's build.
    viteConfig.plugins = (viteConfig.plugins ?? []).flat().filter((p) => {
      const name = p && typeof p === 'object' && 'name' in p ? p.name : '';
      return name !== 'unplugin-dts' && name !== 'vite:dts';
    });
    viteConfig.plugins.push(mockPodPlugin());
    return viteConfig;
  },
};
export default config;
