import { useContext, useMemo, type ReactElement } from 'react';
import { GraphPresenceProvider as GraphPresenceDataProvider, type GraphPresenceProviderProps } from '../hooks';
import { graphPresenceUi } from './graphPresenceUi';
import { PresenceUiContext } from './PresenceUiContext';

/**
 * Microsoft Graph as a second presence source next to a Symphony `PresenceProvider` (for
 * `useMergedPresence`), bringing Graph support to the widgets below: badges and avatars given a
 * Graph presence show Teams' states, pickers given `graphPairs` offer them. Language, labels, view
 * and the connected data of the provider above are kept.
 *
 * ```tsx
 * <PresenceProvider client={symphony}>
 *   <GraphPresenceProvider client={createGraphPresenceClient(graph)}>...</GraphPresenceProvider>
 * </PresenceProvider>
 * ```
 */
export function GraphPresenceProvider({ children, ...data }: GraphPresenceProviderProps): ReactElement {
  const outer = useContext(PresenceUiContext);
  const value = useMemo(() => ({ ...outer, graph: graphPresenceUi }), [outer]);
  return (
    <GraphPresenceDataProvider {...data}>
      <PresenceUiContext.Provider value={value}>{children}</PresenceUiContext.Provider>
    </GraphPresenceDataProvider>
  );
}
