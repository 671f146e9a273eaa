import { useQueries, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { tenantOf, type Presence, type UserId, type UserIdInput } from '../model';
import { usePresenceSync } from './PresenceContext';
import { presenceQueries } from './presenceQueries';
import { resolveKey, type PresenceView } from './usePresence';

export interface UsePresencesResult {
  /**
   * Presence by engine key, for every user whose presence is known: the canonical user id on
   * Symphony; on Graph the key `client.toKey(guid)` gives (the GUID is in `presence.graph.id`).
   */
  data: ReadonlyMap<UserId, PresenceView>;
  /** The current error by user id (a failed read; an error is never shown as OFFLINE). */
  errors: ReadonlyMap<UserId, Error>;
  /** Input values that are not valid user ids; they are never requested. */
  invalid: readonly unknown[];
  /** True while any user has neither data nor error yet. */
  isPending: boolean;
}

export interface UsePresencesOptions {
  /** Set to false to neither read nor poll. @default true */
  enabled?: boolean | undefined;
  /**
   * `'pod'`: read the pod's own users with the paged pod-wide listing (`GET /v2/users/presence`,
   * one request per 5,000 users per refresh) instead of one request per user; external users are
   * still read one by one within their budget. Where the session may not call it (or it fails),
   * every user is read one by one. Users the listing leaves out are inactive and get no entry in
   * `data`.
   * @default 'users'
   */
  source?: 'users' | 'pod' | undefined;
}

/**
 * One view object per presence object: react-query's structural sharing keeps an unchanged
 * presence's object across polls, so rows memoised on the view re-render only for the users whose
 * presence changed, not for the whole roster. Presences are immutable, so the cache can be shared.
 */
const VIEWS = new WeakMap<Presence, PresenceView>();

function viewOf(presence: Presence, isExternal: boolean | undefined): PresenceView {
  const known = VIEWS.get(presence);
  if (known && known.isExternal === isExternal) return known;
  const view = { ...presence, isExternal };
  VIEWS.set(presence, view);
  return view;
}

/**
 * Many users at once, for rosters and dashboards. The result is one object, stable while nothing
 * in it changes; each user costs one request per refresh however many lists show them.
 */
export function usePresences(userIds: readonly UserIdInput[], options: UsePresencesOptions = {}): UsePresencesResult {
  const sync = usePresenceSync();
  const enabled = options.enabled ?? true;
  const signature = userIds.map(String).join(',');
  const { ids, invalid } = useMemo(() => {
    const seen = new Set<UserId>();
    const bad: unknown[] = [];
    for (const raw of userIds) {
      // Through the engine, so a source with its own ids (Graph GUIDs) is keyed by its client.
      const key = raw === 'self' ? undefined : resolveKey(sync, raw);
      if (typeof key === 'string' && key !== 'self') seen.add(key);
      else bad.push(raw);
    }
    return { ids: [...seen], invalid: bad };
    // The signature stands for the array's contents, so a new array with the same ids is free.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature, sync]);

  const podMode = options.source === 'pod';
  useEffect(() => (enabled && podMode ? sync.retainPodListing() : undefined), [sync, enabled, podMode]);
  const list = useQuery({ ...presenceQueries.podListing(), enabled: enabled && podMode });
  // The listing holds the pod's own users only, so it also tells which tenant is home.
  const listed = useMemo(() => new Set(list.data?.userIds ?? []), [list.data]);
  const homeTenant = list.data?.homeTenant;
  // Without the listing (no right to call it, or it failed) every user is read one by one.
  const useList = podMode && !(list.isError && !list.data);
  // Computed once per id list, not per poll: tenantOf parses each id as a BigInt.
  const listOwned = useMemo(
    () => new Set(useList && homeTenant !== undefined ? ids.filter((id) => tenantOf(id) === homeTenant) : []),
    [ids, useList, homeTenant],
  );
  const fromList = (id: UserId) => listOwned.has(id);
  const engineIds = useList ? ids.filter((id) => homeTenant !== undefined && !fromList(id)) : ids;
  const listIds = useList ? ids.filter((id) => fromList(id) && listed.has(id)) : [];
  const engineSignature = engineIds.join(',');

  useEffect(() => {
    if (!enabled) return undefined;
    const releases = engineIds.map((id) => sync.retain(id));
    return () => releases.forEach((release) => release());
    // The signature stands for the id list, which is rebuilt every render in pod mode.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sync, engineSignature, enabled]);

  return useQueries({
    queries: [
      ...engineIds.map((id) => ({ ...presenceQueries.byKey(id), enabled })),
      // Listed users are kept fresh by the listing; their queries only read what the engine has.
      ...listIds.map((id) => ({
        ...presenceQueries.byKey(id),
        enabled: false,
        initialData: () => sync.getState(id).presence,
      })),
    ],
    combine: (results) => {
      const data = new Map<UserId, PresenceView>();
      const errors = new Map<UserId, Error>();
      let isPending = useList && list.isPending && enabled;
      const all = [...engineIds, ...listIds];
      results.forEach((result, i) => {
        const id = all[i]!;
        if (result.data) data.set(id, viewOf(result.data, sync.getState(id).external));
        if (result.error) errors.set(id, result.error);
        if (i < engineIds.length && result.isPending && !result.error) isPending = true;
      });
      return { data, errors, invalid, isPending };
    },
  });
}
