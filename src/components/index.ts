// Public surface of the presentational components. The stylesheet is imported separately
// (`import './components/presence-widgets.css'`) so that this module stays free of side effects.
export {
  PresenceBadge,
  renderPresenceBadge,
  type PresenceBadgeConnectedProps,
  type PresenceBadgeDisplayProps,
  type PresenceBadgeFullProps,
} from './PresenceBadge';
export { PresenceProvider, type PresenceProviderProps } from './PresenceProvider';
export { GraphPresenceProvider } from './GraphPresenceProvider';
export { graphPresenceUi, type GraphPresenceUi } from './graphPresenceUi';
export { usePresenceData, type PresenceData } from './usePresenceData';
export {
  usePresenceBadgeState,
  type PresenceBadgeProps,
  type PresenceBadgeState,
  type PresenceStatus,
} from './usePresenceBadgeState';
export {
  StatusPicker,
  TYPEAHEAD_RESET_MS,
  type StatusChangeDetails,
  type StatusPickerProps,
} from './StatusPicker';
export { PresenceAvatar, initialsOf, type PresenceAvatarProps } from './PresenceAvatar';
export {
  PresenceRoster,
  ROSTER_CARD_MIN_WIDTH,
  ROSTER_COMPACT_WIDTH,
  ROSTER_ROW_HEIGHT,
  type PresenceRosterProps,
} from './PresenceRoster';
export {
  ROSTER_GROUPS,
  buildRosterRows,
  countRosterGroups,
  rosterGroupOf,
  type PresenceRosterPerson,
  type RosterFilter,
  type RosterGroup,
  type RosterSort,
} from './rosterRows';
export {
  STATUS_MESSAGE_EXPIRIES,
  STATUS_MESSAGE_LABELS,
  StatusMessageEditor,
  statusMessageExpiresAt,
  type StatusMessageEditorProps,
  type StatusMessageExpiry,
  type StatusMessageInput,
  type StatusMessageLabels,
} from './StatusMessageEditor';
export { presenceNote } from './presenceNote';
export { resolveRosterLabels, rosterDe, rosterEn, rosterFr, rosterJa, type PresenceRosterLabels } from './rosterLabels';
export { PresenceIcon, type IconGlyph, type PresenceIconProps } from './icons';
export {
  BUILT_IN_LABELS,
  de,
  en,
  enBadge,
  formatLabel,
  formatSince,
  fr,
  ja,
  mergeLabels,
  resolveLabels,
  type PresenceBadgeLabels,
  type PresenceLabels,
} from './labels';
export {
  PresenceUiContext,
  PresenceUiProvider,
  usePresenceUi,
  type PresenceUi,
  type PresenceUiContextValue,
  type PresenceUiOverrides,
  type PresenceUiProviderProps,
  type PresenceViewMode,
} from './PresenceUiContext';
export {
  AVATAR_BADGE_SIZE,
  AVATAR_SIZES,
  BADGE_SIZES,
  type PresenceAvatarSize,
  type PresenceBadgeSize,
  type PresenceBadgeSizeName,
} from './sizes';
export {
  GRAPH_LABELS,
  describeGraphPresence,
  graphEn,
  resolveGraphLabels,
  type GraphLabels,
  type GraphPresenceLook,
} from './graphPresence';
