import { useEffect, useRef, useState } from 'react';
import { isAffectedByIdle, type CategoryValue } from '../model';
import { usePresenceSync } from './PresenceContext';

export interface UseIdlePresenceOptions {
  /** Turn the behaviour on. @default true */
  enabled?: boolean | undefined;
  /** Minutes without input before the user is shown as away. @default 5 */
  idleAfterMinutes?: number | undefined;
  /** Also go away while the page is hidden. @default true */
  whenHidden?: boolean | undefined;
  /** DOM events that count as activity. @default ['pointerdown','pointermove','keydown','wheel','touchstart'] */
  activityEvents?: readonly string[] | undefined;
}

const DEFAULT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Symphony's idle rule for apps outside the Symphony client: after a while without input (or
 * while the page is hidden) an AVAILABLE or BUSY user is set to AWAY with `soft`, and their prior
 * category comes back on activity. Categories the rule leaves alone (on the phone, out of
 * office, ...) are never touched.
 */
export function useIdlePresence(options: UseIdlePresenceOptions = {}): { idle: boolean } {
  const sync = usePresenceSync();
  const { enabled = true, idleAfterMinutes = 5, whenHidden = true } = options;
  const events = options.activityEvents ?? DEFAULT_EVENTS;
  const eventsKey = events.join(',');
  const [idle, setIdle] = useState(false);
  const prior = useRef<CategoryValue | undefined>(undefined);

  useEffect(() => {
    if (!enabled || typeof window === 'undefined') return undefined;
    const idleMs = Math.max(1, idleAfterMinutes) * 60_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let isIdle = false;

    const goIdle = () => {
      if (isIdle) return;
      const current = sync.getState('self').presence?.category;
      if (!current || !isAffectedByIdle(current)) return;
      isIdle = true;
      prior.current = current;
      setIdle(true);
      sync.setOwnPresence({ category: 'AWAY', soft: true }).catch(() => {
        // The failure is visible through the engine's rollback; nothing to restore later.
        isIdle = false;
        prior.current = undefined;
        setIdle(false);
      });
    };
    const wake = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(goIdle, idleMs);
      if (!isIdle) return;
      isIdle = false;
      setIdle(false);
      const restore = prior.current;
      prior.current = undefined;
      // Only restore if nobody changed the status meanwhile (e.g. picked "On the phone").
      if (restore && sync.getState('self').presence?.category === 'AWAY') {
        sync.setOwnPresence({ category: restore, soft: true }).catch(() => {});
      }
    };
    const onVisibility = () => {
      if (!whenHidden) return;
      if (document.visibilityState === 'hidden') goIdle();
      else wake();
    };
    const list = eventsKey.split(',');
    for (const e of list) window.addEventListener(e, wake, { passive: true });
    document.addEventListener('visibilitychange', onVisibility);
    timer = setTimeout(goIdle, idleMs);
    return () => {
      if (timer) clearTimeout(timer);
      for (const e of list) window.removeEventListener(e, wake);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [sync, enabled, idleAfterMinutes, whenHidden, eventsKey]);

  return { idle };
}
