// @vitest-environment node
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockPod, DEFAULT_SESSION_TOKEN, type MockPod } from '../../src/mock-pod';
import type { UserId } from '../../src/model';
import { createPresenceProxy, createRedisGuardStore, sessionKeyOf, type PresenceGuardStore } from '../../src/server';
import { EXTERNAL_READ_GAP_MS, INTEREST_TTL_MS } from '../../src/sync/options';
import { browserRequest, jsonPost, podFetch, POD_URL, type UpstreamCall } from './proxyTestUtils';

const REDIS_SERVER = '/usr/bin/redis-server';
const hasRedis = existsSync(REDIS_SERVER);
if (!hasRedis) console.warn(`Skipping Redis guard tests: ${REDIS_SERVER} is not installed (apt-get install redis-server).`);

/** A free port: bind to 0, read it, let go (redis-server cannot pick one itself). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function connect(port: number) {
  // Retries while redis-server is still starting.
  for (let attempt = 0; ; attempt++) {
    const client = createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: false } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

type Client = Awaited<ReturnType<typeof connect>>;

describe.skipIf(!hasRedis)('createRedisGuardStore on a real redis-server', () => {
  let server: ChildProcess;
  // Two connections stand for two backend instances.
  let clientA: Client;
  let clientB: Client;

  beforeAll(async () => {
    const port = await freePort();
    server = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    clientA = await connect(port);
    clientB = await connect(port);
  }, 20_000);

  afterAll(async () => {
    await clientA?.quit().catch(() => undefined);
    await clientB?.quit().catch(() => undefined);
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
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
    const ttl = await clientA.pTTL('app1:reg:s:1');
    expect(ttl).toBeGreaterThan(INTEREST_TTL_MS - 5000);
    expect(ttl).toBeLessThanOrEqual(INTEREST_TTL_MS);
    expect((await clientA.keys('*')).sort()).toEqual(['app1:reg:s:1', 'app1:reg:s:2', 'app1:tenant:s']);
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
      const values = await Promise.all(keys.map((k) => clientA.get(k)));
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
