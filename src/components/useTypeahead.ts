import { useCallback, useEffect, useRef } from 'react';

/** How long typed letters keep adding to the typeahead search, in milliseconds. */
export const TYPEAHEAD_RESET_MS = 500;

/** A list's typeahead (WAI-ARIA APG listbox): typing letters jumps to the matching option. */
export interface Typeahead {
  /**
   * Adds `key` to the search term and returns the index of the first option at or after `from`
   * whose label starts with it (wrapping), or -1. Letters typed within TYPEAHEAD_RESET_MS of each
   * other form one term; the same letter repeated cycles through the options starting with it.
   */
  search(key: string, from: number): number;
  /** Forgets the term (the list closed). */
  reset(): void;
  /** Whether a term is being typed (a space then belongs to it rather than choosing). */
  typing(): boolean;
}

/** Typeahead over `count` options whose labels `labelAt` gives. */
export function useTypeahead(count: number, labelAt: (index: number) => string): Typeahead {
  const typed = useRef<{ text: string; timer?: ReturnType<typeof setTimeout> }>({ text: '' });

  const reset = useCallback(() => {
    clearTimeout(typed.current.timer);
    typed.current.text = '';
  }, []);

  useEffect(() => () => clearTimeout(typed.current.timer), []);

  return {
    search(key, from) {
      const t = typed.current;
      clearTimeout(t.timer);
      t.text += key.toLowerCase();
      // The global setTimeout is looked up at call time, so fake timers in tests control it.
      t.timer = setTimeout(() => {
        t.text = '';
      }, TYPEAHEAD_RESET_MS);
      const text = t.text;
      const repeated = [...text].every((c) => c === text[0]);
      const term = repeated ? text.slice(0, 1) : text;
      const start = repeated ? from + 1 : Math.max(from, 0);
      for (let k = 0; k < count; k++) {
        const i = (start + k) % count;
        if (labelAt(i).toLowerCase().startsWith(term)) return i;
      }
      return -1;
    },
    reset,
    typing: () => typed.current.text !== '',
  };
}
