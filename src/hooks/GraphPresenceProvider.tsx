import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { SymphonyClient } from '../client';
import { PresenceSync, type PresenceSyncConfig } from '../sync';

/** What {@link GraphPresenceProvider} hands down. */
export interface GraphPresenceContextValue {
  /** The engine polling the Graph source. */
  sync: PresenceSync;
}

/**
 * The Graph source's engine, kept apart from `PresenceContext` so that a tree can hold a
 * Symphony provider and a Graph one at once (for `useMergedPresence`).
 */
export const GraphPresenceContext = createContext<GraphPresenceContextValue | null>(null);

/** Props of {@link GraphPresenceProvider}. */
export interface GraphPresenceProviderProps {
  /** The Graph source: `createGraphPresenceClient(createGraphClient(...))`. */
  client: SymphonyClient;
  /** Polling and backoff settings. @default {} */
  options?: PresenceSyncConfig | undefined;
  children?: ReactNode;
}

// StrictMode unmounts and remounts at once; destroying on the next tick (cancelled by the
// remount) keeps one engine alive, as PresenceProvider does.
const pendingDestroy = new WeakMap<PresenceSync, ReturnType<typeof setTimeout>>();

/**
 * Provides a second presence source, Microsoft Graph, next to a `PresenceProvider` for Symphony.
 * `useMergedPresence` reads both. It uses no react-query cache (so the two sources' keys can never
 * collide) and never shares between tabs (Graph keys are known only to their client).
 *
 * For an app on Graph alone, use `<PresenceProvider client={graphAdapter}>` instead: every hook
 * and component then works on Graph as it does on Symphony.
 */
export function GraphPresenceProvider({ client, options, children }: GraphPresenceProviderProps) {
  const [engine, setEngine] = useState(() => new PresenceSync(client, options));
  useEffect(() => {
    // A new client (or a remount after destroy) needs a new engine.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (engine.client !== client || engine.isDestroyed) setEngine(new PresenceSync(client, options));
    // Options are read once per engine, as in PresenceProvider.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, engine]);

  useEffect(() => {
    const timer = pendingDestroy.get(engine);
    if (timer) clearTimeout(timer);
    pendingDestroy.delete(engine);
    engine.start();
    return () => {
      pendingDestroy.set(
        engine,
        setTimeout(() => {
          pendingDestroy.delete(engine);
          engine.destroy();
        }, 0),
      );
    };
  }, [engine]);

  const value = useMemo(() => ({ sync: engine }), [engine]);
  return <GraphPresenceContext.Provider value={value}>{children}</GraphPresenceContext.Provider>;
}

/** The Graph engine of the nearest `GraphPresenceProvider`, or `undefined` outside one. */
export function useGraphPresenceSync(): PresenceSync | undefined {
  return useContext(GraphPresenceContext)?.sync;
}
