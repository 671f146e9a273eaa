import { useQuery, type UseQueryOptions, type UseQueryResult } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { PresenceWidgetsError, type Presence, type UserId, type UserIdInput } from '../model';
import type { PresenceKey, PresenceSync } from '../sync';
import { usePresenceSync } from './PresenceContext';
import { presenceQueries, presenceQueryKey } from './presenceQueries';

/** Presence as the hooks return it: the normalised presence plus which side the user is on. */
export interface PresenceView extends Presence {
  /** True for a user of another company; `undefined` until the requesting user's company is known. */
  readonly isExternal: boolean | undefined;
}

export interface UsePresenceOptions<TData = PresenceView> {
  /** Set to false to neither read nor poll. @default true */
  enabled?: boolean | undefined;
  /** Derives what the component needs; re-renders only when its result changes. */
  select?: ((presence: PresenceView) => TData) | undefined;
  /**
   * Ask the pod only about its own users (`GET /v3/user/{uid}/presence?local=true`): users of
   * other companies then read as OFFLINE, with no interest registration. Read by the engine like
   * any other user (one tab, back-off, Retry-After): the pod's own users at the internal
   * interval, others at most once per 5 minutes, since no rule exempts local reads from it.
   * @default false
   */
  local?: boolean | undefined;
}

/** Resolves a hook argument to an engine key, or the validation error to show instead. */
export function resolveKey(sync: PresenceSync, userId: UserIdInput | null | undefined): 'self' | UserId | PresenceWidgetsError {
  try {
    return sync.keyOf(userId);
  } catch (error) {
    return error instanceof PresenceWidgetsError ? error : new PresenceWidgetsError(String(error));
  }
}

export function toView(sync: PresenceSync, key: PresenceKey, presence: Presence): PresenceView {
  const isExternal = key === 'self' ? false : sync.getState(key).external;
  return { ...presence, isExternal };
}

/**
 * One user's presence: the requesting user when `userId` is omitted (GET /v2/user/presence),
 * anyone else by id (GET /v3/user/{uid}/presence). Every component showing the same user shares
 * one request; polling keeps within Symphony's limits. An invalid id gives an error result, not
 * a throw.
 */
export function usePresence<TData = PresenceView>(
  userId?: UserIdInput | null,
  options: UsePresenceOptions<TData> = {},
): UseQueryResult<TData, Error> {
  const sync = usePresenceSync();
  const { enabled = true, select, local = false } = options;
  const resolved = useMemo(() => {
    const key = resolveKey(sync, userId);
    return local && typeof key === 'string' && key !== 'self' ? sync.localKeyOf(key) : key;
  }, [sync, userId, local]);
  const valid = typeof resolved === 'string';
  useEffect(() => (valid && enabled ? sync.retain(resolved) : undefined), [sync, resolved, valid, enabled]);
  const base = (valid ? presenceQueries.byKey(resolved) : invalidQuery(resolved, userId)) as UseQueryOptions<
    Presence,
    Error,
    Presence,
    readonly unknown[]
  >;
  return useQuery({
    ...base,
    enabled: enabled,
    select: (presence: Presence) => {
      const view = valid ? toView(sync, resolved, presence) : (presence as PresenceView);
      return select ? select(view) : (view as unknown as TData);
    },
  });
}

/** A query that fails at once with the validation error, so the UI shows an error state. */
function invalidQuery(error: PresenceWidgetsError, userId: unknown) {
  return {
    queryKey: ['presence-widgets', 'presence', 'invalid', String(userId)] as const,
    queryFn: (): Promise<Presence> => Promise.reject(error),
    retry: false,
    staleTime: Infinity,
  };
}

export type { PresenceKey, UserId };
export { presenceQueryKey };
