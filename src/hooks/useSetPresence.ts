import { useMutation, type UseMutationOptions, type UseMutationResult } from '@tanstack/react-query';
import type { CategoryValue, Presence } from '../model';
import { usePresenceSync } from './PresenceContext';

/** What `useSetPresence` sends. */
export interface SetPresenceVariables {
  category: CategoryValue;
  /** Let the pod keep the user's idle or offline state on top of the choice. @default false */
  soft?: boolean | undefined;
}

export type UseSetPresenceOptions = Omit<
  UseMutationOptions<Presence, Error, SetPresenceVariables>,
  'mutationFn' | 'mutationKey'
>;

/**
 * Sets the requesting user's presence. Every component showing the user updates at once; on
 * failure they go back to the last confirmed state and the mutation holds the error. Sets made
 * in quick succession end with the last one chosen.
 */
export function useSetPresence(
  options: UseSetPresenceOptions = {},
): UseMutationResult<Presence, Error, SetPresenceVariables> {
  const sync = usePresenceSync();
  return useMutation({
    ...options,
    mutationKey: ['presence-widgets', 'set-presence'],
    mutationFn: (variables: SetPresenceVariables) => sync.setOwnPresence(variables),
  });
}
