import { useEffect, useState } from 'react';

/**
 * "Now", ticking once a second while `dueAt` lies ahead, for the "updating in 2:14" of a last
 * known status; `undefined` (no timer at all) otherwise, so rosters of fresh badges pay nothing.
 */
export function useCountdownClock(dueAt: number | undefined): number | undefined {
  const [now, setNow] = useState<number | undefined>(undefined);
  useEffect(() => {
    if (dueAt === undefined) return undefined;
    const tick = () => setNow(Date.now());
    tick();
    const timer = setInterval(() => {
      tick();
      if (Date.now() >= dueAt) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [dueAt]);
  return dueAt === undefined ? undefined : now;
}
