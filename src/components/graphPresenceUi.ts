import { graphSourceOf } from '../hooks';
import {
  SET_PRESENCE_PAIRS,
  USER_PREFERRED_PAIRS,
  graphPairKey,
  isSettableGraphPair,
  isUserPreferredGraphPair,
  parseGraphPairKey,
  type GraphPresencePair,
  type GraphSetTarget,
} from '../model';
import { describeGraphBadge, describeGraphPresence, resolveGraphLabels, type GraphLabels, type GraphPresenceLook } from './graphPresence';
import type { PresenceBadgeLabels } from './labels';

/**
 * Everything the badge, avatar and picker need to show Microsoft Graph states: Teams' icons and
 * names, the pairs a Graph call accepts, and how to tell a Graph source. The components reach it
 * only through the UI context ({@link graphPresenceUi} given to a provider's `graph` prop, or a
 * `GraphPresenceProvider`), so that apps on Symphony alone never bundle Graph's tables and labels.
 */
export interface GraphPresenceUi {
  /** How a badge draws a Graph presence; `undefined` when the presence is not a Graph one. */
  describeBadge: typeof describeGraphBadge;
  /** Icon, tone and name of a pair key (`Busy/InACall`); `undefined` for anything else. */
  describeKey(
    key: string | undefined,
    labels: PresenceBadgeLabels,
    locale: string | undefined,
    overrides: Partial<GraphLabels> | undefined,
  ): GraphPresenceLook | undefined;
  /** The keys of the pairs `target` accepts, in the order given, without repeats. */
  optionKeys(pairs: readonly GraphPresencePair[], target: GraphSetTarget): string[];
  /** What a connected picker offers on `client`: `undefined` when it is not a Graph source. */
  sourceOf(client: Parameters<typeof graphSourceOf>[0]): { pairs: readonly GraphPresencePair[]; target: GraphSetTarget } | undefined;
  /** `Busy/InACall` for `{ availability: 'Busy', activity: 'InACall' }`. */
  pairKey(pair: GraphPresencePair): string;
  /** The pair of a pair key, or `undefined` for anything else (a Symphony category, say). */
  parseKey(key: unknown): GraphPresencePair | undefined;
}

/**
 * Microsoft Graph support for the components. Pass it to `PresenceProvider` when its client is a
 * Graph source (`<PresenceProvider client={teams} graph={graphPresenceUi}>`) or to
 * `PresenceUiProvider` for presentational widgets given Graph data; `GraphPresenceProvider`
 * brings it by itself.
 */
export const graphPresenceUi: GraphPresenceUi = {
  describeBadge: describeGraphBadge,
  describeKey(key, labels, locale, overrides) {
    const pair = parseGraphPairKey(key);
    return pair ? describeGraphPresence(pair, labels, resolveGraphLabels(locale, overrides)) : undefined;
  },
  optionKeys(pairs, target) {
    const accepts = target === 'userPreferred' ? isUserPreferredGraphPair : isSettableGraphPair;
    return [...new Set(pairs.filter((p) => accepts(p)).map(graphPairKey))];
  },
  sourceOf(client) {
    const source = graphSourceOf(client);
    if (!source) return undefined;
    const target = source.setVia;
    return { pairs: target === 'userPreferred' ? USER_PREFERRED_PAIRS : SET_PRESENCE_PAIRS, target };
  },
  pairKey: graphPairKey,
  parseKey: parseGraphPairKey,
};
