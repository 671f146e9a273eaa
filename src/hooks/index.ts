export { PresenceDataProvider, type PresenceDataProviderProps } from './PresenceDataProvider';
export { PresenceContext, usePresenceSync, type PresenceContextValue } from './PresenceContext';
export { attachPresenceSync, getPresenceSync, presenceQueries, presenceQueryKey } from './presenceQueries';
export { usePresence } from './usePresence';
export type { PresenceView, UsePresenceOptions } from './usePresence';
export { usePresences } from './usePresences';
export type { UsePresencesOptions, UsePresencesResult } from './usePresences';
export { useSetPresence } from './useSetPresence';
export type { SetPresenceVariables, UseSetPresenceOptions } from './useSetPresence';
export { useIdlePresence } from './useIdlePresence';
export type { UseIdlePresenceOptions } from './useIdlePresence';
export { GraphPresenceContext, GraphPresenceProvider, useGraphPresenceSync } from './GraphPresenceProvider';
export type { GraphPresenceContextValue, GraphPresenceProviderProps } from './GraphPresenceProvider';
export { useMergedPresence } from './useMergedPresence';
export type {
  MergedPerson,
  PresenceSourceState,
  SourcedPresenceView,
  UseMergedPresenceOptions,
  UseMergedPresenceResult,
} from './useMergedPresence';
export { useGraphPresenceSession } from './useGraphPresenceSession';
export { readFailureOf, type ReadFailure } from './readFailureOf';
export { graphSourceOf, useGraphSource } from './useGraphSource';
export type { UseGraphPresenceSessionOptions, UseGraphPresenceSessionResult } from './useGraphPresenceSession';
