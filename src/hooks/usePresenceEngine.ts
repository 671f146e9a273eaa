import { useEffect, useState } from 'react';
import type { SymphonyClient } from '../client';
import type { PresenceSync } from '../sync';

// StrictMode unmounts and remounts at once; destroying on the next tick (cancelled by the
// remount) keeps one engine alive instead of leaving a destroyed one in use.
const pendingDestroy = new WeakMap<PresenceSync, ReturnType<typeof setTimeout>>();

/**
 * One started engine per client for a provider: created without side effects during render,
 * started by an effect, replaced when the client changes, destroyed after unmount.
 * With `shared` (an engine someone else started and will destroy, such as the custom elements'
 * `configurePresence`), that engine is used as it is and none is created.
 */
export function usePresenceEngine(client: SymphonyClient, create: () => PresenceSync, shared?: PresenceSync): PresenceSync {
  const [own, setEngine] = useState(() => (shared ? undefined : create()));
  // Keeps the page's engine for the one render between dropping `shared` and creating our own.
  // (State set during render: React's pattern for remembering a prop of an earlier render.)
  const [lastShared, setLastShared] = useState(shared);
  if (shared && shared !== lastShared) setLastShared(shared);
  useEffect(() => {
    if (shared) return;
    // Replacing the engine is the point of this effect: a new client needs a new engine.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (!own || own.client !== client || own.isDestroyed) setEngine(create());
    // Options are read once per engine: a new client (or a remount) applies new ones.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, own, shared]);

  useEffect(() => {
    const engine = own;
    if (!engine) return;
    const timer = pendingDestroy.get(engine);
    if (timer) clearTimeout(timer);
    pendingDestroy.delete(engine);
    engine.start();
    return () => {
      pendingDestroy.set(
        engine,
        setTimeout(() => {
          pendingDestroy.delete(engine);
          engine.destroy();
        }, 0),
      );
    };
  }, [own]);
  return (shared ?? own ?? lastShared)!;
}
