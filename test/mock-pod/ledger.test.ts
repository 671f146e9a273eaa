import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMockPod, DEFAULT_SESSION_TOKEN } from '../../src/mock-pod';
import type { UserId } from '../../src/model';
import { call, externalUsers, fakeClock, internalUsers, MINUTE, readUser, register, T0 } from './podTestUtils';

function setup() {
  const clock = fakeClock();
  return { clock, pod: createMockPod({ clock: clock.now, churn: false }) };
}

describe('ledger', () => {
  it('records every request with route, template, url, status and users', async () => {
    const { pod, clock } = setup();
    const ext = externalUsers(pod, true)[0]!;
    const me = pod.defaultUserId;
    await call(pod, 'GET', '/v2/user/presence');
    clock.advance(MINUTE);
    await call(pod, 'POST', '/v2/user/presence?soft=true', { body: '{"category":"BUSY"}' });
    await register(pod, [ext]);
    await readUser(pod, ext, undefined, '?local=false');
    await call(pod, 'GET', '/v2/users/presence?limit=5');
    await call(pod, 'GET', '/nope', { token: null });
    expect(pod.ledger).toEqual([
      { time: T0, method: 'GET', route: 'getOwn', path: '/v2/user/presence', url: '/v2/user/presence', status: 200, userId: me, sessionUserId: me },
      {
        time: T0 + MINUTE, method: 'POST', route: 'setOwn', path: '/v2/user/presence', url: '/v2/user/presence?soft=true',
        status: 200, userId: me, sessionUserId: me,
      },
      {
        time: T0 + MINUTE, method: 'POST', route: 'register', path: '/v1/user/presence/register',
        url: '/v1/user/presence/register', status: 200, userIds: [ext], sessionUserId: me,
      },
      {
        time: T0 + MINUTE, method: 'GET', route: 'getUser', path: '/v3/user/{uid}/presence',
        url: `/v3/user/${ext}/presence?local=false`, status: 200, userId: ext, external: true, sessionUserId: me,
      },
      {
        time: T0 + MINUTE, method: 'GET', route: 'listAll', path: '/v2/users/presence', url: '/v2/users/presence?limit=5',
        status: 200, sessionUserId: me,
      },
      { time: T0 + MINUTE, method: 'GET', route: 'unknown', path: '/nope', url: '/nope', status: 404 },
    ]);
  });

  it('never holds a session token, even one sent in the query by mistake', async () => {
    const { pod } = setup();
    const token = pod.createSession({ userId: pod.defaultUserId });
    const ext = externalUsers(pod, true)[0]!;
    await call(pod, 'GET', `/v2/user/presence?sessionToken=${token}`, { token });
    await call(pod, 'GET', `/v2/users/presence?SESSIONTOKEN=${DEFAULT_SESSION_TOKEN}&limit=2`);
    await register(pod, [ext], token);
    await readUser(pod, ext, token);
    await readUser(pod, ext, 'wrong-token-value');
    const text = JSON.stringify(pod.ledger);
    expect(text).not.toContain(token);
    expect(text).not.toContain(DEFAULT_SESSION_TOKEN);
    expect(text).not.toContain('wrong-token-value');
    expect(pod.ledger[1]?.url).toBe('/v2/users/presence?limit=2');
    expect(pod.ledger).toHaveLength(5);
  });

  it('is a snapshot that later requests do not change; clearLedger empties it', async () => {
    const { pod } = setup();
    await call(pod, 'GET', '/v2/user/presence');
    const seen = pod.ledger;
    await call(pod, 'GET', '/v2/user/presence');
    expect(seen).toHaveLength(1);
    expect(pod.ledger).toHaveLength(2);
    expect(Object.isFrozen(seen[0])).toBe(true);
    pod.clearLedger();
    expect(pod.ledger).toEqual([]);
  });

  it('answers reads(), registrations() and stats()', async () => {
    const { pod } = setup();
    const [a, b] = externalUsers(pod, true) as [UserId, UserId];
    const internal = internalUsers(pod)[0]!;
    await register(pod, [a, b]);
    await readUser(pod, a);
    await readUser(pod, a);
    await readUser(pod, internal);
    await call(pod, 'GET', '/v2/user/presence', { token: null });
    expect(pod.reads().map((e) => e.status)).toEqual([200, 429, 200]);
    expect(pod.reads(a)).toHaveLength(2);
    expect(pod.reads(b)).toHaveLength(0);
    expect(pod.reads(internal)[0]?.external).toBe(false);
    expect(pod.registrations(b)).toHaveLength(1);
    expect(pod.registrations(internal)).toHaveLength(0);
    expect(pod.stats()).toEqual({
      requests: 5,
      byRoute: { register: 1, getUser: 3, getOwn: 1 },
      byStatus: { 200: 3, 429: 1, 401: 1 },
    });
  });
});

describe('latency', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('delays every answer by latencyMs with setTimeout, and can be changed', async () => {
    vi.useFakeTimers({ now: 5_000_000 });
    const pod = createMockPod({ churn: false, latencyMs: 300 });
    let status = 0;
    void call(pod, 'GET', '/v2/user/presence').then((r) => (status = r.status));
    await vi.advanceTimersByTimeAsync(299);
    expect(status).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(status).toBe(200);
    expect(pod.ledger[0]?.time).toBe(5_000_300);

    pod.latencyMs = 0;
    expect((await call(pod, 'GET', '/v2/user/presence')).status).toBe(200);
    expect(() => {
      pod.latencyMs = Number.NaN;
    }).toThrow(RangeError);
    expect(() => createMockPod({ latencyMs: -5 })).toThrow(RangeError);
  });
});
