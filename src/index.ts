/**
 * presence-widgets: Symphony presence for React.
 *
 * Layers, each importing only from the ones before it:
 * model (data and rules) -> client (HTTP) -> sync (budget and scheduling) -> hooks -> components.
 *
 * Every public name is listed here by name (docs/public-api.md says what is public and why);
 * api/presence-widgets.api.json records them and `npm test` fails when they change by accident.
 */
import './components/presence-widgets.css';

// ---- model: presence values, user ids and Symphony's rules ---------------------------------
export {
  PRESENCE_CATEGORIES,
  describeCategory,
  getCategoryInfo,
  isKnownCategory,
  settableCategories,
  toExternalView,
  type CategoryInfo,
  type CategoryValue,
  type PresenceCategory,
  type PresenceGlyph,
  type PresenceTone,
} from './model/categories';
export { InvalidUserIdError, PresenceWidgetsError } from './model/errors';
export { applyIdle, isAffectedByIdle } from './model/idle';
export { parseJsonLossless } from './model/json';
export { EXTERNAL_READ_GAP_MS, INTEREST_TTL_MS, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from './model/limits';
export type { Presence, PresenceGraphDetails } from './model/presence';
export {
  compareUserIds,
  isUserId,
  makeUserId,
  parseUserId,
  tenantOf,
  toUserId,
  type UserId,
  type UserIdInput,
} from './model/userId';

// ---- model: Microsoft Graph presence and merged presence -----------------------------------
export {
  GRAPH_ACTIVITIES,
  GRAPH_AVAILABILITIES,
  GRAPH_PRESENCE_STATES,
  SET_PRESENCE_PAIRS,
  USER_PREFERRED_PAIRS,
  graphPairKey,
  isKnownGraphActivity,
  isKnownGraphAvailability,
  isSettableGraphPair,
  isUserPreferredGraphPair,
  parseGraphPairKey,
  sameGraphPair,
  type GraphActivity,
  type GraphAvailability,
  type GraphPresencePair,
  type GraphPresenceState,
  type KnownGraphActivity,
  type KnownGraphAvailability,
} from './model/graph';
export {
  DEFAULT_EXPIRATION_MS,
  InvalidDurationError,
  MAX_EXPIRATION_MS,
  MIN_EXPIRATION_MS,
  parseExpirationDuration,
} from './model/graphExpiration';
export { toGraphPair, toSymphonyCategory, type GraphSetTarget } from './model/graphMapping';
export { precedenceRank } from './model/graphPrecedence';
export { InvalidGraphUserIdError, graphUserKey, parseGraphUserId, toGraphUserId, type GraphUserId } from './model/graphUserId';
export { formatIsoDuration, parseIsoDuration } from './model/isoDuration';
export { mergePresences, type MergeOptions } from './model/mergePresences';
export { GRAPH_STATUS_MESSAGE_MAX, type GraphPresence, type GraphStatusMessage } from './model/parseGraphPresence';

// ---- client: the pod (or the app's proxy) and Microsoft Graph over HTTP --------------------
export {
  PresenceApiError,
  isPresenceApiError,
  type PresenceApiErrorInit,
  type PresenceApiErrorKind,
} from './client/PresenceApiError';
export { createSymphonyClient } from './client/createSymphonyClient';
export {
  type HubConnection,
  type HubConnectionHandlers,
  type HubConnectionState,
  type HubSource,
  type HubSourceOptions,
} from './client/createHubStream';
export { createHubSource } from './sync/createHubSource';
export type {
  CallOptions,
  ListPresenceOptions,
  PresenceClientCapabilities,
  SessionTokenProvider,
  SetCallOptions,
  SetPresenceInput,
  SymphonyClient,
  SymphonyClientOptions,
} from './client/types';
export { GRAPH_BATCH_MAX, GRAPH_V1_URL, createGraphClient } from './client/graph/createGraphClient';
export {
  createGraphPresenceClient,
  isGraphPresenceClient,
  type GraphPresenceClient,
  type GraphPresenceClientOptions,
} from './client/graph/createGraphPresenceClient';
export type {
  AccessTokenProvider,
  GraphClient,
  GraphClientOptions,
  GraphSetPreferredInput,
  GraphSetPresenceInput,
  GraphSetStatusMessageInput,
} from './client/graph/types';

// ---- sync: the engine that keeps within Symphony's limits -----------------------------------
export {
  MIN_INTERNAL_INTERVAL_MS,
  PresenceSync,
  createBroadcastCoordinator,
  createLocalCoordinator,
  createMemoryCoordinatorHub,
  keepGraphPresence,
  type BroadcastCoordinatorOptions,
  type GraphPresenceSession,
  type GraphSessionState,
  type KeepGraphPresenceOptions,
  type PresenceEntryState,
  type PresenceKey,
  type PresenceSyncConfig,
  type PresenceSyncOptions,
  type SyncEvent,
  type SyncMessage,
  type SyncStats,
  type TabCoordinator,
  type VisibilitySource,
} from './sync';

// ---- extension: running inside a Symphony extension app ------------------------------------
export {
  fromSymphonyExtension,
  readUserJwt,
  UserJwtError,
  type ExtensionTheme,
  type FromSymphonyExtensionOptions,
  type SymphonyExtensionContext,
  type SymphonyUserJwt,
  type UserJwtErrorReason,
} from './extension';

// ---- hooks: TanStack Query over the engine ---------------------------------------------------
// The hooks' own provider (no labels, no UI context) for apps that draw their own widgets;
// `PresenceProvider` below wraps it and is the one the README uses.
export { PresenceDataProvider, type PresenceDataProviderProps } from './hooks/PresenceDataProvider';
export {
  GraphPresenceProvider as GraphPresenceDataProvider,
  useGraphPresenceSync,
  type GraphPresenceProviderProps,
} from './hooks/GraphPresenceProvider';
export { usePresenceSync } from './hooks/PresenceContext';
export { presenceQueries, presenceQueryKey } from './hooks/presenceQueries';
export { usePresence, type PresenceView, type UsePresenceOptions } from './hooks/usePresence';
export { usePresences, type UsePresencesOptions, type UsePresencesResult } from './hooks/usePresences';
export { useSetPresence, type SetPresenceVariables, type UseSetPresenceOptions } from './hooks/useSetPresence';
export { useIdlePresence, type UseIdlePresenceOptions } from './hooks/useIdlePresence';
export {
  useMergedPresence,
  type MergedPerson,
  type PresenceSourceState,
  type SourcedPresenceView,
  type UseMergedPresenceOptions,
  type UseMergedPresenceResult,
} from './hooks/useMergedPresence';
export {
  useGraphPresenceSession,
  type UseGraphPresenceSessionOptions,
  type UseGraphPresenceSessionResult,
} from './hooks/useGraphPresenceSession';

// ---- components -----------------------------------------------------------------------------
export { PresenceProvider, type PresenceProviderProps } from './components/PresenceProvider';
export { GraphPresenceProvider } from './components/GraphPresenceProvider';
export {
  PresenceUiProvider,
  type PresenceUiProviderProps,
  type PresenceViewMode,
} from './components/PresenceUiContext';
export {
  PresenceBadge,
  type PresenceBadgeConnectedProps,
  type PresenceBadgeDisplayProps,
  type PresenceBadgeFullProps,
} from './components/PresenceBadge';
export type { PresenceBadgeProps } from './components/usePresenceBadgeState';
export type { PresenceStatus } from './components/PresenceData';
export { StatusPicker, type StatusChangeDetails, type StatusPickerProps } from './components/StatusPicker';
export { PresenceAvatar, type PresenceAvatarProps } from './components/PresenceAvatar';
export {
  PresenceRoster,
  ROSTER_CARD_MIN_WIDTH,
  ROSTER_COMPACT_WIDTH,
  ROSTER_ROW_HEIGHT,
  type PresenceRosterProps,
} from './components/PresenceRoster';
export {
  ROSTER_GROUPS,
  type PresenceRosterPerson,
  type RosterFilter,
  type RosterGroup,
  type RosterSort,
} from './components/rosterRows';
export { rosterDe, rosterEn, rosterFr, rosterJa, type PresenceRosterLabels } from './components/rosterLabels';
export {
  STATUS_MESSAGE_EXPIRIES,
  STATUS_MESSAGE_LABELS,
  StatusMessageEditor,
  type StatusMessageEditorProps,
  type StatusMessageExpiry,
  type StatusMessageInput,
  type StatusMessageLabels,
} from './components/StatusMessageEditor';
export { PresenceIcon, type PresenceIconProps } from './components/icons';
export type { IconGlyph } from './components/glyphMarks';
export { BUILT_IN_LABELS, de, en, fr, ja, type PresenceBadgeLabels, type PresenceLabels } from './components/labels';
export {
  AVATAR_SIZES,
  BADGE_SIZES,
  type PresenceAvatarSize,
  type PresenceBadgeSize,
  type PresenceBadgeSizeName,
} from './components/sizes';
export { graphPresenceUi, type GraphPresenceUi } from './components/graphPresenceUi';
export { GRAPH_LABELS, graphEn, type GraphLabels } from './components/graphPresence';
