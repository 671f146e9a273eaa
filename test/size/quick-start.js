// size-limit entry: the README's Quick start as an app bundles it from the published package.
import '../../dist/presence-widgets.css';
export { createSymphonyClient, PresenceProvider, PresenceBadge, StatusPicker, usePresence } from '../../dist/index.js';
