import { useContext, useMemo } from 'react';
import type { GraphPresencePair, GraphSetTarget } from '../model';
import type { GraphLabels, GraphPresenceLook } from './graphPresence';
import type { GraphPresenceUi } from './graphPresenceUi';
import type { PresenceBadgeLabels } from './labels';
import { PresenceUiContext } from './PresenceUiContext';

/**
 * The picker's pair mode (Microsoft Graph's availability/activity pairs): which pair keys it offers
 * and how each looks. The Graph code itself is injected through the UI context.
 */
export interface PairOptions {
  /** The provider's Graph support, when it has any. */
  readonly graphUi: GraphPresenceUi | undefined;
  /** Pair keys offered, or `undefined` outside Graph mode. */
  readonly keys: readonly string[] | undefined;
  /** Icon, tone and name of a pair key in Graph mode; `undefined` otherwise. */
  look(key: string | undefined): GraphPresenceLook | undefined;
}

/**
 * Graph mode: pair keys instead of categories, only those the target call accepts. The Graph
 * code comes from the context, so that Symphony-only bundles do not carry it.
 */
export function usePairOptions(
  pairs: readonly GraphPresencePair[] | undefined,
  target: GraphSetTarget,
  labels: PresenceBadgeLabels,
  locale: string | undefined,
  overrides: Partial<GraphLabels> | undefined,
): PairOptions {
  const graphUi = useContext(PresenceUiContext).graph;
  if (pairs && !graphUi) {
    throw new Error('presence-widgets: graphPairs needs Graph support: graph={graphPresenceUi} on a provider');
  }
  const keys = useMemo(() => (pairs && graphUi ? graphUi.optionKeys(pairs, target) : undefined), [pairs, target, graphUi]);
  return {
    graphUi,
    keys,
    look: (key) => (keys ? graphUi?.describeKey(key, labels, locale, overrides) : undefined),
  };
}
