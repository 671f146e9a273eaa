import { useLayoutEffect, useState, type RefObject } from 'react';
import { placeList, type ListPlacement } from './listPlacement';

export type { ListPlacement } from './listPlacement';

/**
 * Where the open list goes: measured before it is painted, and again when the window is resized
 * or anything under it scrolls.
 */
export function useListPlacement(
  open: boolean,
  triggerRef: RefObject<HTMLElement | null>,
  listRef: RefObject<HTMLElement | null>,
): ListPlacement {
  const [placement, setPlacement] = useState<ListPlacement>({ side: 'bottom', align: 'end' });
  useLayoutEffect(() => {
    if (!open) return undefined;
    const place = (): void => {
      const trigger = triggerRef.current;
      const list = listRef.current;
      if (!trigger || !list) return;
      const next = placeList(trigger.getBoundingClientRect(), list, trigger);
      setPlacement((p) => (p.side === next.side && p.align === next.align && p.maxHeight === next.maxHeight ? p : next));
    };
    place();
    window.addEventListener('resize', place);
    // Capture: scrolling any ancestor moves the button.
    window.addEventListener('scroll', place, true);
    return () => {
      window.removeEventListener('resize', place);
      window.removeEventListener('scroll', place, true);
    };
  }, [open, triggerRef, listRef]);
  return placement;
}
