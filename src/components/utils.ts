import type { Ref, RefCallback, SyntheticEvent } from 'react';

/**
 * Runs the caller's handler first, then ours unless the caller called `preventDefault()`
 * (the Radix convention, so users can opt out of built-in behaviour per event).
 */
export function composeEventHandlers<E extends SyntheticEvent>(
  theirs: ((event: E) => void) | undefined,
  ours: (event: E) => void,
): (event: E) => void {
  return (event) => {
    theirs?.(event);
    if (!event.defaultPrevented) ours(event);
  };
}

/** One callback ref that feeds several refs (object or function). */
export function composeRefs<T>(...refs: readonly (Ref<T> | undefined)[]): RefCallback<T> {
  return (node) => {
    for (const ref of refs) {
      if (typeof ref === 'function') ref(node);
      else if (ref) (ref as { current: T | null }).current = node;
    }
  };
}
