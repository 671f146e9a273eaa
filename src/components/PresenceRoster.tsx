/*
 * Pattern: WAI-ARIA APG "data grid" (https://www.w3.org/WAI/ARIA/apg/patterns/grid/). People are
 * cells of a grid whose rows hold one person (narrow) or several cards (wide), with a heading row
 * per status group; one cell is in the tab order and the arrow keys move between cells.
 *
 * Why a grid and not a listbox: a listbox is for choosing, and nothing is chosen here; on wide
 * screens the cards also sit side by side, which a grid's two dimensions describe (Up/Down move
 * by row, Left/Right along it). Only rows in view are in the DOM (@tanstack/react-virtual), so
 * `aria-rowcount`/`aria-rowindex` tell assistive technology the full size.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  forwardRef,
  useCallback,
  useContext,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type HTMLAttributes,
  type KeyboardEvent,
  type CSSProperties,
  type RefObject,
} from 'react';
import { isPresenceApiError } from '../client';
import { PresenceContext, usePresenceSync, usePresences } from '../hooks';
import type { UserId } from '../model';
import type { UsePresencesOptions } from '../hooks';
import { PresenceAvatar } from './PresenceAvatar';
import { PresenceBadge } from './PresenceBadge';
import { PresenceIcon, type IconGlyph } from './icons';
import { formatLabel, type PresenceLabels } from './labels';
import { usePresenceUi, type PresenceViewMode } from './PresenceUiContext';
import { en } from './labels';
import { resolveRosterLabels, type PresenceRosterLabels } from './rosterLabels';
import {
  ROSTER_GROUPS,
  buildRosterRows,
  countRosterGroups,
  entryOf,
  type PresenceRosterPerson,
  type RosterEntry,
  type RosterFilter,
  type RosterGroup,
  type RosterRow,
  type RosterSort,
} from './rosterRows';
import { composeRefs } from './utils';

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

const GROUP_GLYPH: Readonly<Record<RosterGroup, IconGlyph>> = {
  available: 'check',
  busy: 'sign',
  away: 'clock',
  'out-of-office': 'circle',
  offline: 'cross',
  unknown: 'ring',
  loading: 'loading',
  error: 'error',
};
const GROUP_TONE: Readonly<Record<RosterGroup, string>> = {
  available: 'available',
  busy: 'busy',
  away: 'away',
  'out-of-office': 'out-of-office',
  offline: 'offline',
  unknown: 'unknown',
  loading: 'unknown',
  error: 'unknown',
};

/** Width of an element, kept up to date; 0 until measured (and in environments without layout). */
function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    setWidth(el.getBoundingClientRect().width);
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w !== undefined) setWidth(w);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

interface ViewProps extends Omit<PresenceRosterProps, 'live' | 'source'> {
  entries: readonly RosterEntry[];
}

/** Where the keyboard focus is: a row and a column of the grid. */
interface Cell {
  row: number;
  col: number;
}

const PresenceRosterView = forwardRef<HTMLDivElement, ViewProps>(function PresenceRosterView(props, ref) {
  const {
    entries,
    people: _people,
    'aria-label': ariaLabel,
    layout = 'auto',
    grouped = true,
    filter: filterProp,
    defaultFilter = 'all',
    onFilterChange,
    sort: sortProp,
    defaultSort = 'status',
    onSortChange,
    view,
    locale,
    rosterLabels,
    labels,
    className,
    ...rest
  } = props;
  const ui = usePresenceUi({ locale, labels, view }, en);
  const text = useMemo(() => resolveRosterLabels(ui.locale, rosterLabels), [ui.locale, rosterLabels]);
  const collator = useMemo(() => {
    try {
      return new Intl.Collator(ui.locale, { sensitivity: 'base' });
    } catch {
      return new Intl.Collator(undefined, { sensitivity: 'base' });
    }
  }, [ui.locale]);

  const [ownFilter, setOwnFilter] = useState<RosterFilter>(defaultFilter);
  const filter = filterProp ?? ownFilter;
  const chooseFilter = (next: RosterFilter) => {
    if (filterProp === undefined) setOwnFilter(next);
    onFilterChange?.(next);
  };
  const [ownSort, setOwnSort] = useState<RosterSort>(defaultSort);
  const sort = sortProp ?? ownSort;
  const [query, setQuery] = useState('');
  const [filterOpen, setFilterOpen] = useState(false);

  const rootRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const width = useWidth(rootRef);
  const compact = width > 0 && width < ROSTER_COMPACT_WIDTH;
  const fit = Math.max(1, Math.floor(width / ROSTER_CARD_MIN_WIDTH));
  const cards = layout === 'cards' || (layout === 'auto' && fit >= 2);
  const columns = cards ? fit : 1;

  const counts = useMemo(() => countRosterGroups(entries), [entries]);
  const { rows, shown } = useMemo(
    () => buildRosterRows(entries, { filter, query, sort, grouped, columns, collator }),
    [entries, filter, query, sort, grouped, columns, collator],
  );

  const rowHeight = (row: RosterRow | undefined): number =>
    row?.kind === 'group' ? ROSTER_ROW_HEIGHT.group : cards ? ROSTER_ROW_HEIGHT.cards : ROSTER_ROW_HEIGHT.list;
  // The compiler skips this component (the virtualiser's functions cannot be memoised); the rows
  // themselves are cheap, and only those in view render.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => gridRef.current,
    estimateSize: (i) => rowHeight(rows[i]),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 6,
    // Lets the first render (and layout-less test DOMs) draw a screenful before measuring.
    initialRect: { width: 800, height: 600 },
  });

  // Keyboard position, kept by key so that it follows the person when statuses reorder the rows.
  const [activeKey, setActiveKey] = useState<string | undefined>();
  const focusPending = useRef(false);
  const cellKeyOf = (row: RosterRow, col: number): string =>
    row.kind === 'group' ? row.key : (row.entries[Math.min(col, row.entries.length - 1)]?.key ?? row.key);
  const active = useMemo((): Cell => {
    if (activeKey !== undefined) {
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        if (row.kind === 'group' ? row.key === activeKey : false) return { row: r, col: 0 };
        if (row.kind === 'people') {
          const c = row.entries.findIndex((e) => e.key === activeKey);
          if (c >= 0) return { row: r, col: c };
        }
      }
    }
    return { row: 0, col: 0 };
  }, [rows, activeKey]);

  const moveTo = useCallback(
    (row: number, col: number) => {
      const r = Math.max(0, Math.min(rows.length - 1, row));
      const target = rows[r];
      if (!target) return;
      const c = target.kind === 'group' ? 0 : Math.max(0, Math.min(target.entries.length - 1, col));
      setActiveKey(cellKeyOf(target, c));
      focusPending.current = true;
      virtualizer.scrollToIndex(r, { align: 'auto' });
    },
    [rows, virtualizer],
  );

  // After a keyboard move, focus the cell once its row is rendered.
  useLayoutEffect(() => {
    if (!focusPending.current || activeKey === undefined) return;
    const cell = gridRef.current?.querySelector<HTMLElement>(`[data-cell-key="${CSS.escape(activeKey)}"]`);
    if (cell) {
      focusPending.current = false;
      cell.focus({ preventScroll: true });
    }
  });

  const rtl = () => rootRef.current?.closest('[dir]')?.getAttribute('dir') === 'rtl';
  const onGridKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const { row, col } = active;
    const page = Math.max(1, Math.floor((gridRef.current?.clientHeight ?? 600) / rowHeight(undefined)) - 1);
    const forward = rtl() ? 'ArrowLeft' : 'ArrowRight';
    const backward = rtl() ? 'ArrowRight' : 'ArrowLeft';
    const current = rows[row];
    const lastCol = current?.kind === 'people' ? current.entries.length - 1 : 0;
    switch (e.key) {
      case 'ArrowDown':
        moveTo(row + 1, col);
        break;
      case 'ArrowUp':
        moveTo(row - 1, col);
        break;
      case forward:
        if (col < lastCol) moveTo(row, col + 1);
        break;
      case backward:
        if (col > 0) moveTo(row, col - 1);
        break;
      case 'Home':
        moveTo(e.ctrlKey ? 0 : row, 0);
        break;
      case 'End':
        moveTo(e.ctrlKey ? rows.length - 1 : row, e.ctrlKey ? Number.MAX_SAFE_INTEGER : lastCol);
        break;
      case 'PageDown':
        moveTo(row + page, col);
        break;
      case 'PageUp':
        moveTo(row - page, col);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const id = useId();
  const tilesId = `${id}tiles`;
  const visibleGroups = ROSTER_GROUPS.filter(
    (g) => counts[g] > 0 || g === filter || (g !== 'loading' && g !== 'error' && g !== 'unknown'),
  );
  const filterName = filter === 'all' ? text.all : text[filter];
  const filterCount = filter === 'all' ? entries.length : counts[filter];

  const items = virtualizer.getVirtualItems();
  // The cell in the tab order: the active one when rendered, else the first rendered one.
  const renderedKeys = new Set<string>();
  for (const item of items) {
    const row = rows[item.index];
    if (!row) continue;
    if (row.kind === 'group') renderedKeys.add(row.key);
    else for (const e of row.entries) renderedKeys.add(e.key);
  }
  const activeCellKey = rows[active.row] ? cellKeyOf(rows[active.row]!, active.col) : undefined;
  const tabKey =
    activeCellKey !== undefined && renderedKeys.has(activeCellKey) ? activeCellKey : renderedKeys.values().next().value;

  const mergedRef = useMemo(() => composeRefs(rootRef, ref), [ref]);

  return (
    <div
      {...rest}
      className={className ? `pw-roster ${className}` : 'pw-roster'}
      data-layout={cards ? 'cards' : 'list'}
      data-compact={compact ? '' : undefined}
      ref={mergedRef}
    >
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
              <span className="pw-roster__tile-count">{entries.length}</span>
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
            <input type="search" value={query} onChange={(e) => setQuery(e.currentTarget.value)} />
          </label>
          <label className="pw-roster__field">
            <span>{text.sortBy}</span>
            <select
              value={sort}
              onChange={(e) => {
                const next = e.currentTarget.value as RosterSort;
                if (sortProp === undefined) setOwnSort(next);
                onSortChange?.(next);
              }}
            >
              <option value="status">{text.sortStatus}</option>
              <option value="name">{text.sortName}</option>
              <option value="recent">{text.sortRecent}</option>
            </select>
          </label>
        </div>
      </div>
      <p className="pw-roster__summary" role="status">
        {formatLabel(text.showing, { shown: String(shown), total: String(entries.length) })}
      </p>
      {rows.length === 0 ? (
        <p className="pw-roster__empty">{text.empty}</p>
      ) : (
        <div
          ref={gridRef}
          role="grid"
          aria-label={ariaLabel}
          aria-rowcount={rows.length}
          aria-colcount={columns}
          className="pw-roster__grid"
          onKeyDown={onGridKeyDown}
        >
          {/* Sizes set through the CSS object model (not a style attribute), which a strict CSP allows. */}
          <div
            role="rowgroup"
            className="pw-roster__rows"
            style={{ height: virtualizer.getTotalSize(), '--pw-roster-columns': columns } as CSSProperties}
          >
            {items.map((item) => {
              const row = rows[item.index]!;
              return (
                <div
                  key={item.key}
                  role="row"
                  aria-rowindex={item.index + 1}
                  className="pw-roster__row"
                  data-kind={row.kind}
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  {row.kind === 'group' ? (
                    <div
                      role="columnheader"
                      aria-colspan={columns}
                      className="pw-roster__group"
                      data-group={row.group}
                      data-tone={GROUP_TONE[row.group]}
                      data-cell-key={row.key}
                      tabIndex={tabKey === row.key ? 0 : -1}
                      onFocus={() => setActiveKey(row.key)}
                    >
                      <PresenceIcon glyph={GROUP_GLYPH[row.group]} />
                      {formatLabel(text.groupHeading, { group: text[row.group], count: String(row.count) })}
                    </div>
                  ) : (
                    row.entries.map((entry, c) => (
                      <div
                        key={entry.key}
                        role="gridcell"
                        aria-colindex={c + 1}
                        className="pw-roster__cell"
                        data-group={entry.group}
                        data-cell-key={entry.key}
                        tabIndex={tabKey === entry.key ? 0 : -1}
                        onFocus={() => setActiveKey(entry.key)}
                      >
                        <PresenceAvatar
                          name={entry.person.name}
                          src={entry.person.src}
                          size={cards ? 48 : 40}
                          category={entry.category}
                          status={entry.status}
                          graph={entry.graph}
                          view={ui.view}
                          labels={labels}
                          locale={locale}
                          aria-hidden="true"
                        />
                        <span className="pw-roster__text">
                          <span className="pw-roster__name">{entry.person.name}</span>
                          {entry.person.detail && <span className="pw-roster__detail">{entry.person.detail}</span>}
                          <span className="pw-roster__status">
                            <PresenceBadge
                              category={entry.category}
                              status={entry.status}
                              graph={entry.graph}
                              view={ui.view}
                              labels={labels}
                              locale={locale}
                              size="small"
                              showLabel
                            />
                            {/* Seen here; the badge already reads the note to assistive technology. */}
                            {entry.note !== undefined && (
                              <span className="pw-roster__note" aria-hidden="true">
                                {entry.note}
                              </span>
                            )}
                          </span>
                        </span>
                      </div>
                    ))
                  )}
                </div>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
});

/** Live roster: one `usePresences` for everyone; a failed read shows as such, never as offline. */
const ConnectedPresenceRoster = forwardRef<HTMLDivElement, PresenceRosterProps>(function ConnectedPresenceRoster(
  { people, source, ...props },
  ref,
) {
  const sync = usePresenceSync();
  const ids = useMemo(() => people.map((p) => p.id), [people]);
  const { data, errors } = usePresences(ids, { source });
  const entries = useMemo(
    () =>
      people.map((person) => {
        let key: UserId;
        try {
          key = String(sync.keyOf(person.id)) as UserId;
        } catch {
          return entryOf(String(person.id), person, { status: 'not-found' });
        }
        const error = errors.get(key);
        if (error) {
          const kind = isPresenceApiError(error) ? error.kind : undefined;
          return entryOf(key, person, { status: kind === 'forbidden' ? 'forbidden' : kind === 'not-found' ? 'not-found' : 'error' });
        }
        const presence = data.get(key);
        return entryOf(
          key,
          person,
          presence
            ? { status: 'ready', category: presence.category, timestamp: presence.timestamp, graph: presence.graph }
            : { status: 'loading' },
        );
      }),
    [people, data, errors, sync],
  );
  return <PresenceRosterView {...props} people={people} entries={entries} ref={ref} />;
});

/**
 * A roster for dashboards: people with avatar, name and status, grouped by status with a count
 * tile per group (the tiles filter), a name search and a sort, virtualised so thousands of
 * people scroll smoothly. Cards sit side by side on wide screens; the tiles fold behind one
 * button on narrow ones. Inside a `PresenceProvider` it reads everyone's presence live.
 *
 * ```tsx
 * <PresenceRoster aria-label="Rates desk" people={[{ id: '12987981103204', name: 'Ada Lovelace' }]} />
 * ```
 */
export const PresenceRoster = forwardRef<HTMLDivElement, PresenceRosterProps>(function PresenceRoster(
  { live: liveProp, source, ...props },
  ref,
) {
  const inProvider = useContext(PresenceContext) !== null;
  const live = liveProp ?? inProvider;
  const entries = useMemo(() => (live ? [] : props.people.map((p) => entryOf(String(p.id), p))), [live, props.people]);
  return live ? (
    <ConnectedPresenceRoster {...props} source={source} ref={ref} />
  ) : (
    <PresenceRosterView {...props} entries={entries} ref={ref} />
  );
});
