import { useEffect, useState } from 'react';
import type { SymphonyClient } from '../client';
import type { PresenceSync } from '../sync';

// StrictMode unmounts and remounts at once; destroying on the next tick (cancelled by the
// remount) keeps one engine alive instead of leaving a destroyed one in use.
const pendingDestroy = new WeakMap<PresenceSync, ReturnType<typeof setTimeout>>();

/**
 * One started engine per client for a provider: created without side effects during render,
 * started by an effect, replaced when the client changes, destroyed after unmount.
 */
export function usePresenceEngine(client: SymphonyClient, create: () => PresenceSync): PresenceSync {
  const [engine, setEngine] = useState(create);
  useEffect(() => {
    // Replacing the engine is the point of this effect: a new client needs a new engine.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (engine.client !== client || engine.isDestroyed) setEngine(create());
    // Options are read once per engine: a new client (or a remount) applies new ones.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, engine]);

  useEffect(() => {
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
  }, [engine]);
  return engine;
}
