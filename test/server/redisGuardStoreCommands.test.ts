// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createRedisGuardStore } from '../../src/server';

// What the store sends and how it reads the replies, against a recording command function:
// the scripts themselves run on a real redis-server in redisGuardStore.test.ts.
function recorder(reply: unknown) {
  const sent: string[][] = [];
  const send = async (args: string[]) => {
    sent.push(args);
    return reply;
  };
  return { sent, send };
}

describe('createRedisGuardStore: commands and replies', () => {
  it('sends registrations in slices of at most 1000 ids, each id once, and nothing for none', async () => {
    const { sent, send } = recorder(1);
    const store = createRedisGuardStore(send);
    await store.recordRegistration('s', [], 0, 3_600_000);
    expect(sent).toEqual([]);
    const ids = Array.from({ length: 2500 }, (_, i) => String(1_000_000 + i));
    await store.recordRegistration('s', ids, 0, 3_600_000);
    // EVAL, script, key count, 2 keys, session key, ttl, per-session cap, total cap, then the ids.
    const slices = sent.map((args) => args.slice(9));
    expect(slices.map((s) => s.length)).toEqual([1000, 1000, 500]);
    expect(slices.flat()).toEqual(ids);
  });

  it.each([
    ['189', 189],
    ['0', 0],
    [189, 189],
    [null, undefined],
    [undefined, undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['abc', undefined],
    ['9007199254740993', undefined],
  ])('reads a stored tenant reply %j as %j', async (reply, tenant) => {
    const store = createRedisGuardStore(recorder(reply).send);
    expect(await store.getTenant('s', 0)).toBe(tenant);
  });

  it('uses call only when it is a function, and refuses a client with neither call nor sendCommand', async () => {
    const { sent, send } = recorder(0);
    const store = createRedisGuardStore({ call: undefined, sendCommand: send } as never);
    await store.takeRegistration('s', 0, 3, 60_000);
    expect(sent).toHaveLength(1);
    const message = 'createRedisGuardStore needs a node-redis or ioredis client, or a command function';
    expect(() => createRedisGuardStore({ sendCommand: 'not a function' } as never)).toThrow(new TypeError(message));
  });
});
