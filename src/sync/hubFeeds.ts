import type { HubSource } from '../client';
import type { ReadScheduler } from './ReadScheduler';
import type { HubLink, SyncState } from './SyncState';

/** Makes the engine's feed for one hub source. */
export type HubFeedFactory = (state: SyncState, reads: ReadScheduler) => HubLink;

/**
 * The feed of each source made by `createHubSource`. The engine looks its source up here rather
 * than importing the feed, so that bundles of apps without a hub leave the feed out.
 */
export const hubFeeds = new WeakMap<HubSource, HubFeedFactory>();
