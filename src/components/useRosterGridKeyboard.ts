import { useCallback, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { RosterRow } from './rosterRows';

/** Where the keyboard focus is: a row and a column of the grid. */
export interface Cell {
  row: number;
  col: number;
}

/** What the grid keyboard needs of the virtualised list. */
interface Scroller {
  scrollToIndex(index: number, options: { align: 'auto' }): void;
}

/** The key of the cell at `col` of `row` (a group heading is one cell). */
export const cellKeyOf = (row: RosterRow, col: number): string =>
  row.kind === 'group' ? row.key : (row.entries[Math.min(col, row.entries.length - 1)]?.key ?? row.key);

/** Where the cell with `key` is now; the first cell when it is gone. */
function findCell(rows: readonly RosterRow[], key: string | undefined): Cell {
  if (key !== undefined) {
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      if (row.kind === 'group' ? row.key === key : false) return { row: r, col: 0 };
      if (row.kind === 'people') {
        const c = row.entries.findIndex((e) => e.key === key);
        if (c >= 0) return { row: r, col: c };
      }
    }
  }
  return { row: 0, col: 0 };
}

/**
 * The roster grid's keyboard (WAI-ARIA APG data grid): arrows move between cells, Home/End
 * along the row (with Ctrl: to the first/last cell), PageUp/PageDown by a screenful; the focus
 * follows into rows the virtualiser renders on the way.
 */
export function useRosterGridKeyboard(
  rows: readonly RosterRow[],
  virtualizer: Scroller,
  gridRef: RefObject<HTMLElement | null>,
  rootRef: RefObject<HTMLElement | null>,
  pageRowHeight: number,
) {
  // Keyboard position, kept by key so that it follows the person when statuses reorder the rows.
  const [activeKey, setActiveKey] = useState<string | undefined>();
  const focusPending = useRef(false);
  const active = useMemo(() => findCell(rows, activeKey), [rows, activeKey]);

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
    const page = Math.max(1, Math.floor((gridRef.current?.clientHeight ?? 600) / pageRowHeight) - 1);
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

  return { active, setActiveKey, onGridKeyDown };
}
