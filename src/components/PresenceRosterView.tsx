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
import { forwardRef, useMemo, useRef, useState, type CSSProperties } from 'react';
import { PresenceAvatar } from './PresenceAvatar';
import { PresenceBadge } from './PresenceBadge';
import { ROSTER_CARD_MIN_WIDTH, ROSTER_COMPACT_WIDTH, ROSTER_ROW_HEIGHT, type PresenceRosterProps } from './PresenceRosterProps';
import { PresenceIcon } from './icons';
import { en, formatLabel } from './labels';
import { usePresenceUi } from './PresenceUiContext';
import { resolveRosterLabels } from './rosterLabels';
import { buildRosterRows, countRosterGroups, type RosterEntry, type RosterFilter, type RosterRow, type RosterSort } from './rosterRows';
import { GROUP_GLYPH, GROUP_TONE, RosterToolbar } from './RosterToolbar';
import { useControllableState } from './useControllableState';
import { cellKeyOf, useRosterGridKeyboard } from './useRosterGridKeyboard';
import { useWidth } from './useWidth';
import { composeRefs } from './utils';

export interface PresenceRosterViewProps extends Omit<PresenceRosterProps, 'live' | 'source'> {
  entries: readonly RosterEntry[];
}

export const PresenceRosterView = forwardRef<HTMLDivElement, PresenceRosterViewProps>(function PresenceRosterView(props, ref) {
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

  const [filterState, setOwnFilter] = useControllableState<RosterFilter>(filterProp, defaultFilter);
  const filter = filterState ?? 'all';
  const chooseFilter = (next: RosterFilter) => {
    setOwnFilter(next);
    onFilterChange?.(next);
  };
  const [sortState, setOwnSort] = useControllableState<RosterSort>(sortProp, defaultSort);
  const sort = sortState ?? 'status';
  const chooseSort = (next: RosterSort) => {
    setOwnSort(next);
    onSortChange?.(next);
  };
  const [query, setQuery] = useState('');

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
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => gridRef.current,
    estimateSize: (i) => rowHeight(rows[i]),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 6,
    // Lets the first render (and layout-less test DOMs) draw a screenful before measuring.
    initialRect: { width: 800, height: 600 },
  });

  const { active, setActiveKey, onGridKeyDown } = useRosterGridKeyboard(rows, virtualizer, gridRef, rootRef, rowHeight(undefined));

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
      <RosterToolbar
        text={text}
        compact={compact}
        filter={filter}
        onFilterChange={chooseFilter}
        sort={sort}
        onSortChange={chooseSort}
        query={query}
        onQueryChange={setQuery}
        counts={counts}
        total={entries.length}
      />
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
