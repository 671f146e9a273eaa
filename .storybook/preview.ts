import type { Preview } from '@storybook/react-vite';
import { mswLoader } from 'msw-storybook-addon/csf3';
import '../src/components/presence-widgets.css';
import { storyPodHandlers } from '../stories/support/storyPod';

declare const __PW_POD_OVER_HTTP__: boolean;

// Under `npm start` the dev server answers the pod API over real HTTP; everywhere else (static
// build, story tests) MSW answers from an emulator running in the page.
const overHttp = typeof __PW_POD_OVER_HTTP__ !== 'undefined' && __PW_POD_OVER_HTTP__;

const preview: Preview = {
  loaders: overHttp ? [] : [mswLoader()],
  parameters: {
    a11y: { test: 'error' },
    layout: 'centered',
    ...(overHttp ? {} : { msw: storyPodHandlers() }),
  },
};
export default preview;
