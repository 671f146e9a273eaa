import { QueryClient, QueryClientContext, QueryClientProvider, notifyManager } from '@tanstack/react-query';
import { useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { HubSource, SymphonyClient } from '../client';
import { PresenceSync, createBroadcastCoordinator, type PresenceSyncConfig, type SyncEvent } from '../sync';
import { PresenceContext } from './PresenceContext';
import { attachPresenceSync, getPresenceSync, podListingQueryKey, presenceQueryKey } from './presenceQueries';
import { usePresenceEngine } from './usePresenceEngine';

/** Props of {@link PresenceDataProvider}. */
export interface PresenceDataProviderProps {
  /** The Symphony client the engine reads and writes through (not needed with `engine`). */
  client?: SymphonyClient | undefined;
  /**
   * A running engine to share instead of creating one, such as the one `configurePresence` made
   * for the custom elements of `presence-widgets/elements` on the same page: React widgets and
   * elements then read each user once between them. The provider neither starts nor destroys
   * it, and `client`, `options` and `crossTab` do not apply.
   */
  engine?: PresenceSync | undefined;
  /** Polling, budget and backoff settings. @default {} (every default keeps within Symphony's limits) */
  options?: PresenceSyncConfig | undefined;
  /**
   * Share one poller between the app's tabs on this origin (BroadcastChannel + Web Locks), or give
   * the channel a name to keep apps on the same origin apart. Ignored where the browser lacks them.
   * @default true
   */
  crossTab?: boolean | string | undefined;
  /** Use this QueryClient instead of the one from the surrounding `QueryClientProvider`. */
  queryClient?: QueryClient | undefined;
  /**
   * Where users' presence is pushed from instead of polled: the app's presence hub
   * (`createHubSource({ url: '/api/presence-hub' })`). The same hooks and widgets work; `client`
   * still reads the own presence, sets it, and polls while the hub cannot be reached.
   * Read once per engine, like `options`: a new `client` (or a remount) applies a new one.
   * @default undefined (every user polled through `client`)
   */
  source?: HubSource | undefined;
  children?: ReactNode;
}

function createEngine(client: SymphonyClient, options: PresenceSyncConfig | undefined, crossTab: boolean | string, source: HubSource | undefined) {
  const coordinator =
    options?.coordinator ??
    (crossTab ? () => createBroadcastCoordinator({ name: typeof crossTab === 'string' ? crossTab : undefined }) : undefined);
  return new PresenceSync(client, { ...options, coordinator, source: source ?? options?.source });
}

// StrictMode runs every effect a second time at once, the children's before this provider's:
// detached in between, their queries' second fetch found no engine and showed "no provider" as an
// error for a moment. The engine is let go on the next tick unless the effect runs again first.
const pendingDetach = new WeakMap<QueryClient, ReturnType<typeof setTimeout>>();

/**
 * The hooks' provider: runs the presence engine on `client` and connects it to TanStack Query,
 * inside the app's own `QueryClientProvider` or with a QueryClient of its own. It brings no
 * labels, language or view: apps that draw their own widgets with the hooks use it alone; the
 * components' `PresenceProvider` wraps it and adds those.
 */
export function PresenceDataProvider(props: PresenceDataProviderProps) {
  const { client: clientProp, engine: shared, options, crossTab = true, queryClient: given, source, children } = props;
  const client = shared?.client ?? clientProp;
  if (!client) throw new TypeError('presence-widgets: PresenceProvider needs a client or an engine');
  const outer = useContext(QueryClientContext);
  const [own] = useState(() => (given || outer ? undefined : new QueryClient()));
  const queryClient = given ?? outer ?? own!;

  const engine = usePresenceEngine(client, () => createEngine(client, options, crossTab, source), shared);

  useEffect(() => {
    clearTimeout(pendingDetach.get(queryClient));
    pendingDetach.delete(queryClient);
    const detach = attachPresenceSync(queryClient, engine);
    // A poll of the pod-wide listing can change hundreds of users in one go: their cache writes
    // are applied together, so a roster re-renders once per poll, not once per changed person.
    let pending: Array<Extract<SyncEvent, { type: 'presence' }>> = [];
    let stopped = false;
    const flush = () => {
      const batch = pending;
      pending = [];
      if (stopped) return;
      notifyManager.batch(() => {
        for (const e of batch) queryClient.setQueryData(presenceQueryKey(e.key), e.presence);
      });
    };
    const unsubscribe = engine.subscribe((event) => {
      // Anything else first lets the writes before it land, so the order of events is kept.
      if (event.type !== 'presence' && pending.length > 0) flush();
      if (event.type === 'presence') {
        pending.push(event);
        if (pending.length === 1) queueMicrotask(flush);
      } else if (event.type === 'listing') {
        queryClient.setQueryData(podListingQueryKey, event.listing);
      } else if (event.type === 'listing-error') {
        void queryClient.refetchQueries({ queryKey: podListingQueryKey, exact: true }, { cancelRefetch: false });
      } else if (event.type === 'error') {
        // Let react-query run the query function, which rethrows the engine's error: that puts
        // the query in its normal error state while keeping the last data.
        void queryClient.refetchQueries({ queryKey: presenceQueryKey(event.key), exact: true }, { cancelRefetch: false });
      }
    });
    return () => {
      stopped = true;
      unsubscribe();
      pendingDetach.set(queryClient, setTimeout(detach, 0));
    };
  }, [engine, queryClient]);

  // Attached during render too, so queries that run before the effects find their engine.
  if (getPresenceSync(queryClient) !== engine && !engine.isDestroyed) attachPresenceSync(queryClient, engine);

  const value = useMemo(() => ({ sync: engine }), [engine]);
  const tree = <PresenceContext.Provider value={value}>{children}</PresenceContext.Provider>;
  // A given or created client must also reach react-query's own hooks below.
  return queryClient !== outer ? <QueryClientProvider client={queryClient}>{tree}</QueryClientProvider> : tree;
}
