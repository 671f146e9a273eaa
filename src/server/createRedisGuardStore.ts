import { randomUUID } from 'node:crypto';
import type { ClaimReadResult, PresenceGuardStore, TakeRegistrationResult } from './PresenceGuardStore';

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
  /**
   * Most registrations, and separately most live read claims, kept for one session, as in
   * {@link createMemoryGuardStore}: past it the session's least recently registered user is
   * forgotten, and a new read claim is refused until one expires.
   * @default 10000
   */
  maxEntriesPerSession?: number | undefined;
  /**
   * Most registrations kept in all; past it the least recently registered ones of any session
   * are forgotten first. Read claims are never dropped.
   * @default 200000
   */
  maxEntries?: number | undefined;
}

// Every script reads the time from Redis itself, so instances with skewed clocks agree.
const NOW_MS = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)";

// KEYS: claim key, session's claim index. ARGV: user id, claim id, gap ms, per-session cap.
// Returns {1} for a new claim, {0, retryAfterMs} for a refusal.
const CLAIM_SCRIPT = `${NOW_MS}
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then return {0, ttl} end
if ttl == -1 then return {0, tonumber(ARGV[3])} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {0, math.max(1, tonumber(first[2]) - now)}
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return {1}`;

// KEYS: claim key, session's claim index. ARGV: user id, claim id, gap ms.
// Restarts the gap of a claim that is still ours (never shortens it).
const RENEW_SCRIPT = `${NOW_MS}
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return 0 end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
return 1`;

// KEYS: claim key, session's claim index. ARGV: user id, claim id.
// Deletes the claim only if it is still ours: after a slow pod answer the key may already
// belong to a newer claim, which must stay.
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[2] then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return redis.call('DEL', KEYS[1])
end
return 0`;

// KEYS: session's registration index, all registrations. ARGV: session key, ttl ms,
// per-session cap, total cap, ids... Scores are expiry times: least recently registered first.
// Members of the global set are "session|id" ('|' occurs in neither a session key nor an id).
const REGISTER_SCRIPT = `${NOW_MS}
local expiry = now + tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
for i = 5, #ARGV do
  redis.call('ZADD', KEYS[1], expiry, ARGV[i])
  redis.call('ZADD', KEYS[2], expiry, ARGV[1] .. '|' .. ARGV[i])
end
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
if over > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[1], over)
  for i = 1, #popped, 2 do redis.call('ZREM', KEYS[2], ARGV[1] .. '|' .. popped[i]) end
end
local prefix = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[1])
over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[2], over)
  for i = 1, #popped, 2 do
    local sep = string.find(popped[i], '|', 1, true)
    redis.call('ZREM', prefix .. string.sub(popped[i], 1, sep - 1), string.sub(popped[i], sep + 1))
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1`;

// KEYS: session's registration index. ARGV: user id.
const IS_REGISTERED_SCRIPT = `${NOW_MS}
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if expiry and tonumber(expiry) > now then return 1 end
return 0`;

// KEYS: session's registration counter. ARGV: limit, window ms. Returns 0 or the ms to wait.
const TAKE_REGISTRATION_SCRIPT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return tonumber(ARGV[2]) end
  return math.max(1, ttl)
end
return 0`;

// Registrations of a large batch go out in slices so one script never blocks Redis for long.
const WRITE_SLICE = 1000;

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
  const perSession = String(Math.max(1, Math.floor(options.maxEntriesPerSession ?? 10_000)));
  const maxEntries = String(Math.max(1, Math.floor(options.maxEntries ?? 200_000)));
  const readKey = (sessionKey: string, userId: string) => `${prefix}read:${sessionKey}:${userId}`;
  const readIndex = (sessionKey: string) => `${prefix}reads:${sessionKey}`;
  // The REGISTER script finds a session's index by this prefix plus the session key.
  const regIndex = (sessionKey: string) => `${prefix}regs:${sessionKey}`;
  const allRegs = `${prefix}regs-all`;
  const rateKey = (sessionKey: string) => `${prefix}regrate:${sessionKey}`;
  const tenantKey = (sessionKey: string) => `${prefix}tenant:${sessionKey}`;
  const evalScript = (script: string, keys: string[], args: string[]) => send(['EVAL', script, String(keys.length), ...keys, ...args]);

  return {
    async claimRead(sessionKey, userId, _now, gapMs): Promise<ClaimReadResult> {
      const claimId = randomUUID();
      const reply = (await evalScript(CLAIM_SCRIPT, [readKey(sessionKey, userId), readIndex(sessionKey)], [userId, claimId, px(gapMs), perSession])) as unknown[];
      return Number(reply[0]) === 1 ? { ok: true, claimId } : { ok: false, retryAfterMs: Number(reply[1]) };
    },

    async renewRead(sessionKey, userId, claimId, _now, gapMs) {
      await evalScript(RENEW_SCRIPT, [readKey(sessionKey, userId), readIndex(sessionKey)], [userId, claimId, px(gapMs)]);
    },

    async releaseRead(sessionKey, userId, claimId) {
      await evalScript(RELEASE_SCRIPT, [readKey(sessionKey, userId), readIndex(sessionKey)], [userId, claimId]);
    },

    async takeRegistration(sessionKey, _now, limit, windowMs): Promise<TakeRegistrationResult> {
      const wait = Number(await evalScript(TAKE_REGISTRATION_SCRIPT, [rateKey(sessionKey)], [String(limit), px(windowMs)]));
      return wait === 0 ? { ok: true } : { ok: false, retryAfterMs: wait };
    },

    async recordRegistration(sessionKey, userIds, _now, ttlMs) {
      for (let i = 0; i < userIds.length; i += WRITE_SLICE) {
        const slice = userIds.slice(i, i + WRITE_SLICE);
        await evalScript(REGISTER_SCRIPT, [regIndex(sessionKey), allRegs], [sessionKey, px(ttlMs), perSession, maxEntries, ...slice]);
      }
    },

    async isRegistered(sessionKey, userId) {
      return Number(await evalScript(IS_REGISTERED_SCRIPT, [regIndex(sessionKey)], [userId])) === 1;
    },

    async getTenant(sessionKey) {
      // Through String: a missing key (null) then reads NaN, where Number(null) would be tenant 0.
      const tenant = Number(String(await send(['GET', tenantKey(sessionKey)])));
      return Number.isSafeInteger(tenant) && tenant >= 0 ? tenant : undefined;
    },

    async setTenant(sessionKey, tenant, _now, ttlMs) {
      await send(['SET', tenantKey(sessionKey), String(tenant), 'PX', px(ttlMs)]);
    },
  };
}
