export { PresenceSync } from './PresenceSync';
export { createHubSource } from './createHubSource';
export { parsePresenceKey } from './presenceKey';
export type { PresenceKey } from './presenceKey';
export type {
  PodListing,
  PresenceEntryState,
  PresenceSyncConfig,
  SyncEvent,
  SyncStats,
  VisibilitySource,
} from './types';
export {
  EXTERNAL_READ_GAP_MS,
  INTEREST_TTL_MS,
  MIN_INTERNAL_INTERVAL_MS,
  backoffDelay,
  resolveSyncOptions,
} from './options';
export type { PresenceSyncOptions } from './options';
export {
  createBroadcastCoordinator,
  createLocalCoordinator,
  createMemoryCoordinatorHub,
} from './TabCoordinator';
export type { BroadcastCoordinatorOptions, MemoryTab, TabCoordinator } from './TabCoordinator';
export type { SyncMessage } from './messages';
export { createSessionStoragePersistence } from './persistence';
export type { PersistedEntry, PresencePersistence } from './persistence';
export { graphRenewIntervalMs, keepGraphPresence } from './GraphPresenceSession';
export type { GraphPresenceSession, GraphSessionState, KeepGraphPresenceOptions } from './GraphPresenceSession';
