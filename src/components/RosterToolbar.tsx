import { useId, useState } from 'react';
import { PresenceIcon, type IconGlyph } from './icons';
import { formatLabel } from './labels';
import type { PresenceRosterLabels } from './rosterLabels';
import { ROSTER_GROUPS, type RosterFilter, type RosterGroup, type RosterSort } from './rosterRows';

export const GROUP_GLYPH: Readonly<Record<RosterGroup, IconGlyph>> = {
  available: 'check',
  busy: 'sign',
  away: 'clock',
  'out-of-office': 'circle',
  offline: 'cross',
  unknown: 'ring',
  loading: 'loading',
  error: 'error',
};
export const GROUP_TONE: Readonly<Record<RosterGroup, string>> = {
  available: 'available',
  busy: 'busy',
  away: 'away',
  'out-of-office': 'out-of-office',
  offline: 'offline',
  unknown: 'unknown',
  loading: 'unknown',
  error: 'unknown',
};

/** What {@link RosterToolbar} shows and reports. */
export interface RosterToolbarProps {
  text: PresenceRosterLabels;
  /** Fold the tiles behind one button (narrow roster). */
  compact: boolean;
  filter: RosterFilter;
  onFilterChange: (filter: RosterFilter) => void;
  sort: RosterSort;
  onSortChange: (sort: RosterSort) => void;
  query: string;
  onQueryChange: (query: string) => void;
  /** People per group, and in all. */
  counts: Readonly<Record<RosterGroup, number>>;
  total: number;
}

/** The roster's toolbar: a count tile per status group (the tiles filter), the search and the sort. */
export function RosterToolbar({ text, compact, filter, onFilterChange: chooseFilter, sort, onSortChange, query, onQueryChange, counts, total }: RosterToolbarProps) {
  const [filterOpen, setFilterOpen] = useState(false);
  const tilesId = `${useId()}tiles`;
  const visibleGroups = ROSTER_GROUPS.filter(
    (g) => counts[g] > 0 || g === filter || (g !== 'loading' && g !== 'error' && g !== 'unknown'),
  );
  const filterName = filter === 'all' ? text.all : text[filter];
  const filterCount = filter === 'all' ? total : counts[filter];
  return (
    <div className="pw-roster__toolbar">
      <div className="pw-roster__filter" role="group" aria-label={text.filterByStatus}>
        {compact && (
          <button
            type="button"
            className="pw-roster__filter-toggle"
            aria-expanded={filterOpen}
            aria-controls={tilesId}
            onClick={() => setFilterOpen((o) => !o)}
          >
            {formatLabel(text.filterShowing, { group: filterName, count: String(filterCount) })}
            {/* Presentation attributes, not a style: a strict CSP allows them. */}
            <svg width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true" focusable="false">
              <path d="M4 6l4 4 4-4" />
            </svg>
          </button>
        )}
        <div id={tilesId} className="pw-roster__tiles" hidden={compact && !filterOpen}>
          <button
            type="button"
            className="pw-roster__tile"
            data-group="all"
            aria-pressed={filter === 'all'}
            onClick={() => chooseFilter('all')}
          >
            <span className="pw-roster__tile-label">{text.all}</span>
            <span className="pw-roster__tile-count">{total}</span>
          </button>
          {visibleGroups.map((g) => (
            <button
              key={g}
              type="button"
              className="pw-roster__tile"
              data-group={g}
              data-tone={GROUP_TONE[g]}
              aria-pressed={filter === g}
              onClick={() => {
                chooseFilter(filter === g ? 'all' : g);
                if (compact) setFilterOpen(false);
              }}
            >
              <span className="pw-roster__tile-label">
                <PresenceIcon glyph={GROUP_GLYPH[g]} />
                {text[g]}
              </span>
              <span className="pw-roster__tile-count">{counts[g]}</span>
            </button>
          ))}
        </div>
      </div>
      <div className="pw-roster__controls">
        <label className="pw-roster__field">
          <span>{text.search}</span>
          <input type="search" value={query} onChange={(e) => onQueryChange(e.currentTarget.value)} />
        </label>
        <label className="pw-roster__field">
          <span>{text.sortBy}</span>
          <select
            value={sort}
            onChange={(e) => onSortChange(e.currentTarget.value as RosterSort)}
          >
            <option value="status">{text.sortStatus}</option>
            <option value="name">{text.sortName}</option>
            <option value="recent">{text.sortRecent}</option>
          </select>
        </label>
      </div>
    </div>
  );
}
