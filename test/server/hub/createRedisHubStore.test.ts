// @vitest-environment node
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisHubStore, type PresenceHubStore } from '../../../src/server';
import { connectRedis, hasRedis, startRedis, type RedisClient, type RedisProcess } from '../../support/redisHarness';

describe.skipIf(!hasRedis)('createRedisHubStore on a real redis-server', () => {
  let redis: RedisProcess;
  let clients: RedisClient[] = [];
  // Two stores stand for two hub nodes.
  let a: PresenceHubStore;
  let b: PresenceHubStore;

  beforeAll(async () => {
    redis = await startRedis();
    clients = await Promise.all([0, 1, 2, 3].map(() => connectRedis(redis.port)));
    a = createRedisHubStore({ client: clients[0]!, subscriber: clients[1]! });
    b = createRedisHubStore({ client: clients[2]!, subscriber: clients[3]! });
  }, 20_000);

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await redis?.stop();
  });

  beforeEach(async () => {
    await clients[0]!.flushAll();
  });

  it('gives a lease to exactly one of many concurrent takers, for its TTL, under the prefix', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).takeLease('lease:t:189:42:7', `node${i}`, 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    // Its owner asking again (after a timeout, say) finds it still its own; nobody else does.
    const owner = `node${results.indexOf(true)}`;
    expect(await a.takeLease('lease:t:189:42:7', owner, 60_000)).toBe(true);
    expect(await b.takeLease('lease:t:189:42:7', 'another', 60_000)).toBe(false);
    const ttl = await clients[0]!.pTTL('presence-widgets:hub:lease:t:189:42:7');
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('releases a lease only for its owner', async () => {
    expect(await a.takeLease('l', 'a', 60_000)).toBe(true);
    await b.releaseLease('l', 'b');
    expect(await b.takeLease('l', 'b', 60_000)).toBe(false);
    await a.releaseLease('l', 'a');
    expect(await b.takeLease('l', 'b', 60_000)).toBe(true);
  });

  it('lets a dead holder\'s lease pass on when it expires', async () => {
    expect(await a.takeLease('short', 'a', 30)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await b.takeLease('short', 'b', 30)).toBe(true);
  });

  it('keeps values with a TTL and reads several at once', async () => {
    await a.set('last:t:189:1', '{"x":1}', 60_000);
    expect(await b.getMany(['last:t:189:1', 'last:t:189:2'])).toEqual(['{"x":1}', null]);
    expect(await a.getMany([])).toEqual([]);
  });

  it('fans a message out to every node subscribed to the channel, and stops after unsubscribing', async () => {
    const gotA: string[] = [];
    const gotB: string[] = [];
    const offA = await a.subscribe('t:189', (m) => gotA.push(m));
    const offB = await b.subscribe('t:189', (m) => gotB.push(m));
    const offB2 = await b.subscribe('t:190', (m) => gotB.push(`190:${m}`));
    await a.publish('t:189', 'one');
    await b.publish('t:190', 'two');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gotA).toEqual(['one']);
    expect(gotB).toEqual(['one', '190:two']);
    await offB();
    await a.publish('t:189', 'three');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gotA).toEqual(['one', 'three']);
    expect(gotB).toEqual(['one', '190:two']);
    await offA();
    await offB2();
  });

  it('fails within its timeout while Redis is down, and works again once it is back', async () => {
    const store = createRedisHubStore({ client: clients[0]!, subscriber: clients[1]!, timeoutMs: 200 });
    await redis.kill();
    const started = Date.now();
    await expect(store.takeLease('x', 'a', 1000)).rejects.toThrow(/did not answer/);
    expect(Date.now() - started).toBeLessThan(1000);
    redis.start();
    for (let i = 0; i < 100; i++) {
      if (await store.takeLease(`x${i}`, 'a', 1000).catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('Redis did not come back');
  }, 15_000);
});
