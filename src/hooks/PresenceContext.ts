import { createContext, useContext } from 'react';
import type { PresenceSync } from '../sync';

export interface PresenceContextValue {
  sync: PresenceSync;
}

export const PresenceContext = createContext<PresenceContextValue | null>(null);

/** The sync engine of the nearest `PresenceProvider`; throws a clear error outside one. */
export function usePresenceSync(): PresenceSync {
  const value = useContext(PresenceContext);
  if (!value) throw new Error('presence-widgets: wrap your tree in <PresenceProvider client={...}>.');
  return value.sync;
}
