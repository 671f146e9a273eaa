import type { StorybookConfig } from '@storybook/react-vite';
import { mockPodPlugin } from './mockPodPlugin';

const config: StorybookConfig = {
  framework: { name: '@storybook/react-vite', options: {} },
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y', '@storybook/addon-vitest'],
  staticDirs: ['../public'],
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
