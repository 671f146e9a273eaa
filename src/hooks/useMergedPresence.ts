import { useCallback, useContext, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { PresenceApiError } from '../client';
import { PresenceWidgetsError, mergePresences, type MergeOptions, type Presence, type UserIdInput } from '../model';
import type { PresenceKey, PresenceSync } from '../sync';
import { useGraphPresenceSync } from './GraphPresenceProvider';
import { PresenceContext } from './PresenceContext';
import { resolveKey, type PresenceView } from './usePresence';

/** A person who may be on Symphony, on Microsoft Graph (Teams), or both. */
export interface MergedPerson {
  /** Symphony user id (read through the nearest `PresenceProvider`). */
  symphonyId?: UserIdInput | null | undefined;
  /** Graph object id, a GUID (read through the nearest `GraphPresenceProvider`). */
  graphId?: string | null | undefined;
}

/** A presence with the platform it came from always set. */
export interface SourcedPresenceView extends PresenceView {
  readonly source: 'symphony' | 'graph';
}

/** One platform's view of the person. */
export interface PresenceSourceState {
  /** The last presence read, even while `error` is set (it may be stale then). */
  presence: SourcedPresenceView | undefined;
  /** Why the last read failed (or why the source cannot be read at all). */
  error: Error | undefined;
  /** Neither presence nor error yet. */
  isPending: boolean;
}

/** Options of {@link useMergedPresence}. */
export interface UseMergedPresenceOptions extends MergeOptions<SourcedPresenceView> {
  /** Set to false to neither read nor poll. @default true */
  enabled?: boolean | undefined;
}

/** What {@link useMergedPresence} returns. */
export interface UseMergedPresenceResult {
  /**
   * The presence to show: the highest-ranked among the sources that currently read without error
   * (`undefined` while none does). A failing source never hides the other, and an error is never
   * turned into Offline.
   */
  merged: SourcedPresenceView | undefined;
  /** Each requested source, for a UI that shows both. Absent for a source the person has no id on. */
  sources: { symphony?: PresenceSourceState; graph?: PresenceSourceState };
  /** Some requested source has neither presence nor error yet. */
  isPending: boolean;
  /** Every requested source failed, so there is nothing to merge. */
  isError: boolean;
}

interface Snapshot {
  presence: Presence | undefined;
  error: PresenceApiError | undefined;
  external: boolean | undefined;
}

const NONE: Snapshot = { presence: undefined, error: undefined, external: undefined };
const noSubscribe = () => () => {};

/** Follows one engine entry without react-query, so two engines can never clash over query keys. */
function useEngineEntry(sync: PresenceSync | undefined, key: PresenceKey | undefined, enabled: boolean): Snapshot {
  useEffect(() => (sync && key && enabled ? sync.retain(key) : undefined), [sync, key, enabled]);
  const subscribe = useCallback(
    (onChange: () => void) =>
      sync && key
        ? sync.subscribe((event) => {
            if ((event.type === 'presence' || event.type === 'error') && event.key === key) onChange();
          })
        : noSubscribe(),
    [sync, key],
  );
  const last = useRef<Snapshot>(NONE);
  const read = (): Snapshot => {
    if (!sync || !key) return NONE;
    const state = sync.getState(key);
    const prev = last.current;
    // A new object only when something changed: useSyncExternalStore compares by identity.
    if (state.presence === prev.presence && state.error === prev.error && state.external === prev.external) return prev;
    last.current = { presence: state.presence, error: state.error, external: state.external };
    return last.current;
  };
  return useSyncExternalStore(subscribe, read, read);
}

function sourceState(
  source: 'symphony' | 'graph',
  wanted: boolean,
  sync: PresenceSync | undefined,
  resolved: PresenceKey | PresenceWidgetsError | undefined,
  snap: Snapshot,
  missingProvider: string,
): PresenceSourceState | undefined {
  if (!wanted) return undefined;
  if (!sync) return { presence: undefined, error: new PresenceWidgetsError(missingProvider), isPending: false };
  if (resolved instanceof PresenceWidgetsError) return { presence: undefined, error: resolved, isPending: false };
  const presence = snap.presence ? { ...snap.presence, source, isExternal: snap.external } : undefined;
  return { presence, error: snap.error, isPending: !presence && !snap.error };
}

/**
 * One presence for a person on Symphony and Microsoft Graph, merged by a stated precedence,
 * plus each platform's own presence.
 *
 * Default precedence: Graph's session precedence applied across both platforms
 * (DoNotDisturb > Busy > Available > Away > out of office > Offline > unknown; Symphony categories
 * are ranked by the availability they stand for, see `precedenceRank`), then the freshest
 * `timestamp`, then `preferOnTie`. Pass `rank` for another order.
 *
 * Needs a `PresenceProvider` for `symphonyId` and a `GraphPresenceProvider` for `graphId`. For a
 * person on one platform, `usePresence` is enough.
 */
export function useMergedPresence(person: MergedPerson, options: UseMergedPresenceOptions = {}): UseMergedPresenceResult {
  const { enabled = true, rank, preferOnTie } = options;
  const symphonySync = useContext(PresenceContext)?.sync;
  const graphSync = useGraphPresenceSync();
  const { symphonyId, graphId } = person;
  const wantSymphony = symphonyId !== undefined && symphonyId !== null;
  const wantGraph = graphId !== undefined && graphId !== null;

  const symphonyKey = useMemo(
    () => (symphonySync && wantSymphony ? resolveKey(symphonySync, symphonyId) : undefined),
    [symphonySync, wantSymphony, symphonyId],
  );
  const graphKey = useMemo(
    () => (graphSync && wantGraph ? resolveKey(graphSync, graphId) : undefined),
    [graphSync, wantGraph, graphId],
  );
  const validKey = (k: PresenceKey | PresenceWidgetsError | undefined) => (typeof k === 'string' ? k : undefined);
  const symphonySnap = useEngineEntry(symphonySync, validKey(symphonyKey), enabled);
  const graphSnap = useEngineEntry(graphSync, validKey(graphKey), enabled);

  return useMemo(() => {
    const symphony = sourceState(
      'symphony',
      wantSymphony,
      symphonySync,
      symphonyKey,
      symphonySnap,
      'presence-widgets: useMergedPresence needs a <PresenceProvider> for symphonyId.',
    );
    const graph = sourceState(
      'graph',
      wantGraph,
      graphSync,
      graphKey,
      graphSnap,
      'presence-widgets: useMergedPresence needs a <GraphPresenceProvider> for graphId.',
    );
    const requested = [symphony, graph].filter((s): s is PresenceSourceState => s !== undefined);
    const healthy = requested.flatMap((s) => (s.presence && !s.error ? [s.presence] : []));
    const sources: UseMergedPresenceResult['sources'] = {};
    if (symphony) sources.symphony = symphony;
    if (graph) sources.graph = graph;
    return {
      merged: mergePresences(healthy, { rank, preferOnTie }),
      sources,
      isPending: requested.some((s) => s.isPending),
      isError: requested.length > 0 && requested.every((s) => s.error !== undefined),
    };
  }, [wantSymphony, wantGraph, symphonySync, graphSync, symphonyKey, graphKey, symphonySnap, graphSnap, rank, preferOnTie]);
}
