import { createContext, useContext } from 'react';
import type { PresenceSync } from '../sync';

/** Display preferences the provider hands to the components (which read them without importing up). */
export interface PresenceDisplayOptions {
  /** BCP 47 locale for labels and times. */
  locale?: string | undefined;
  /** Which side the viewer is on: `external` shows what users of another company see. */
  view?: 'internal' | 'external' | undefined;
  /** Label overrides, keyed like the components' label table. */
  labels?: Readonly<Record<string, string>> | undefined;
}

export interface PresenceContextValue {
  sync: PresenceSync;
  display: PresenceDisplayOptions;
}

export const PresenceContext = createContext<PresenceContextValue | null>(null);

/** The sync engine of the nearest `PresenceProvider`; throws a clear error outside one. */
export function usePresenceSync(): PresenceSync {
  const value = useContext(PresenceContext);
  if (!value) throw new Error('presence-widgets: wrap your tree in <PresenceProvider client={...}>.');
  return value.sync;
}

/** Display preferences from the nearest provider, or none. */
export function usePresenceDisplay(): PresenceDisplayOptions {
  return useContext(PresenceContext)?.display ?? {};
}
