// @vitest-environment node
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockPod, DEFAULT_SESSION_TOKEN, type MockPod } from '../../src/mock-pod';
import type { UserId } from '../../src/model';
import { createPresenceProxy, createRedisGuardStore, sessionKeyOf, type PresenceGuardStore } from '../../src/server';
import { EXTERNAL_READ_GAP_MS, INTEREST_TTL_MS } from '../../src/sync/options';
import { browserRequest, jsonPost, podFetch, POD_URL, type UpstreamCall } from './proxyTestUtils';
import { connectRedis, hasRedis, REDIS_SERVER, startRedis, type RedisClient, type RedisProcess } from '../support/redisHarness';

if (!hasRedis) console.warn(`Skipping Redis guard tests: ${REDIS_SERVER} is not installed (apt-get install redis-server).`);

describe.skipIf(!hasRedis)('createRedisGuardStore on a real redis-server', () => {
  let server: RedisProcess;
  // Two connections stand for two backend instances.
  let clientA: RedisClient;
  let clientB: RedisClient;

  beforeAll(async () => {
    server = await startRedis();
    clientA = await connectRedis(server.port);
    clientB = await connectRedis(server.port);
  }, 20_000);

  afterAll(async () => {
    await clientA?.quit().catch(() => undefined);
    await clientB?.quit().catch(() => undefined);
    await server?.stop();
  });

  beforeEach(async () => {
    await clientA.flushAll();
  });

  it('claims atomically: of many concurrent claims from two instances exactly one wins', async () => {
    const a = createRedisGuardStore(clientA);
    const b = createRedisGuardStore(clientB);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).claimRead('session', '42', 0, EXTERNAL_READ_GAP_MS)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results) {
      if (!r.ok) {
        expect(r.retryAfterMs).toBeGreaterThan(EXTERNAL_READ_GAP_MS - 5000);
        expect(r.retryAfterMs).toBeLessThanOrEqual(EXTERNAL_READ_GAP_MS);
      }
    }
    const ttl = await clientA.pTTL('presence-widgets:guard:read:session:42');
    expect(ttl).toBeGreaterThan(EXTERNAL_READ_GAP_MS - 5000);
  });

  it('releases only its own claim', async () => {
    const store = createRedisGuardStore(clientA);
    const first = await store.claimRead('s', '7', 0, 60_000);
    expect(first.ok).toBe(true);
    await store.releaseRead('s', '7', 'not-the-claim');
    expect((await store.claimRead('s', '7', 0, 60_000)).ok).toBe(false);
    if (first.ok) await store.releaseRead('s', '7', first.claimId);
    expect((await store.claimRead('s', '7', 0, 60_000)).ok).toBe(true);
  });

  it('lets a claim go when its key expires', async () => {
    const store = createRedisGuardStore(clientA);
    expect((await store.claimRead('s', '9', 0, EXTERNAL_READ_GAP_MS)).ok).toBe(true);
    // Stands in for 5 minutes passing: Redis' own expiry is what the store relies on.
    await clientA.pExpire('presence-widgets:guard:read:s:9', 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await store.claimRead('s', '9', 0, EXTERNAL_READ_GAP_MS)).ok).toBe(true);
  });

  it('keeps registrations and tenants with an expiry, under its key prefix', async () => {
    const store = createRedisGuardStore(clientA, { keyPrefix: 'app1:' });
    await store.recordRegistration('s', ['1', '2'], 0, INTEREST_TTL_MS);
    await store.setTenant('s', 189, 0, 60_000);
    expect(await store.isRegistered('s', '1', 0)).toBe(true);
    expect(await store.isRegistered('s', '3', 0)).toBe(false);
    expect(await store.getTenant('s', 0)).toBe(189);
    expect(await store.getTenant('other', 0)).toBeUndefined();
    for (const key of ['app1:regs:s', 'app1:regs-all']) {
      const ttl = await clientA.pTTL(key);
      expect(ttl).toBeGreaterThan(INTEREST_TTL_MS - 5000);
      expect(ttl).toBeLessThanOrEqual(INTEREST_TTL_MS);
    }
    expect((await clientA.keys('*')).sort()).toEqual(['app1:regs-all', 'app1:regs:s', 'app1:tenant:s']);
    expect(await clientA.sendCommand(['TTL', 'app1:tenant:s'])).toBeGreaterThan(0);
  });

  it('forgets a registration when it lapses (the score is its expiry on the Redis clock)', async () => {
    const store = createRedisGuardStore(clientA);
    await store.recordRegistration('s', ['1'], 0, 30);
    expect(await store.isRegistered('s', '1', 0)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await store.isRegistered('s', '1', 0)).toBe(false);
  });

  it('caps registrations per session: 300,000 from one session keep at most maxEntriesPerSession', async () => {
    const store = createRedisGuardStore(clientA, { maxEntriesPerSession: 1000 });
    const ids = Array.from({ length: 300_000 }, (_, i) => String(1_000_000 + i));
    for (let i = 0; i < ids.length; i += 1000) await store.recordRegistration('flood', ids.slice(i, i + 1000), 0, INTEREST_TTL_MS);
    expect(await clientA.zCard('presence-widgets:guard:regs:flood')).toBe(1000);
    expect(await clientA.zCard('presence-widgets:guard:regs-all')).toBe(1000);
    // The newest are kept; the oldest were forgotten, which errs on the safe side (428, not a read).
    expect(await store.isRegistered('flood', ids.at(-1)!, 0)).toBe(true);
    expect(await store.isRegistered('flood', ids[0]!, 0)).toBe(false);
  }, 30_000);

  it('caps registrations in total, dropping the least recently registered of any session', async () => {
    const store = createRedisGuardStore(clientA, { maxEntries: 5 });
    await store.recordRegistration('old', ['1', '2', '3'], 0, INTEREST_TTL_MS);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.recordRegistration('new', ['4', '5', '6'], 0, INTEREST_TTL_MS);
    expect(await clientA.zCard('presence-widgets:guard:regs-all')).toBe(5);
    expect(await store.isRegistered('old', '1', 0)).toBe(false);
    expect(await store.isRegistered('old', '3', 0)).toBe(true);
    expect(await store.isRegistered('new', '6', 0)).toBe(true);
    expect(await clientA.zCard('presence-widgets:guard:regs:old')).toBe(2);
  });

  it('refuses a read claim past the per-session cap instead of dropping a live one', async () => {
    const store = createRedisGuardStore(clientA, { maxEntriesPerSession: 3 });
    for (const id of ['1', '2', '3']) expect((await store.claimRead('s', id, 0, 60_000)).ok).toBe(true);
    const refused = await store.claimRead('s', '4', 0, 60_000);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.retryAfterMs).toBeGreaterThan(55_000);
    for (const id of ['1', '2', '3']) expect((await store.claimRead('s', id, 0, 60_000)).ok).toBe(false);
    expect((await store.claimRead('other', '4', 0, 60_000)).ok).toBe(true);
  });

  it('renews only its own claim, restarting the gap', async () => {
    const store = createRedisGuardStore(clientA);
    const claim = await store.claimRead('s', '8', 0, 1000);
    if (!claim.ok) throw new Error('no claim');
    await store.renewRead('s', '8', 'not-the-claim', 0, 60_000);
    expect(await clientA.pTTL('presence-widgets:guard:read:s:8')).toBeLessThanOrEqual(1000);
    await store.renewRead('s', '8', claim.claimId, 0, 60_000);
    expect(await clientA.pTTL('presence-widgets:guard:read:s:8')).toBeGreaterThan(55_000);
  });

  it('rate-limits registration requests per session per window', async () => {
    const store = createRedisGuardStore(clientA);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await store.takeRegistration('s', 0, 3, 60_000));
    expect(results.slice(0, 3).every((r) => r.ok)).toBe(true);
    expect(results[3]).toMatchObject({ ok: false });
    expect((results[3] as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(55_000);
    expect((await store.takeRegistration('other', 0, 3, 60_000)).ok).toBe(true);
  });

  it('works with an ioredis-style client (call) and with a bare command function', async () => {
    const ioredisLike = { call: (command: string, ...args: string[]) => clientA.sendCommand([command, ...args]) };
    const viaCall = createRedisGuardStore(ioredisLike);
    const viaFunction = createRedisGuardStore((args) => clientB.sendCommand(args));
    expect((await viaCall.claimRead('s', '5', 0, 60_000)).ok).toBe(true);
    expect((await viaFunction.claimRead('s', '5', 0, 60_000)).ok).toBe(false);
    expect(() => createRedisGuardStore({} as never)).toThrow(TypeError);
  });

  describe('two proxy instances sharing one Redis', () => {
    let pod: MockPod;
    let calls: UpstreamCall[];
    let external: UserId;
    let proxyA: (r: Request) => Promise<Response>;
    let proxyB: (r: Request) => Promise<Response>;

    beforeEach(() => {
      pod = createMockPod({ churn: false });
      const upstream = podFetch(pod);
      calls = upstream.calls;
      external = pod.users.find((u) => u.tenantId !== pod.homeTenantId && pod.isConnected(pod.defaultUserId, u.id))!.id;
      const options = { podUrl: POD_URL, getSessionToken: () => DEFAULT_SESSION_TOKEN, fetch: upstream.fetch };
      proxyA = createPresenceProxy({ ...options, store: createRedisGuardStore(clientA) });
      proxyB = createPresenceProxy({ ...options, store: createRedisGuardStore(clientB) });
    });

    const read = (proxy: (r: Request) => Promise<Response>) => proxy(browserRequest(`/v3/user/${external}/presence`));
    const podReads = () => calls.filter((c) => c.path.startsWith('/v3/')).length;

    it('hold the 5-minute limit together: the second instance answers 429 for a user the first just read', async () => {
      expect((await proxyA(jsonPost('/v1/user/presence/register', `[${external}]`))).status).toBe(200);
      // The registration went through A; B sees it.
      expect((await read(proxyB)).status).toBe(200);
      const second = await read(proxyA);
      expect(second.status).toBe(429);
      const retryAfter = Number(second.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(EXTERNAL_READ_GAP_MS / 1000 - 5);
      expect(retryAfter).toBeLessThanOrEqual(EXTERNAL_READ_GAP_MS / 1000);
      expect((await read(proxyB)).status).toBe(429);
      expect(podReads()).toBe(1);
      expect(pod.reads(external).map((e) => e.status)).toEqual([200]);
    });

    it('let exactly one of many concurrent reads through both instances', async () => {
      await proxyB(jsonPost('/v1/user/presence/register', `[${external}]`));
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => read(i % 2 ? proxyA : proxyB)));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      expect(answers.filter((a) => a.status === 429)).toHaveLength(9);
      expect(podReads()).toBe(1);
    });

    it('refuse an unregistered external read on either instance, and share the learned tenant', async () => {
      expect((await read(proxyA)).status).toBe(428);
      expect((await read(proxyB)).status).toBe(428);
      // A learned the tenant with one own-presence call; B found it in Redis.
      expect(calls.filter((c) => c.path === '/v2/user/presence')).toHaveLength(1);
      expect(podReads()).toBe(0);
    });

    it('store only the token hash', async () => {
      await proxyA(jsonPost('/v1/user/presence/register', `[${external}]`));
      await read(proxyA);
      const keys = await clientA.keys('*');
      const values = await Promise.all(
        keys.map(async (k) => ((await clientA.type(k)) === 'zset' ? clientA.zRange(k, 0, -1) : clientA.get(k))),
      );
      const dump = JSON.stringify({ keys, values });
      expect(dump).not.toContain(DEFAULT_SESSION_TOKEN);
      expect(dump).toContain(sessionKeyOf(DEFAULT_SESSION_TOKEN));
    });
  });

  it('satisfies the PresenceGuardStore interface with node-redis directly', () => {
    const store: PresenceGuardStore = createRedisGuardStore(clientA);
    expect(typeof store.claimRead).toBe('function');
  });
});
