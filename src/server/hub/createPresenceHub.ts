import { createMemoryGuardStore } from '../createMemoryGuardStore';
import { createExternalReads } from './createExternalReads';
import { createHubReads } from './createHubReads';
import { createHubRouter } from './createHubRouter';
import { createHubStorePolicy } from './createHubStorePolicy';
import { createHubStreams } from './createHubStreams';
import { createHubSubscriptions } from './createHubSubscriptions';
import { createMemoryHubStore } from './createMemoryHubStore';
import { createPodCaller } from './createPodCaller';
import type { HubContext, HubOperations } from './HubContext';
import { hubProblem } from './hubProblem';
import type { PresenceHub, PresenceHubOptions } from './PresenceHubOptions';
import { resolveHubOptions } from './resolveHubOptions';

export type { PresenceHub, PresenceHubOptions, PresenceHubStats } from './PresenceHubOptions';

/**
 * Creates a presence hub: pages open one server-sent-events stream, say which users they show,
 * and receive their presence as it changes, while the pod is read once per interval per
 * internal user for all viewers of a company, and per viewer session, within Symphony's rules,
 * for external users. See docs/presence-hub.md.
 *
 * - `GET {mountPath}/stream[?ids=1,2]`: the stream (authenticated like the proxy: the same
 *   `getSessionToken`, the same cross-site refusal). Events: `ready` (`{stream, tenant, intervalMs,
 *   externalIntervalMs}`: `tenant` is the viewer's company), `presence` (an array of `{userId, category, timestamp, observedAt}`),
 *   `presence-error` (an array of `{userId, status, message}`), `closing` (`{reason}`).
 * - `POST {mountPath}/subscriptions` with `{stream, add?: ids, remove?: ids}`: changes what a
 *   stream watches without reconnecting; 202. Any node accepts it (it is relayed to the node
 *   holding the stream), so load balancers need no sticky sessions.
 *
 * @example
 * const hub = createPresenceHub({ podUrl: process.env.POD_URL!, getSessionToken: (req) => oboTokenFor(req) });
 * http.createServer(toNodeListener(hub.handle)).listen(8080);
 */
export function createPresenceHub(options: PresenceHubOptions): PresenceHub {
  const config = resolveHubOptions(options);
  // Each file below answers one question about the node; they call one another through `ctx`.
  const state: Omit<HubContext, keyof HubOperations> = {
    options,
    config,
    store: options.store ?? createMemoryHubStore(),
    guard: options.guardStore ?? createMemoryGuardStore(),
    now: options.now ?? Date.now,
    streams: new Map(),
    sessions: new Map(),
    watches: new Map(),
    tenantChannels: new Map(),
    localLeases: new Map(),
    tenantLookups: new Map(),
    externalDue: new Map(),
    counts: { internal: 0, external: 0, registrations: 0, own: 0 },
    closed: false,
    degraded: false,
    storeFailingSince: undefined,
    controlOff: undefined,
    controlPending: false,
    watchSerial: 0,
  };
  const ctx = state as HubContext;
  Object.assign(
    ctx,
    createHubStorePolicy(ctx),
    createHubStreams(ctx),
    createHubSubscriptions(ctx),
    createPodCaller(ctx),
    createHubReads(ctx),
    createExternalReads(ctx),
  );
  const handle = createHubRouter(ctx);
  const { streams, sessions, watches, externalDue, tenantChannels, counts } = ctx;

  function tick(): void {
    if (ctx.closed) return;
    const t = ctx.now();
    for (const [key, due] of externalDue) if (due <= t) externalDue.delete(key);
    for (const tenant of new Set([...sessions.values()].map((s) => s.tenant))) ctx.acquireTenantChannel(tenant);
    if (!ctx.controlOff) ctx.subscribeControl();
    for (const session of sessions.values()) if (session.pendingRegistration.size > 0) void ctx.flushRegistrations(session);
    for (const watch of watches.values()) void ctx.attempt(watch);
  }

  const tickTimer = setInterval(tick, config.tickMs);
  const heartbeatTimer = setInterval(ctx.heartbeat, config.heartbeatMs);
  // Timers of a hub must not keep a process alive that has nothing else to do.
  (tickTimer as { unref?: () => void }).unref?.();
  (heartbeatTimer as { unref?: () => void }).unref?.();
  ctx.subscribeControl();

  return {
    handle: async (request) => {
      try {
        return await handle(request);
      } catch (error) {
        ctx.report(error, 'request');
        return hubProblem(500, 'Presence hub failed');
      }
    },
    async close() {
      if (ctx.closed) return;
      ctx.closed = true;
      clearInterval(tickTimer);
      clearInterval(heartbeatTimer);
      for (const stream of [...streams.values()]) ctx.endStream(stream, 'shutdown');
      const offs = [...tenantChannels.values()].map((r) => r.off).filter((off) => off !== undefined);
      tenantChannels.clear();
      if (ctx.controlOff) offs.push(ctx.controlOff);
      ctx.controlOff = undefined;
      await Promise.all(offs.map((off) => off().catch(() => undefined)));
    },
    stats: () => ({
      nodeId: config.nodeId,
      streams: streams.size,
      sessions: sessions.size,
      watches: watches.size,
      reads: { ...counts },
      degraded: ctx.degraded,
    }),
  };
}
