import { createHubStream, type HubSource, type HubSourceOptions } from '../client';
import { HubFeed } from './HubFeed';
import { HUB_FEED, type HubSourceWithFeed } from './hubFeedKey';

/**
 * A source of presence pushed by the app's presence hub (`createPresenceHub` in
 * `presence-widgets/server`): one event stream for the page instead of polling. Give it to
 * `PresenceProvider` (`source`); hooks and widgets work unchanged. The leader tab holds the one
 * stream for all tabs. When the stream cannot be opened the engine polls through its client (the
 * proxy) and keeps trying the hub.
 *
 * @example
 * <PresenceProvider client={client} source={createHubSource({ url: '/api/presence-hub' })}>
 */
export function createHubSource(options: HubSourceOptions): HubSource {
  const source: HubSourceWithFeed = {
    ...createHubStream(options),
    [HUB_FEED]: (state, reads, given) => new HubFeed(state, reads, given),
  };
  return source;
}
