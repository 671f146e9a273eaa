/*
 * Where the picker's list goes, measured from the DOM alone: shared by the React `StatusPicker`
 * (useListPlacement) and the `<presence-status-picker>` element, which must not import React.
 */

/** Where the list sits: below or above the button, and which of its edges it lines up with. */
export interface ListPlacement {
  side: 'bottom' | 'top';
  /** `end`: the list's inline-end edge on the button's (the list grows towards the start). */
  align: 'start' | 'end';
  /** Room left when the list fits on neither side, in CSS pixels. */
  maxHeight?: number | undefined;
}

/** Space kept between the list and the window's edges, in CSS pixels. */
const VIEWPORT_MARGIN = 8;

/**
 * Chooses the list's side and alignment so that it stays inside the window: below unless it only
 * fits above, lined up with the button's far (inline-end) edge unless it only fits the other way,
 * in either writing direction. When it fits neither way it takes the side with more room and
 * scrolls inside (`--pw-listbox-max-height`), so the page itself never scrolls.
 */
export function placeList(button: DOMRect, list: HTMLElement, trigger: HTMLElement): ListPlacement {
  const view = document.documentElement;
  const width = view.clientWidth || window.innerWidth;
  const height = window.innerHeight || view.clientHeight;
  const rtl = getComputedStyle(trigger).direction === 'rtl';
  // scrollHeight: the list's full height even when a previous placement capped it.
  const listHeight = list.scrollHeight + 2;
  const listWidth = list.offsetWidth;
  const gap = 4;
  const below = height - button.bottom - gap - VIEWPORT_MARGIN;
  const above = button.top - gap - VIEWPORT_MARGIN;
  const side = listHeight <= below || below >= above ? 'bottom' : 'top';
  const room = side === 'bottom' ? below : above;
  // Room for the list growing from each edge of the button.
  const towardStart = rtl ? width - button.left - VIEWPORT_MARGIN : button.right - VIEWPORT_MARGIN;
  const towardEnd = rtl ? button.right - VIEWPORT_MARGIN : width - button.left - VIEWPORT_MARGIN;
  const align = listWidth <= towardStart || towardStart >= towardEnd ? 'end' : 'start';
  return { side, align, maxHeight: listHeight > room ? Math.max(room, 0) : undefined };
}
