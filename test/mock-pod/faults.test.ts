import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMockPod } from '../../src/mock-pod';
import type { UserId } from '../../src/model';
import { call, externalUsers, fakeClock, internalUsers, readUser, register } from './podTestUtils';

function setup(seed = 1) {
  const pod = createMockPod({ clock: fakeClock().now, churn: false, seed });
  return { pod, internal: internalUsers(pod) };
}

describe('fault injection', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers an injected status for the matching user only, and logs it as faulted', async () => {
    const { pod, internal } = setup();
    const [a, b] = internal as [UserId, UserId];
    pod.faults.add({ route: 'getUser', userId: a, status: 503 });
    const res = await readUser(pod, a);
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ code: 503, message: 'Injected fault' });
    expect((await readUser(pod, b)).status).toBe(200);
    expect((await call(pod, 'GET', '/v2/user/presence')).status).toBe(200);
    expect(pod.reads(a)[0]).toMatchObject({ status: 503, faulted: true, userId: a, external: false });
    expect(pod.reads(b)[0]?.faulted).toBeUndefined();
  });

  it('sends Retry-After with an injected 429', async () => {
    const { pod } = setup();
    pod.faults.add({ route: 'listAll', status: 429, retryAfter: '7' });
    const res = await call(pod, 'GET', '/v2/users/presence');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
  });

  it('answers a malformed body as given', async () => {
    const { pod } = setup();
    pod.faults.add({ route: 'getOwn', body: '{"category":"AVAIL' });
    const res = await call(pod, 'GET', '/v2/user/presence');
    expect(res.status).toBe(200);
    expect(res.bodyText).toBe('{"category":"AVAIL');
  });

  it('puts an unknown category in an otherwise normal answer', async () => {
    const { pod } = setup();
    pod.faults.add({ route: 'getOwn', category: 'FOCUSING' });
    const res = await call(pod, 'GET', '/v2/user/presence');
    expect(res.json).toMatchObject({ category: 'FOCUSING', userId: Number(pod.defaultUserId) });
    expect(pod.ledger[0]?.faulted).toBe(true);
  });

  it('changes only the named user entry in the pod-wide list', async () => {
    const { pod, internal } = setup();
    const target = pod.users.find((u) => u.id === internal[2] && u.active)!.id;
    pod.faults.add({ route: 'listAll', userId: target, category: 'FOCUSING' });
    const page = (await call(pod, 'GET', '/v2/users/presence')).json as { userId: number; category: string }[];
    const odd = page.filter((e) => e.category === 'FOCUSING');
    expect(odd.map((e) => String(e.userId))).toEqual([target]);
  });

  it('does not fail the pod-wide list for a user-specific status fault', async () => {
    const { pod, internal } = setup();
    pod.faults.add({ userId: internal[0]!, status: 500 });
    expect((await call(pod, 'GET', '/v2/users/presence')).status).toBe(200);
    expect((await readUser(pod, internal[0]!)).status).toBe(500);
  });

  it('hits a limited number of times, then stops; list() shows what is left', async () => {
    const { pod } = setup();
    pod.faults.add({ route: 'getOwn', status: 500, times: 2 });
    expect(pod.faults.list()).toMatchObject([{ status: 500, times: 2 }]);
    expect((await call(pod, 'GET', '/v2/user/presence')).status).toBe(500);
    expect(pod.faults.list()).toMatchObject([{ times: 1 }]);
    expect((await call(pod, 'GET', '/v2/user/presence')).status).toBe(500);
    expect((await call(pod, 'GET', '/v2/user/presence')).status).toBe(200);
    expect(pod.faults.list()).toEqual([]);
  });

  it('can be removed one by one or all at once; the first matching fault wins', async () => {
    const { pod } = setup();
    const removeFirst = pod.faults.add({ status: 502 });
    pod.faults.add({ route: 'getOwn', status: 504 });
    expect((await call(pod, 'GET', '/v2/user/presence')).status).toBe(502);
    removeFirst();
    expect((await call(pod, 'GET', '/v2/user/presence')).status).toBe(504);
    pod.faults.clear();
    expect((await call(pod, 'GET', '/v2/user/presence')).status).toBe(200);
  });

  it("'*' and an omitted route hit every route", async () => {
    const { pod } = setup();
    pod.faults.add({ route: '*', status: 500 });
    for (const [method, path] of [
      ['GET', '/v2/user/presence'],
      ['POST', '/v1/user/presence/register'],
      ['GET', '/v2/users/presence'],
    ] as const) {
      expect((await call(pod, method, path, { body: '[]' })).status).toBe(500);
    }
  });

  it('does not change state when a status fault answers instead', async () => {
    const { pod } = setup();
    const ext = externalUsers(pod, true)[0]!;
    pod.faults.add({ route: 'register', status: 500, times: 1 });
    expect((await register(pod, [ext])).status).toBe(500);
    expect((await readUser(pod, ext)).status).toBe(403);
    pod.faults.add({ route: 'setOwn', status: 503, times: 1 });
    await call(pod, 'POST', '/v2/user/presence', { body: '{"category":"BUSY"}' });
    expect(pod.getUser(pod.defaultUserId)?.category).toBe('AVAILABLE');
  });

  it('matches register faults by any of the ids sent', async () => {
    const { pod } = setup();
    const [a, b] = externalUsers(pod, true) as [UserId, UserId];
    pod.faults.add({ route: 'register', userId: b, status: 500 });
    expect((await register(pod, [a])).status).toBe(200);
    expect((await register(pod, [a, b])).status).toBe(500);
    expect(pod.registrations(b)[0]).toMatchObject({ status: 500, faulted: true, userIds: [a, b] });
  });

  it('fires with the given probability, the same way for the same seed', async () => {
    const run = async (seed: number) => {
      const { pod } = setup(seed);
      pod.faults.add({ route: 'getOwn', status: 500, probability: 0.3 });
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) statuses.push((await call(pod, 'GET', '/v2/user/presence')).status);
      return statuses;
    };
    const first = await run(3);
    const failed = first.filter((s) => s === 500).length;
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(35);
    expect(await run(3)).toEqual(first);
    expect(await run(4)).not.toEqual(first);
  });

  it('adds latency that fake timers control', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const pod = createMockPod({ churn: false });
    pod.faults.add({ route: 'getOwn', latencyMs: 2000, times: 1 });
    let done = false;
    const pending = call(pod, 'GET', '/v2/user/presence').then((r) => {
      done = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(1999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).status).toBe(200);
    expect(pod.ledger[0]?.time).toBe(1_002_000);
  });

  it('rejects bad fault latency', () => {
    const { pod } = setup();
    expect(() => pod.faults.add({ latencyMs: -1 })).toThrow(RangeError);
  });
});
