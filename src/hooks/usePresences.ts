import { useQueries } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import type { UserId, UserIdInput } from '../model';
import { usePresenceSync } from './PresenceContext';
import { presenceQueries } from './presenceQueries';
import { resolveKey, toView, type PresenceView } from './usePresence';

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

  useEffect(() => {
    if (!enabled) return undefined;
    const releases = ids.map((id) => sync.retain(id));
    return () => releases.forEach((release) => release());
  }, [sync, ids, enabled]);

  return useQueries({
    queries: ids.map((id) => ({ ...presenceQueries.byKey(id), enabled })),
    combine: (results) => {
      const data = new Map<UserId, PresenceView>();
      const errors = new Map<UserId, Error>();
      let isPending = false;
      results.forEach((result, i) => {
        const id = ids[i]!;
        if (result.data) data.set(id, toView(sync, id, result.data));
        if (result.error) errors.set(id, result.error);
        if (result.isPending && !result.error) isPending = true;
      });
      return { data, errors, invalid, isPending };
    },
  });
}
