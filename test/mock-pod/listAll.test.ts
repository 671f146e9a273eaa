import { describe, expect, it } from 'vitest';
import { createMockPod, LIST_MAX_LIMIT } from '../../src/mock-pod';
import { compareUserIds, makeUserId, toUserId, type UserId } from '../../src/model';
import { call, fakeClock, T0 } from './podTestUtils';

type Entry = { userId: string; category: string; timestamp: number };

const list = async (pod: ReturnType<typeof createMockPod>, query = '') => {
  const res = await call(pod, 'GET', `/v2/users/presence${query}`);
  expect(res.status).toBe(200);
  // parseJsonLossless keeps long ids as strings; short ones come back as numbers.
  return (res.json as { userId: string | number; category: string; timestamp: number }[]).map(
    (e): Entry => ({ ...e, userId: String(e.userId) }),
  );
};

describe('GET /v2/users/presence', () => {
  const pod = createMockPod({ clock: fakeClock().now, churn: false });
  const activeHome = pod.users.filter((u) => u.tenantId === pod.homeTenantId && u.active);

  it('lists the active users of the caller company, sorted by id, with their presence', async () => {
    const page = await list(pod);
    expect(page.map((e) => e.userId)).toEqual(activeHome.map((u) => u.id));
    expect(activeHome.length).toBeLessThan(240); // some inactive users were left out
    const sample = activeHome[3]!;
    expect(page[3]).toEqual({ userId: sample.id, category: sample.category, timestamp: sample.timestamp });
  });

  it('never lists other companies', async () => {
    const other = pod.users.find((u) => u.tenantId === 190)!;
    const token = pod.createSession({ userId: other.id });
    const res = await call(pod, 'GET', '/v2/users/presence', { token });
    const ids = (res.json as { userId: number }[]).map((e) => String(e.userId));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(pod.getUser(id)?.tenantId).toBe(190);
  });

  it('honours limit, from 1 to 5000', async () => {
    expect(await list(pod, '?limit=1')).toHaveLength(1);
    expect((await list(pod, '?limit=10')).map((e) => e.userId)).toEqual(activeHome.slice(0, 10).map((u) => u.id));
    expect(await list(pod, `?limit=${LIST_MAX_LIMIT}`)).toHaveLength(activeHome.length);
  });

  it('skips ids less than lastUserId and keeps lastUserId itself, as the spec says', async () => {
    const tenth = activeHome[9]!.id;
    const page = await list(pod, `?lastUserId=${tenth}&limit=3`);
    expect(page.map((e) => e.userId)).toEqual(activeHome.slice(9, 12).map((u) => u.id));
    const between = (BigInt(tenth) + 1n).toString();
    expect((await list(pod, `?lastUserId=${between}&limit=1`))[0]?.userId).toBe(activeHome[10]!.id);
    expect(await list(pod, '?lastUserId=0&limit=2')).toHaveLength(2);
    expect(await list(pod, '?lastUserId=9223372036854775807')).toEqual([]);
  });

  it('pages through everything with lastUserId = last id + 1', async () => {
    const seen: string[] = [];
    let last: string | undefined;
    for (let i = 0; i < 100; i++) {
      const page = await list(pod, `?limit=37${last ? `&lastUserId=${last}` : ''}`);
      seen.push(...page.map((e) => e.userId));
      if (page.length < 37) break;
      last = (BigInt(page[page.length - 1]!.userId) + 1n).toString();
    }
    expect(seen).toEqual(activeHome.map((u) => u.id));
  });

  it('sorts numerically, not as text', async () => {
    const ids = [100, 9, 10, 1000].map((n) => makeUserId(0, n));
    const small = createMockPod({ clock: () => T0, churn: false, users: ids.map((id) => ({ id })) });
    const page = await list(small);
    expect(page.map((e) => e.userId)).toEqual(['9', '10', '100', '1000']);
    expect([...ids].sort(compareUserIds)).toEqual(['9', '10', '100', '1000'].map((s) => toUserId(s) as UserId));
  });
});
