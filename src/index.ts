/**
 * presence-widgets: Symphony presence for React.
 *
 * Layers, each importing only from the ones before it:
 * model (data and rules) -> client (HTTP) -> sync (budget and scheduling) -> hooks -> components.
 */
import './components/presence-widgets.css';

export * from './model';
export * from './client';
export {
  PresenceSync,
  EXTERNAL_READ_GAP_MS,
  INTEREST_TTL_MS,
  MIN_INTERNAL_INTERVAL_MS,
  createBroadcastCoordinator,
  createLocalCoordinator,
  createMemoryCoordinatorHub,
  graphRenewIntervalMs,
  keepGraphPresence,
} from './sync';
export type {
  BroadcastCoordinatorOptions,
  PresenceEntryState,
  PresenceKey,
  PresenceSyncConfig,
  PresenceSyncOptions,
  SyncEvent,
  SyncMessage,
  SyncStats,
  TabCoordinator,
  VisibilitySource,
  GraphPresenceSession,
  GraphSessionState,
  KeepGraphPresenceOptions,
} from './sync';
export * from './extension';
export * from './hooks';
export * from './components';
// The components' provider also sets language and view; it wraps the hooks' data provider,
// which stays available as `PresenceDataProvider`.
export { PresenceProvider, type PresenceProviderProps } from './components';
export { PresenceProvider as PresenceDataProvider } from './hooks';
// Likewise the Graph source: the components' one also brings Graph support to the widgets.
export { GraphPresenceProvider } from './components';
export { GraphPresenceProvider as GraphPresenceDataProvider } from './hooks';
