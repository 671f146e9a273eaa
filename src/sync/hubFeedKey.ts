import type { HubSource } from '../client';
import type { ReadScheduler } from './ReadScheduler';
import type { HubLink, SyncState } from './SyncState';

/** Makes the engine's feed for one hub source. */
export type HubFeedFactory = (state: SyncState, reads: ReadScheduler, source: HubSource) => HubLink;

/**
 * The key under which `createHubSource` puts the engine's feed on its source. The engine reads
 * the feed from the source rather than importing it, so that bundles of apps without a hub leave
 * the feed out. A symbol-keyed own property, so a source copied with spread (`{ ...source,
 * connect }`, to watch its connection) keeps its feed.
 */
export const HUB_FEED: unique symbol = Symbol('presence-widgets.hubFeed');

/** A hub source as `createHubSource` makes it. */
export type HubSourceWithFeed = HubSource & { readonly [HUB_FEED]?: HubFeedFactory };
