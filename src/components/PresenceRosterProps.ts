import type { HTMLAttributes } from 'react';
import type { UsePresencesOptions } from '../hooks';
import type { PresenceLabels } from './labels';
import type { PresenceViewMode } from './PresenceUiContext';
import type { PresenceRosterLabels } from './rosterLabels';
import type { PresenceRosterPerson, RosterFilter, RosterSort } from './rosterRows';

/** Row heights in CSS pixels; the stylesheet gives rows the same heights (`.pw-roster__row`). */
export const ROSTER_ROW_HEIGHT = { group: 40, list: 64, cards: 84 } as const;
/** Narrowest card in the card layout, in CSS pixels. */
export const ROSTER_CARD_MIN_WIDTH = 260;
/** Below this width (CSS pixels) the status tiles fold behind one button. */
export const ROSTER_COMPACT_WIDTH = 560;

/** Props of {@link PresenceRoster}; other div attributes go to the root element. */
export interface PresenceRosterProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children' | 'defaultValue'> {
  /** The people, in any order. */
  people: readonly PresenceRosterPerson[];
  /** Accessible name of the grid (say what the list is: "Trading desk"). */
  'aria-label': string;
  /**
   * Read presence from the nearest `PresenceProvider` (one `usePresences` subscription for the
   * whole roster); `false` shows the `category`/`status` each person carries.
   * @default true inside a PresenceProvider, else false
   */
  live?: boolean;
  /** Passed to `usePresences` when live (`'pod'` reads the pod's own users in pages of 5,000). @default 'users' */
  source?: UsePresencesOptions['source'];
  /**
   * `cards` puts people side by side on wide screens; `list` keeps one per row; `auto` chooses
   * cards when at least two fit.
   * @default 'auto'
   */
  layout?: 'auto' | 'list' | 'cards';
  /** Heading rows per status group. @default true */
  grouped?: boolean;
  /** Which group is shown (controlled). */
  filter?: RosterFilter;
  /** Initial filter when uncontrolled. @default 'all' */
  defaultFilter?: RosterFilter;
  /** Called when the user picks a tile. */
  onFilterChange?: (filter: RosterFilter) => void;
  /** Order (controlled). */
  sort?: RosterSort;
  /** Initial order when uncontrolled. @default 'status' */
  defaultSort?: RosterSort;
  /** Called when the user picks an order. */
  onSortChange?: (sort: RosterSort) => void;
  /** `external` shows statuses as other companies see them. @default the PresenceUiProvider's view */
  view?: PresenceViewMode;
  /** BCP 47 tag for strings and name order. @default the PresenceUiProvider's locale */
  locale?: string;
  /** Single roster strings to replace. */
  rosterLabels?: Partial<PresenceRosterLabels>;
  /** Single badge strings to replace. */
  labels?: Partial<PresenceLabels>;
}
