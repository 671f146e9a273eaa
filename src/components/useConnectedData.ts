import { useContext } from 'react';
import type { UserIdInput } from '../model';
import { PresenceUiContext } from './PresenceUiContext';
import type { PresenceData } from './PresenceData';

/**
 * Live data for a component given a `userId`, through the hook `PresenceProvider` puts in the UI
 * context. Going through the context keeps the data layer out of the bundles of apps that only
 * draw badges from their own data.
 */
export function useConnectedData(userId: UserIdInput | 'self'): PresenceData {
  const usePresenceData = useContext(PresenceUiContext).usePresenceData;
  if (!usePresenceData) {
    throw new Error('presence-widgets: userId needs a PresenceProvider');
  }
  return usePresenceData(userId);
}
