import { describe, expect, it } from 'vitest';
import { createMockPod, DEFAULT_SESSION_TOKEN } from '../../src/mock-pod';
import { makeUserId, tenantOf } from '../../src/model';
import { call, externalUsers, T0 } from './podTestUtils';

const TWO_POW_53 = 2n ** 53n;

describe('default population', () => {
  const pod = createMockPod({ clock: () => T0, churn: false });

  it('has the three default tenants with realistic sizes', () => {
    const byTenant = new Map<number, number>();
    for (const u of pod.users) byTenant.set(u.tenantId, (byTenant.get(u.tenantId) ?? 0) + 1);
    expect(Object.fromEntries(byTenant)).toEqual({ 189: 240, 190: 120, 200000: 6 });
    expect(pod.homeTenantId).toBe(189);
    expect(pod.users.find((u) => u.tenantId === 190)?.company).toBe('Northwind Bank');
    for (const u of pod.users) expect(tenantOf(u.id)).toBe(u.tenantId);
  });

  it('uses the id from the Symphony docs for the default user, signed in and available', () => {
    expect(pod.defaultUserId).toBe('12987981103203');
    expect(pod.getUser(pod.defaultUserId)).toMatchObject({ category: 'AVAILABLE', online: true, idle: false, active: true });
  });

  it('has users whose ids do not fit in a double, connected to the default user', () => {
    const big = pod.users.filter((u) => BigInt(u.id) > TWO_POW_53);
    expect(big.length).toBeGreaterThanOrEqual(3);
    for (const u of big) {
      expect(u.tenantId).toBe(200000);
      expect(pod.isConnected(pod.defaultUserId, u.id)).toBe(true);
    }
  });

  it('connects the default user to most external users, not all', () => {
    const connected = externalUsers(pod, true).length;
    const unconnected = externalUsers(pod, false).length;
    expect(unconnected).toBeGreaterThan(0);
    expect(connected / (connected + unconnected)).toBeGreaterThan(0.7);
  });

  it('sorts users by id and keeps ids sparse and unique', () => {
    const ids = pod.users.map((u) => BigInt(u.id));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    const home = pod.users.filter((u) => u.tenantId === 189).map((u) => BigInt(u.id));
    const gaps = new Set(home.slice(1).map((id, i) => id - home[i]!));
    expect(gaps.size).toBeGreaterThan(5);
  });

  it('gives varied names and emails', () => {
    const names = new Set(pod.users.map((u) => u.displayName));
    expect(names.size).toBeGreaterThan(250);
    expect(new Set(pod.users.map((u) => u.email)).size).toBe(pod.users.length);
    expect(pod.users.find((u) => u.tenantId === 189)?.email).toMatch(/@acme-capital\.example$/);
  });

  it('mostly shows the everyday categories, with some others and rarely deprecated ones', () => {
    const count = new Map<string, number>();
    for (const u of pod.users) count.set(u.category, (count.get(u.category) ?? 0) + 1);
    const n = pod.users.length;
    const share = (c: string) => (count.get(c) ?? 0) / n;
    for (const c of ['AVAILABLE', 'BUSY', 'AWAY', 'OFFLINE']) expect(share(c)).toBeGreaterThan(0.05);
    expect(share('AVAILABLE') + share('BUSY') + share('AWAY') + share('OFFLINE')).toBeGreaterThan(0.6);
    for (const c of ['IN_A_MEETING', 'ON_THE_PHONE', 'OUT_OF_OFFICE']) expect(count.get(c) ?? 0).toBeGreaterThan(0);
    expect(share('DO_NOT_DISTURB') + share('OFF_WORK')).toBeLessThan(0.06);
    expect(pod.users.some((u) => u.idle && u.category === 'AWAY' && u.chosenCategory !== 'AWAY')).toBe(true);
    expect(pod.users.some((u) => !u.active)).toBe(true);
    for (const u of pod.users.filter((x) => !x.active)) expect(u.online).toBe(false);
  });

  it('stamps presence in the past (minutes to days)', () => {
    for (const u of pod.users) {
      expect(u.timestamp).toBeLessThan(T0);
      expect(u.timestamp).toBeGreaterThan(T0 - 4 * 24 * 3600_000);
    }
  });

  it('is the same for the same seed and clock, different for another seed', () => {
    const again = createMockPod({ clock: () => T0, churn: false });
    expect(again.users).toEqual(pod.users);
    const other = createMockPod({ clock: () => T0, churn: false, seed: 99 });
    expect(other.users.map((u) => u.displayName)).not.toEqual(pod.users.map((u) => u.displayName));
    expect(other.defaultUserId).toBe(pod.defaultUserId);
  });
});

describe('custom population', () => {
  const alice = makeUserId(7, 1);
  const bob = makeUserId(7, 2);
  const carol = makeUserId(8, 1);

  it('takes users, tenants, connections and the default user from options', async () => {
    const pod = createMockPod({
      clock: () => T0,
      churn: false,
      tenants: [
        { id: 7, name: 'Home Co' },
        { id: 8, name: 'Other Co' },
      ],
      users: [
        { id: alice, firstName: 'Alice', lastName: 'Liddell', category: 'BUSY', timestamp: T0 - 5 },
        { id: bob, category: 'OFFLINE' },
        { id: carol, connectedTo: [bob] },
      ],
      defaultUserId: bob,
    });
    expect(pod.homeTenantId).toBe(7);
    expect(pod.defaultUserId).toBe(bob);
    expect(pod.getUser(alice)).toMatchObject({ displayName: 'Alice Liddell', company: 'Home Co', category: 'BUSY', timestamp: T0 - 5 });
    expect(pod.getUser(bob)).toMatchObject({ category: 'OFFLINE', online: false });
    expect(pod.getUser(carol)?.company).toBe('Other Co');
    expect(pod.isConnected(bob, carol)).toBe(true);
    expect(pod.isConnected(alice, carol)).toBe(false);
    const own = await call(pod, 'GET', '/v2/user/presence', { token: DEFAULT_SESSION_TOKEN });
    expect(own.json).toMatchObject({ userId: Number(bob), category: 'OFFLINE' });
  });

  it('defaults the home tenant and default user to the first user', () => {
    const pod = createMockPod({ users: [{ id: carol }, { id: alice }], churn: false });
    expect(pod.homeTenantId).toBe(8);
    expect(pod.defaultUserId).toBe(carol);
  });

  it.each([
    ['no users', { users: [] }],
    ['unknown default user', { users: [{ id: alice }], defaultUserId: bob }],
    ['duplicate user', { users: [{ id: alice }, { id: alice }] }],
    ['connection to an unknown user', { users: [{ id: alice, connectedTo: [bob] }] }],
  ])('refuses %s', (_name, options) => {
    expect(() => createMockPod(options)).toThrow(/createMockPod/);
  });
});
