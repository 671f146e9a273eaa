import { queryOptions, type QueryClient } from '@tanstack/react-query';
import { toUserId, type Presence, type UserIdInput } from '../model';
import type { PodListing, PresenceKey, PresenceSync } from '../sync';

const engines = new WeakMap<QueryClient, PresenceSync>();

/** Links a QueryClient to the engine its presence queries read from (done by `PresenceProvider`). */
export function attachPresenceSync(client: QueryClient, sync: PresenceSync): () => void {
  engines.set(client, sync);
  return () => {
    if (engines.get(client) === sync) engines.delete(client);
  };
}

/** The engine attached to a QueryClient, if any. */
export function getPresenceSync(client: QueryClient): PresenceSync | undefined {
  return engines.get(client);
}

const ROOT = ['presence-widgets', 'presence'] as const;

/** The query key of a presence key; `'self'` is the requesting user. */
export function presenceQueryKey(key: PresenceKey) {
  return key === 'self' ? ([...ROOT, 'self'] as const) : ([...ROOT, 'user', key] as const);
}

function options(key: PresenceKey) {
  return queryOptions({
    queryKey: presenceQueryKey(key),
    queryFn: ({ client, signal }): Promise<Presence> => {
      const sync = engines.get(client);
      if (!sync) return Promise.reject(new Error('presence-widgets: no PresenceProvider is attached to this QueryClient.'));
      return sync.read(key, signal);
    },
    // The engine decides when to read and pushes every result into the cache, so react-query
    // must never refetch on its own: that is how remounts and focus stay within budget.
    staleTime: Infinity,
    retry: false,
    refetchOnMount: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
}

/** The query key of the pod-wide listing's summary. */
export const podListingQueryKey = [...ROOT, 'pod-listing'] as const;

function podListingOptions() {
  return queryOptions({
    queryKey: podListingQueryKey,
    queryFn: ({ client, signal }): Promise<PodListing> => {
      const sync = engines.get(client);
      if (!sync) return Promise.reject(new Error('presence-widgets: no PresenceProvider is attached to this QueryClient.'));
      return sync.readPodListing(signal);
    },
    // As for users: the engine reads and pushes, react-query never refetches on its own.
    staleTime: Infinity,
    retry: false,
    refetchOnMount: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
}

/**
 * Query keys and options for presence, the same ones the hooks use, so an app can prefetch
 * (`queryClient.prefetchQuery(presenceQueries.user(id))`), invalidate (`presenceQueries.all()`)
 * or read the cache (`getQueryData(presenceQueries.user(id).queryKey)`).
 */
export const presenceQueries = {
  /** Prefix of every presence query. */
  all: () => ROOT,
  /** The requesting user's own presence. */
  self: () => options('self'),
  /** One user's presence; throws `InvalidUserIdError` for an invalid id. */
  user: (userId: UserIdInput) => options(toUserId(userId)),
  /** By engine key. */
  byKey: (key: PresenceKey) => options(key),
  /** The pod-wide listing's summary (which users it held); their presence is under `user(id)`. */
  podListing: () => podListingOptions(),
};
