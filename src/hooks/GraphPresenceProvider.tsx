import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { SymphonyClient } from '../client';
import { PresenceSync, type PresenceSyncConfig } from '../sync';
import { usePresenceEngine } from './usePresenceEngine';

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


/**
 * Provides a second presence source, Microsoft Graph, next to a `PresenceProvider` for Symphony.
 * `useMergedPresence` reads both. It uses no react-query cache (so the two sources' keys can never
 * collide) and never shares between tabs (Graph keys are known only to their client).
 *
 * For an app on Graph alone, use `<PresenceProvider client={graphAdapter}>` instead: every hook
 * and component then works on Graph as it does on Symphony.
 */
export function GraphPresenceProvider({ client, options, children }: GraphPresenceProviderProps) {
  const engine = usePresenceEngine(client, () => new PresenceSync(client, options));
  const value = useMemo(() => ({ sync: engine }), [engine]);
  return <GraphPresenceContext.Provider value={value}>{children}</GraphPresenceContext.Provider>;
}

/** The Graph engine of the nearest `GraphPresenceProvider`, or `undefined` outside one. */
export function useGraphPresenceSync(): PresenceSync | undefined {
  return useContext(GraphPresenceContext)?.sync;
}
