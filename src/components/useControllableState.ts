import { useCallback, useState } from 'react';

/**
 * Radix-style controllable state: the prop when given (controlled), else the component's own
 * state starting at `defaultProp`. The setter changes the own state only; telling the owner
 * (`onValueChange`, `onOpenChange`) stays with the caller, which knows when a change is real.
 */
export function useControllableState<T>(prop: T | undefined, defaultProp: T | undefined): readonly [T | undefined, (next: T) => void] {
  const [own, setOwn] = useState(defaultProp);
  const controlled = prop !== undefined;
  const set = useCallback(
    (next: T): void => {
      if (!controlled) setOwn(next);
    },
    [controlled],
  );
  return [controlled ? prop : own, set] as const;
}
