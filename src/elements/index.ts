/**
 * Custom elements (`presence-widgets/elements`) for pages without React: plain HTML, Angular,
 * Grafana panels. Importing this module defines `<presence-badge>`, `<presence-avatar>` and
 * `<presence-status-picker>`; `configurePresence({ podUrl })` connects them. They run on the
 * same engine as the React widgets (one per page, shared with `<PresenceProvider engine>`), draw
 * the same markup from the same glyph and label tables, and use the same stylesheet
 * (`presence-widgets/styles.css`).
 *
 * ```html
 * <link rel="stylesheet" href="/node_modules/presence-widgets/dist/presence-widgets.css" />
 * <script type="module">
 *   import { configurePresence } from '/node_modules/presence-widgets/dist/elements/index.js';
 *   configurePresence({ podUrl: '/api/symphony/pod' });
 * </script>
 * <presence-status-picker></presence-status-picker>
 * <presence-badge user-id="12987981103236" show-label></presence-badge>
 * ```
 */
import { PresenceAvatarElement } from './PresenceAvatarElement';
import { PresenceBadgeElement } from './PresenceBadgeElement';
import { PresenceStatusPickerElement } from './PresenceStatusPickerElement';

export { configurePresence, getPresenceEngine, type ConfigurePresenceOptions } from './configurePresence';
export { PresenceElement, type ElementData } from './PresenceElement';
export { PresenceBadgeElement, parseBadgeSize } from './PresenceBadgeElement';
export { PresenceAvatarElement } from './PresenceAvatarElement';
export { PresenceStatusPickerElement } from './PresenceStatusPickerElement';

/** The tag names this module defines. */
export const PRESENCE_ELEMENTS = {
  'presence-badge': PresenceBadgeElement,
  'presence-avatar': PresenceAvatarElement,
  'presence-status-picker': PresenceStatusPickerElement,
} as const;

/**
 * Defines the elements (done on import). Names already taken, for instance by a second copy of
 * the package on the page, are left as they are: both copies share the page's engine anyway.
 */
export function definePresenceElements(registry: CustomElementRegistry | undefined = globalThis.customElements): void {
  if (!registry) return;
  for (const [name, element] of Object.entries(PRESENCE_ELEMENTS)) {
    if (!registry.get(name)) registry.define(name, element);
  }
}

definePresenceElements();

declare global {
  interface HTMLElementTagNameMap {
    'presence-badge': PresenceBadgeElement;
    'presence-avatar': PresenceAvatarElement;
    'presence-status-picker': PresenceStatusPickerElement;
  }
}
