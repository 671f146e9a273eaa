import type { RedisCommandFunction, RedisGuardClient } from '../createRedisGuardStore';
import type { PresenceHubStore } from './PresenceHubStore';

/**
 * A Redis connection in subscriber mode (Redis allows no other commands on it), for
 * {@link createRedisHubStore}:
 * - node-redis (`redis` v4 and later): `client.duplicate()`, connected; its
 *   `subscribe(channel, listener)` is used, and it subscribes again by itself after a reconnect.
 * - ioredis: a second client (`redis.duplicate()`); its `subscribe(channel)` and `'message'`
 *   events are used.
 */
export type RedisHubSubscriber =
  | {
      subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
      unsubscribe(channel: string): Promise<unknown>;
    }
  | {
      call(command: string, ...args: string[]): Promise<unknown>;
      subscribe(channel: string): Promise<unknown>;
      unsubscribe(channel: string): Promise<unknown>;
      on(event: 'message', listener: (channel: string, message: string) => void): unknown;
    };

/** Options of {@link createRedisHubStore}. */
export interface RedisHubStoreOptions {
  /** A connection for commands (leases, cached presence, publish): node-redis, ioredis or a command function. */
  client: RedisGuardClient;
  /** A second connection, for subscriptions only. */
  subscriber: RedisHubSubscriber;
  /**
   * Prefix of every key and channel. Give each app its own when several share a Redis.
   * @default 'presence-widgets:hub:'
   */
  keyPrefix?: string | undefined;
  /**
   * Longest wait for a Redis answer. Clients queue commands while they reconnect; past this the
   * hub stops waiting and serves its viewers from its own reads until Redis answers again.
   * @default 2000
   */
  timeoutMs?: number | undefined;
}

// KEYS: lease. ARGV: owner, ttl ms. Taken when free, and "taken" again by its owner: a node that
// timed out waiting for the answer may ask again without losing a lease its first ask won.
const LEASE_SCRIPT = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0`;

// KEYS: lease. ARGV: owner. Deletes the lease only while it is still the owner's.
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

function commandFunction(client: RedisGuardClient): RedisCommandFunction {
  if (typeof client === 'function') return client;
  // ioredis also has a `sendCommand` taking its own Command objects, so `call` is tried first.
  if ('call' in client && typeof client.call === 'function') return (args) => client.call(args[0] as string, ...args.slice(1));
  if ('sendCommand' in client && typeof client.sendCommand === 'function') return (args) => client.sendCommand(args);
  throw new TypeError('createRedisHubStore needs a node-redis or ioredis client, or a command function');
}

const px = (ms: number): string => String(Math.max(1, Math.ceil(ms)));

/**
 * A {@link PresenceHubStore} in Redis, for hubs running on several nodes: a lease is
 * `SET key owner NX PX ttl` in a script (atomic, expiring by itself, so a dead node's leases pass
 * on; its owner asking again gets it again), the
 * last known presence is a key with a TTL, and reads fan out through `PUBLISH`/`SUBSCRIBE`.
 *
 * @example
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const subscriber = await client.duplicate().connect();
 * const hub = createPresenceHub({ podUrl, getSessionToken, store: createRedisHubStore({ client, subscriber }),
 *   guardStore: createRedisGuardStore(client) });
 */
export function createRedisHubStore(options: RedisHubStoreOptions): PresenceHubStore {
  const send = commandFunction(options.client);
  const sub = options.subscriber;
  const prefix = options.keyPrefix ?? 'presence-widgets:hub:';
  const timeoutMs = Math.max(1, options.timeoutMs ?? 2000);
  const listeners = new Map<string, Set<(message: string) => void>>();
  const isIoredis = 'call' in sub && typeof sub.call === 'function';

  const dispatch = (message: string, channel: string) => {
    for (const listener of [...(listeners.get(channel) ?? [])]) {
      try {
        listener(message);
      } catch {
        // One failing listener must not starve the others.
      }
    }
  };
  if (isIoredis) (sub as { on(event: 'message', l: (channel: string, message: string) => void): unknown }).on('message', (channel, message) => dispatch(message, channel));

  function bounded<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // The check waits one more turn of the event loop: on a busy node the answer may sit
      // unread in the socket when the timer fires, and that is no Redis outage.
      const timer = setTimeout(() => setImmediate(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`))), timeoutMs);
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
  const run = (args: string[]) => bounded(Promise.resolve().then(() => send(args)));
  const text = (reply: unknown): string | null =>
    reply === null || reply === undefined ? null : typeof reply === 'string' ? reply : Buffer.isBuffer(reply) ? reply.toString('utf8') : String(reply);

  return {
    async takeLease(key, owner, ttlMs) {
      return Number(await run(['EVAL', LEASE_SCRIPT, '1', prefix + key, owner, px(ttlMs)])) === 1;
    },
    async releaseLease(key, owner) {
      await run(['EVAL', RELEASE_SCRIPT, '1', prefix + key, owner]);
    },
    async getMany(keys) {
      if (keys.length === 0) return [];
      const reply = await run(['MGET', ...keys.map((k) => prefix + k)]);
      return Array.isArray(reply) ? reply.map(text) : keys.map(() => null);
    },
    async set(key, value, ttlMs) {
      await run(['SET', prefix + key, value, 'PX', px(ttlMs)]);
    },
    async publish(channel, message) {
      await run(['PUBLISH', prefix + channel, message]);
    },
    async subscribe(channel, listener) {
      const full = prefix + channel;
      let set = listeners.get(full);
      const first = !set;
      if (!set) listeners.set(full, (set = new Set()));
      const own = (message: string) => listener(message);
      set.add(own);
      if (first) {
        try {
          await bounded(
            isIoredis
              ? (sub as { subscribe(channel: string): Promise<unknown> }).subscribe(full)
              : (sub as { subscribe(c: string, l: (m: string, c: string) => void): Promise<unknown> }).subscribe(full, dispatch),
          );
        } catch (error) {
          set.delete(own);
          if (set.size === 0) listeners.delete(full);
          throw error;
        }
      }
      return async () => {
        const current = listeners.get(full);
        if (!current?.delete(own) || current.size > 0) return;
        listeners.delete(full);
        await bounded(sub.unsubscribe(full)).catch(() => undefined);
      };
    },
  };
}
