import { useEffect, useRef, useState } from 'react';
import { isAffectedByIdle, type CategoryValue } from '../model';
import { usePresenceSync } from './PresenceContext';

export interface UseIdlePresenceOptions {
  /** Turn the behaviour on. @default true */
  enabled?: boolean | undefined;
  /** Minutes without input before the user is shown as away. @default 5 */
  idleAfterMinutes?: number | undefined;
  /**
   * Also count a hidden page as idle. Off by default: a dashboard left in a background tab says
   * nothing about whether its user is at their desk, and the AWAY would show everywhere.
   * @default false
   */
  whenHidden?: boolean | undefined;
  /** DOM events that count as activity. @default ['pointerdown','pointermove','keydown','wheel','touchstart'] */
  activityEvents?: readonly string[] | undefined;
}

const DEFAULT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Symphony's idle rule (SYM-SP-4) for apps used **outside** the Symphony client, which applies it
 * itself: after a while without input an AVAILABLE or BUSY user is set to AWAY with `soft`, and
 * their prior category comes back on activity, when the hook unmounts, and when the page goes
 * away (a keepalive request from `pagehide`), so no tab leaves a user AWAY behind it. Users in any
 * other category, OFFLINE included, are never touched, and a status the user picked meanwhile is
 * never overwritten.
 */
export function useIdlePresence(options: UseIdlePresenceOptions = {}): { idle: boolean } {
  const sync = usePresenceSync();
  const { enabled = true, idleAfterMinutes = 5, whenHidden = false } = options;
  const events = options.activityEvents ?? DEFAULT_EVENTS;
  const eventsKey = events.join(',');
  const [idle, setIdle] = useState(false);
  const prior = useRef<CategoryValue | undefined>(undefined);

  // The rule needs the own category; without a picker on the page nobody else would poll it.
  useEffect(() => (enabled ? sync.retain('self') : undefined), [sync, enabled]);

  useEffect(() => {
    if (!enabled || typeof window === 'undefined') return undefined;
    const idleMs = Math.max(1, idleAfterMinutes) * 60_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let isIdle = false;

    const current = () => sync.getState('self').presence?.category;
    const goIdle = () => {
      const now = current();
      if (isIdle || !now || !isAffectedByIdle(now)) return;
      isIdle = true;
      prior.current = now;
      setIdle(true);
      sync.setOwnPresence({ category: 'AWAY', soft: true }).catch(() => {
        // The failure is visible through the engine's rollback; nothing to restore later.
        isIdle = false;
        prior.current = undefined;
        setIdle(false);
      });
    };
    /** The category to put back, if this hook made the user AWAY and nobody changed it since. */
    const toRestore = (): CategoryValue | undefined => {
      if (!isIdle) return undefined;
      isIdle = false;
      const restore = prior.current;
      prior.current = undefined;
      return restore && current() === 'AWAY' ? restore : undefined;
    };
    const wake = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(goIdle, idleMs);
      if (!isIdle) return;
      setIdle(false);
      const restore = toRestore();
      if (restore) sync.setOwnPresence({ category: restore, soft: true }).catch(() => {});
    };
    const onVisibility = () => {
      if (!whenHidden) return;
      if (document.visibilityState === 'hidden') goIdle();
      else wake();
    };
    const onPageHide = () => {
      const restore = toRestore();
      // keepalive: the page is going, an ordinary request would be cancelled with it.
      if (restore) sync.client.setOwnPresence({ category: restore, soft: true }, { keepalive: true }).catch(() => {});
    };
    const list = eventsKey.split(',');
    for (const e of list) window.addEventListener(e, wake, { passive: true });
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', onPageHide);
    timer = setTimeout(goIdle, idleMs);
    return () => {
      if (timer) clearTimeout(timer);
      for (const e of list) window.removeEventListener(e, wake);
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', onPageHide);
      const restore = toRestore();
      if (restore) sync.setOwnPresence({ category: restore, soft: true }).catch(() => {});
    };
  }, [sync, enabled, idleAfterMinutes, whenHidden, eventsKey]);

  return { idle };
}
