import { isLaterAnswer, isSamePresence, makePresence, tenantOf, type Presence, type UserId } from '../../model';
import type { HubContext, HubOperations, Session, Stream, Watch } from './HubContext';
import { parseControlMessage, parseHubMessage, phaseOf, type HubControlMessage, type HubMessage, type HubPresenceWire } from './hubWire';

type SubscriptionOperations = Pick<
  HubOperations,
  'subscribe' | 'unwatch' | 'share' | 'acquireTenantChannel' | 'releaseTenantChannel' | 'subscribeControl' | 'applyControl'
>;

function wireOf(presence: Presence, askedAt: number): HubPresenceWire {
  return { userId: presence.userId, category: presence.category, timestamp: presence.timestamp, observedAt: askedAt };
}

const cacheKey = (watch: Watch) => `last:${watch.scope}:${watch.userId}`;

/**
 * Who watches what on a node, and how reads reach them: a watch per company (shared internal
 * users) or per session, the last known presence from the store, the company channels that
 * carry other nodes' reads, and the control channel that relays subscription changes.
 */
export function createHubSubscriptions(ctx: HubContext): SubscriptionOperations {
  const { store, watches, sessions, streams, tenantChannels, externalDue, now } = ctx;
  const { nodeId, intervalMs, maxSubs, shareInternal, cacheTtlMs } = ctx.config;

  function scopeOf(session: Session, userId: UserId): { scope: string; external: boolean } {
    const external = tenantOf(userId) !== session.tenant;
    return { scope: !external && shareInternal ? `t:${session.tenant}` : `s:${session.key}`, external };
  }

  /** Adds users to a stream; sends what is known at once, and reads what nobody has read yet. */
  async function subscribe(stream: Stream, ids: readonly UserId[]): Promise<void> {
    const fresh: Watch[] = [];
    for (const userId of ids) {
      if (stream.closed || stream.subs.has(userId) || stream.subs.size >= maxSubs) continue;
      const { scope, external } = scopeOf(stream.session, userId);
      const key = `${scope}|${userId}`;
      let watch = watches.get(key);
      if (!watch) {
        watch = {
          key,
          scope,
          userId,
          external,
          tenant: stream.session.tenant,
          session: scope.startsWith('s:') ? stream.session : undefined,
          streams: new Set(),
          phase: phaseOf(userId, intervalMs),
          owner: `${nodeId}#${(ctx.watchSerial += 1)}`,
          last: undefined,
          askedAt: undefined,
          failure: undefined,
          lastEpoch: -Infinity,
          nextAt: 0,
          failures: 0,
          inflight: false,
          stopped: false,
          reregistered: false,
        };
        if (external) watch.nextAt = externalDue.get(key) ?? 0;
        watches.set(key, watch);
        fresh.push(watch);
      }
      watch.streams.add(stream);
      // The watch's copy of the id: a thousand pages watching a user hold one string.
      stream.subs.add(watch.userId);
      if (watch.last) ctx.queuePresence(stream, JSON.stringify(wireOf(watch.last, watch.askedAt ?? now())));
      else if (watch.failure) ctx.queueFailure(stream, watch.failure);
    }
    if (fresh.length === 0) return;
    // The last known presence, read by any node, before anything is read again.
    try {
      const cached = await store.getMany(fresh.map(cacheKey));
      ctx.storeAnswered();
      fresh.forEach((watch, i) => {
        const message = cached[i] ? parseHubMessage(cached[i]) : undefined;
        if (message && message.u === watch.userId) apply(watch, message);
      });
    } catch (error) {
      ctx.storeFailed(error, 'cache read');
    }
    for (const watch of fresh) if (watches.get(watch.key) === watch) void ctx.attempt(watch);
  }

  function unwatch(stream: Stream, userId: UserId): void {
    const { scope } = scopeOf(stream.session, userId);
    const key = `${scope}|${userId}`;
    const watch = watches.get(key);
    if (!watch) return;
    watch.streams.delete(stream);
    if (watch.streams.size === 0) watches.delete(key);
  }

  /** Takes a read's outcome (this node's or another's) and pushes what changed to the watch's streams. */
  function apply(watch: Watch, message: HubMessage): void {
    if (!isLaterAnswer(watch.askedAt, message.a)) return;
    if (message.p) {
      const presence = makePresence(watch.userId, message.p.category, message.p.timestamp);
      const hadFailure = watch.failure !== undefined;
      watch.askedAt = message.a;
      watch.failure = undefined;
      if (!hadFailure && isSamePresence(watch.last, presence)) return;
      watch.last = presence;
      // Serialized once, however many pages watch this user.
      const json = JSON.stringify(wireOf(presence, message.a));
      for (const stream of watch.streams) ctx.queuePresence(stream, json);
    } else if (message.e) {
      watch.askedAt = message.a;
      watch.failure = { userId: watch.userId, status: message.e.status, message: message.e.message };
      watch.last = undefined;
      for (const stream of watch.streams) ctx.queueFailure(stream, watch.failure);
    }
  }

  /** Applies a read here, keeps it for new subscribers and tells the other nodes. */
  async function share(watch: Watch, message: HubMessage): Promise<void> {
    apply(watch, message);
    const text = JSON.stringify(message);
    try {
      await Promise.all([store.publish(`t:${watch.tenant}`, text), store.set(cacheKey(watch), text, cacheTtlMs)]);
      ctx.storeAnswered();
    } catch (error) {
      ctx.storeFailed(error, 'publish');
    }
  }

  function onMessage(text: string): void {
    const message = parseHubMessage(text);
    if (!message || message.n === nodeId) return;
    const watch = watches.get(`${message.w}|${message.u}`);
    if (watch) apply(watch, message);
  }

  function acquireTenantChannel(tenant: number): void {
    const entry = tenantChannels.get(tenant);
    if (entry && (entry.off || entry.pending)) return;
    const record = entry ?? { off: undefined, pending: false };
    tenantChannels.set(tenant, record);
    record.pending = true;
    store.subscribe(`t:${tenant}`, onMessage).then(
      (off) => {
        record.pending = false;
        if (tenantChannels.get(tenant) !== record || ctx.closed) void off().catch(() => undefined);
        else record.off = off;
      },
      (error: unknown) => {
        // Tried again on the next tick: until then the node's own reads serve its viewers.
        record.pending = false;
        ctx.storeFailed(error, 'subscribe');
      },
    );
  }

  function releaseTenantChannel(tenant: number): void {
    for (const s of sessions.values()) if (s.tenant === tenant) return;
    const record = tenantChannels.get(tenant);
    tenantChannels.delete(tenant);
    if (record?.off) void record.off().catch(() => undefined);
  }

  /** Subscription changes posted to another node arrive on this node's control channel. */
  function subscribeControl(): void {
    if (ctx.controlPending || ctx.controlOff || ctx.closed) return;
    ctx.controlPending = true;
    store.subscribe(`node:${nodeId}`, (text) => {
      const message = parseControlMessage(text);
      if (message) void applyControl(message);
    }).then(
      (off) => {
        ctx.controlPending = false;
        if (ctx.closed) void off().catch(() => undefined);
        else ctx.controlOff = off;
      },
      (error: unknown) => {
        ctx.controlPending = false;
        ctx.storeFailed(error, 'subscribe');
      },
    );
  }

  async function applyControl(message: HubControlMessage): Promise<boolean> {
    const stream = streams.get(message.stream);
    if (!stream || stream.session.key !== message.sk) return false;
    for (const id of message.remove) {
      if (stream.subs.delete(id)) unwatch(stream, id);
    }
    await subscribe(stream, message.add);
    return true;
  }

  return { subscribe, unwatch, share, acquireTenantChannel, releaseTenantChannel, subscribeControl, applyControl };
}
