import { randomUUID } from 'node:crypto';
import type { ClaimReadResult, PresenceGuardStore } from './PresenceGuardStore';

/** Sends one raw Redis command, e.g. `['SET', key, value, 'NX', 'PX', '300000']`, and resolves to its reply. */
export type RedisCommandFunction = (args: string[]) => Promise<unknown>;

/**
 * The smallest Redis client the guard store needs: anything that can send a raw command.
 * - node-redis (`redis` v4 and later): pass the connected client; its `sendCommand(args)` is used.
 * - ioredis: pass the client; its `call(command, ...args)` is used.
 * - anything else (a node-redis cluster, a test double): pass a {@link RedisCommandFunction}.
 */
export type RedisGuardClient =
  | RedisCommandFunction
  | { call(command: string, ...args: string[]): Promise<unknown> }
  | { sendCommand(args: string[]): Promise<unknown> };

/** Options of {@link createRedisGuardStore}. */
export interface RedisGuardStoreOptions {
  /**
   * Prefix of every key the store writes. Give each app its own when several share a Redis.
   * @default 'presence-widgets:guard:'
   */
  keyPrefix?: string | undefined;
}

// Deletes the claim only if it is still ours: after a slow pod answer the key may already
// belong to a newer claim, which must stay.
const RELEASE_SCRIPT =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

// Registrations of a large batch go out in slices so one call never queues thousands of commands.
const WRITE_SLICE = 200;

function commandFunction(client: RedisGuardClient): RedisCommandFunction {
  if (typeof client === 'function') return client;
  // ioredis also has a `sendCommand`, taking its own Command objects, so `call` is tried first.
  if ('call' in client && typeof client.call === 'function') {
    return (args) => client.call(args[0] as string, ...args.slice(1));
  }
  if ('sendCommand' in client && typeof client.sendCommand === 'function') {
    return (args) => client.sendCommand(args);
  }
  throw new TypeError('createRedisGuardStore needs a node-redis or ioredis client, or a command function');
}

const text = (reply: unknown): string | null =>
  reply === null || reply === undefined ? null : typeof reply === 'string' ? reply : String(reply);

/** Redis wants whole positive milliseconds; 0 would be an error and fractions are refused. */
const px = (ms: number): string => String(Math.max(1, Math.ceil(ms)));

/**
 * A {@link PresenceGuardStore} in Redis, for backends that run several instances: all instances
 * share one count, so together they still keep each session within Symphony's limits.
 *
 * Claims are `SET key claimId NX PX gap`, which Redis applies atomically, and every key expires
 * by itself (`PX`), so nothing needs cleaning up. Expiry runs on the Redis server's clock, shared
 * by all instances; the `now` the proxy passes is used only to shorten a registration by the
 * time its request took.
 *
 * @example
 * import { createClient } from 'redis';
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const proxy = createPresenceProxy({ podUrl, getSessionToken, store: createRedisGuardStore(redis) });
 */
export function createRedisGuardStore(client: RedisGuardClient, options: RedisGuardStoreOptions = {}): PresenceGuardStore {
  const send = commandFunction(client);
  const prefix = options.keyPrefix ?? 'presence-widgets:guard:';
  const readKey = (sessionKey: string, userId: string) => `${prefix}read:${sessionKey}:${userId}`;
  const regKey = (sessionKey: string, userId: string) => `${prefix}reg:${sessionKey}:${userId}`;
  const tenantKey = (sessionKey: string) => `${prefix}tenant:${sessionKey}`;

  return {
    async claimRead(sessionKey, userId, _now, gapMs): Promise<ClaimReadResult> {
      const key = readKey(sessionKey, userId);
      const claimId = randomUUID();
      // A claim that expires between the SET and the PTTL is retried, a few times at most.
      for (let attempt = 0; attempt < 3; attempt++) {
        if (text(await send(['SET', key, claimId, 'NX', 'PX', px(gapMs)])) === 'OK') return { ok: true, claimId };
        const ttl = Number(await send(['PTTL', key]));
        if (ttl > 0) return { ok: false, retryAfterMs: ttl };
        // -1: a key without expiry, which this store never writes; refuse for a full gap.
        if (ttl === -1) return { ok: false, retryAfterMs: gapMs };
      }
      return { ok: false, retryAfterMs: 1000 };
    },

    async releaseRead(sessionKey, userId, claimId) {
      await send(['EVAL', RELEASE_SCRIPT, '1', readKey(sessionKey, userId), claimId]);
    },

    async recordRegistration(sessionKey, userIds, now, ttlMs) {
      const value = String(Math.trunc(now));
      for (let i = 0; i < userIds.length; i += WRITE_SLICE) {
        await Promise.all(
          userIds.slice(i, i + WRITE_SLICE).map((id) => send(['SET', regKey(sessionKey, id), value, 'PX', px(ttlMs)])),
        );
      }
    },

    async isRegistered(sessionKey, userId) {
      return Number(await send(['EXISTS', regKey(sessionKey, userId)])) === 1;
    },

    async getTenant(sessionKey) {
      const value = text(await send(['GET', tenantKey(sessionKey)]));
      if (value === null) return undefined;
      const tenant = Number(value);
      return Number.isSafeInteger(tenant) && tenant >= 0 ? tenant : undefined;
    },

    async setTenant(sessionKey, tenant, _now, ttlMs) {
      await send(['SET', tenantKey(sessionKey), String(tenant), 'PX', px(ttlMs)]);
    },
  };
}
