import { createSymphonyClient, type SessionTokenProvider, type SymphonyClient } from '../client';
import type { PresenceLabels } from '../components/labels';
import { PresenceSync, createBroadcastCoordinator, type PresenceSyncConfig } from '../sync';

/** Options of {@link configurePresence}. */
export interface ConfigurePresenceOptions {
  /** Pod base URL or the app's proxy path, as for `createSymphonyClient`. Needed unless `client` or `engine` is given. */
  podUrl?: string | undefined;
  /** Session token provider, as for `createSymphonyClient` (not needed behind a proxy that adds it). */
  getSessionToken?: SessionTokenProvider | undefined;
  /** A client made elsewhere (Graph's presence client, a test double). */
  client?: SymphonyClient | undefined;
  /** A running engine to use as it is; the elements then neither start nor destroy it. */
  engine?: PresenceSync | undefined;
  /** Polling, budget and backoff settings. @default {} */
  options?: PresenceSyncConfig | undefined;
  /**
   * Share one poller between tabs of this origin, or name the channel. @default true
   */
  crossTab?: boolean | string | undefined;
  /** BCP 47 locale of labels (en, fr, de, ja built in); an element's `locale` attribute wins. @default 'en' */
  locale?: string | undefined;
  /** Label overrides, as for the React provider. */
  labels?: Partial<PresenceLabels> | undefined;
  /** `external` shows what users of another company see. @default 'internal' */
  view?: 'internal' | 'external' | undefined;
}

/** What the elements of the page share: one engine and the language and view of the labels. */
export interface PresencePage {
  engine: PresenceSync | undefined;
  owned: boolean;
  locale: string | undefined;
  labels: Partial<PresenceLabels> | undefined;
  view: 'internal' | 'external';
  listeners: Set<() => void>;
}

// On globalThis under a registered symbol: two copies of the package on one page (an app bundle
// and a <script type="module">) still share one engine, so no user is read twice.
const KEY = Symbol.for('presence-widgets.elements.page');

/** The page's shared state (created on first use). */
export function presencePage(): PresencePage {
  const scope = globalThis as typeof globalThis & { [KEY]?: PresencePage };
  scope[KEY] ??= { engine: undefined, owned: false, locale: undefined, labels: undefined, view: 'internal', listeners: new Set() };
  return scope[KEY];
}

/** Calls `listener` whenever {@link configurePresence} changes the page's engine or labels. */
export function onPresencePageChange(listener: () => void): () => void {
  const page = presencePage();
  page.listeners.add(listener);
  return () => page.listeners.delete(listener);
}

/** The engine the elements of this page use, once {@link configurePresence} ran. */
export function getPresenceEngine(): PresenceSync | undefined {
  return presencePage().engine;
}

/**
 * Configures the custom elements of the page, once: the pod (or proxy) to read from and the
 * language of the labels. Elements already in the page connect at once; calling it again
 * replaces the engine (the old one is destroyed if it was made here).
 *
 * Returns the engine, which React widgets on the same page share through
 * `<PresenceProvider engine={engine}>`.
 *
 * ```js
 * configurePresence({ podUrl: '/api/symphony/pod' });
 * ```
 */
export function configurePresence(options: ConfigurePresenceOptions): PresenceSync {
  const page = presencePage();
  let engine = options.engine;
  if (!engine) {
    const client =
      options.client ??
      (options.podUrl !== undefined
        ? createSymphonyClient({ podUrl: options.podUrl, getSessionToken: options.getSessionToken })
        : undefined);
    if (!client) throw new TypeError('configurePresence: give podUrl, client or engine');
    const crossTab = options.crossTab ?? true;
    const coordinator =
      options.options?.coordinator ??
      (crossTab ? () => createBroadcastCoordinator({ name: typeof crossTab === 'string' ? crossTab : undefined }) : undefined);
    engine = new PresenceSync(client, { ...options.options, coordinator }).start();
  }
  const previous = page.engine;
  const previousOwned = page.owned;
  page.engine = engine;
  page.owned = options.engine === undefined;
  page.locale = options.locale;
  page.labels = options.labels;
  page.view = options.view ?? 'internal';
  for (const listener of [...page.listeners]) listener();
  // After the elements moved: destroying first would show them an error for a moment.
  if (previous && previous !== engine && previousOwned) previous.destroy();
  return engine;
}
