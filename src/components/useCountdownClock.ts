import { useSyncExternalStore } from 'react';

// One ticker for the page however many badges count down (after a reload every external user
// may), running only while one does, and moving only when the second shown changes.
const listeners = new Set<() => void>();
let second = 0;
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    second = Math.floor(Date.now() / 1000);
    timer = setInterval(() => {
      const next = Math.floor(Date.now() / 1000);
      if (next === second) return;
      second = next;
      for (const l of [...listeners]) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const noSubscribe = () => () => {};
const snapshot = () => second * 1000;
const serverSnapshot = () => undefined;

/**
 * "Now", to the second, while `dueAt` lies ahead, for the "updating in 2:14" of a last known
 * status; `undefined` otherwise, so badges with a current status subscribe to nothing.
 */
export function useCountdownClock(dueAt: number | undefined): number | undefined {
  const counting = dueAt !== undefined;
  const now = useSyncExternalStore(counting ? subscribe : noSubscribe, counting ? snapshot : serverSnapshot, serverSnapshot);
  // Before the first tick the ticker's second may be stale; never show a wait longer than real.
  return counting ? Math.max(now ?? 0, Math.floor(Date.now() / 1000) * 1000) : undefined;
}
