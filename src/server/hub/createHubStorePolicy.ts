import type { HubContext, HubOperations } from './HubContext';

type StorePolicy = Pick<HubOperations, 'report' | 'storeFailed' | 'storeAnswered' | 'takeLease' | 'releaseLease'>;

/**
 * What a node does when something fails: errors go to `onError` (once per store outage), and
 * leases fall back to the node's own while the shared store stays away for a whole interval.
 */
export function createHubStorePolicy(ctx: HubContext): StorePolicy {
  const { store, localLeases } = ctx;
  const { intervalMs } = ctx.config;

  function report(error: unknown, during: string): void {
    // Reads still in flight when the hub closed fail as the app shuts the pod connection: noise.
    if (ctx.closed) return;
    try {
      ctx.options.onError?.(error, { during });
    } catch {
      // A failing logger must not break the hub.
    }
  }

  function storeFailed(error: unknown, during: string): void {
    if (!ctx.degraded) report(error, `store: ${during}`);
    ctx.degraded = true;
  }

  function storeAnswered(): void {
    ctx.degraded = false;
    ctx.storeFailingSince = undefined;
  }

  /** True: read; false: another node holds it; 'later': the store did not answer, ask again. */
  async function takeLease(key: string, owner: string, t: number): Promise<boolean | 'later'> {
    try {
      const ok = await store.takeLease(key, owner, intervalMs * 2);
      storeAnswered();
      return ok;
    } catch (error) {
      storeFailed(error, 'lease');
      // A slow answer (a busy node, a Redis hiccup) is asked again on the next tick: reading
      // now could double another node's read. Only a store that has failed for a whole interval
      // is given up on: each node then reads for its own viewers, at most once per node per
      // interval, so viewers keep their updates while Redis is away.
      ctx.storeFailingSince ??= t;
      if (t - ctx.storeFailingSince < intervalMs) return 'later';
      for (const [k, until] of localLeases) if (until <= t) localLeases.delete(k);
      if (localLeases.has(key)) return false;
      localLeases.set(key, t + intervalMs * 2);
      return true;
    }
  }

  async function releaseLease(key: string, owner: string): Promise<void> {
    localLeases.delete(key);
    await store.releaseLease(key, owner).catch((error: unknown) => storeFailed(error, 'lease release'));
  }

  return { report, storeFailed, storeAnswered, takeLease, releaseLease };
}
