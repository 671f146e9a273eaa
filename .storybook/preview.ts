import type { Decorator, Preview } from '@storybook/react-vite';
import { mswLoader } from 'msw-storybook-addon/csf3';
import { createElement, useLayoutEffect, type ReactNode } from 'react';
import '../src/components/presence-widgets.css';
import './preview.css';
import { storyPodHandlers } from '../stories/support/storyPod';

declare const __PW_POD_OVER_HTTP__: boolean;

// Under `npm start` the dev server answers the pod API over real HTTP; everywhere else (static
// build, story tests) MSW answers from an emulator running in the page.
const overHttp = typeof __PW_POD_OVER_HTTP__ !== 'undefined' && __PW_POD_OVER_HTTP__;

/**
 * The toolbar's theme and direction, applied to the preview's <html> as a host page would:
 * `data-pw-theme` and `dir`. (A story's own data-pw-theme or dir inside still wins.)
 */
function HostPage({ theme, dir, children }: { theme?: string; dir?: string; children?: ReactNode }): ReactNode {
  useLayoutEffect(() => {
    const html = document.documentElement;
    if (theme && theme !== 'light') html.dataset.pwTheme = theme;
    else delete html.dataset.pwTheme;
    html.dir = dir === 'rtl' ? 'rtl' : 'ltr';
  }, [theme, dir]);
  return children;
}

const withHostPage: Decorator = (Story, context) =>
  createElement(HostPage, { theme: context.globals.pwTheme as string, dir: context.globals.dir as string }, createElement(Story));

const preview: Preview = {
  loaders: overHttp ? [] : [mswLoader()],
  decorators: [withHostPage],
  globalTypes: {
    pwTheme: {
      description: 'data-pw-theme of the host page',
      toolbar: {
        title: 'Theme',
        icon: 'mirror',
        items: [
          { value: 'light', title: 'Light (default)' },
          { value: 'dark', title: 'Dark (data-pw-theme="dark")' },
          { value: 'system', title: 'Follow the system (data-pw-theme="system")' },
        ],
        dynamicTitle: true,
      },
    },
    dir: {
      description: 'Writing direction of the host page',
      toolbar: {
        title: 'Direction',
        icon: 'transfer',
        items: [
          { value: 'ltr', title: 'Left to right' },
          { value: 'rtl', title: 'Right to left' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { pwTheme: 'light', dir: 'ltr' },
  parameters: {
    a11y: { test: 'error' },
    layout: 'centered',
    options: {
      storySort: { order: ['Introduction', 'Pages', ['Team dashboard', 'Request budget'], 'Components', 'Graph', 'Data', 'Model'] },
    },
    ...(overHttp ? {} : { msw: storyPodHandlers() }),
  },
};
export default preview;
