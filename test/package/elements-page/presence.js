// The one script of the page: no bundler, no import map, straight from the installed package.
import { configurePresence } from '/node_modules/presence-widgets/dist/elements/index.js';

configurePresence({ podUrl: '/api/symphony/pod' });
