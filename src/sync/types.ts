/**
 * The engine's public types. They live apart from the `PresenceSync` facade so that every part
 * of the engine can name them without importing the facade (which imports every part).
 */
import type { HubSource, PresenceApiError } from '../client';
import type { Presence, UserId } from '../model';
import type { PresenceSyncOptions } from './options';
import type { PresencePersistence } from './persistence';
import type { PresenceKey } from './presenceKey';
import type { TabCoordinator } from './TabCoordinator';

/** What the pod-wide listing last told: its users, and so which company is home. */
export interface PodListing {
  /** Users the listing held, sorted by id; users it leaves out are inactive. */
  readonly userIds: readonly UserId[];
  /** The pod's own tenant, read off the listing (undefined when it was empty). */
  readonly homeTenant: number | undefined;
  /** When the listing was asked for. */
  readonly at: number;
}

/** Whether the page is shown; hidden pages do not poll. */
export interface VisibilitySource {
  isVisible(): boolean;
  subscribe(listener: () => void): () => void;
}

export interface PresenceSyncConfig extends PresenceSyncOptions {
  /**
   * Cross-tab sharing, or a factory called by `start()`; defaults to a single local tab.
   * A factory returning `undefined` (APIs missing) also falls back to one local tab.
   */
  coordinator?: TabCoordinator | (() => TabCoordinator | undefined) | undefined;
  /** Page visibility; defaults to `document.visibilityState`. */
  visibility?: VisibilitySource | undefined;
  /**
   * Where the last known presence and the external budget survive a reload, per session; `false`
   * keeps nothing. Sources with their own keys (Graph) keep nothing either.
   * @default sessionStorage where the page has it
   */
  persistence?: PresencePersistence | false | undefined;
  /**
   * A presence hub (`createHubSource`): the leading tab holds one event stream for every tab,
   * users' presence is pushed instead of polled, and polling through the client takes over while
   * the stream cannot be opened. The own presence (`'self'`) is still read through the client.
   * Ignored for sources with their own keys (Graph).
   */
  source?: HubSource | undefined;
}

/** What the engine tells its listeners: new presence, a failure, or a request it made. */
export type SyncEvent =
  | { type: 'presence'; key: PresenceKey; presence: Presence }
  | { type: 'error'; key: PresenceKey; error: PresenceApiError }
  | { type: 'listing'; listing: PodListing }
  | { type: 'listing-error'; error: PresenceApiError }
  | {
      type: 'request';
      kind: 'read' | 'register' | 'set' | 'list';
      at: number;
      key?: PresenceKey | undefined;
      ids?: readonly UserId[] | undefined;
      external?: boolean | undefined;
    };

/** A user's state as the engine knows it. */
export interface PresenceEntryState {
  presence: Presence | undefined;
  error: PresenceApiError | undefined;
  /** Polling stopped after 403 or 404 until `retry(key)`. */
  stopped: boolean;
  external: boolean | undefined;
  lastReadAt: number | undefined;
  /** When the next read may happen (budget, Retry-After and backoff included). */
  nextReadAt: number | undefined;
}

/** Counters for leak tests and dashboards. */
export interface SyncStats {
  entries: number;
  retained: number;
  timers: number;
  registrations: number;
  remoteTabs: number;
}
