// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createMemoryGuardStore } from '../../src/server';

// SYM-RI-6: one read of an external user per 5 minutes; SYM-RI-4: a registration lives an hour.
const GAP = 300_000;
const HOUR = 3_600_000;

describe('createMemoryGuardStore: entries end exactly when they lapse', () => {
  it('a registration is live until its hour has passed and not at the instant it lapses (SYM-RI-4)', async () => {
    const store = createMemoryGuardStore();
    await store.recordRegistration('s', ['1'], 0, HOUR);
    expect(await store.isRegistered('s', '1', HOUR - 1)).toBe(true);
    // No sweep runs here (the last one was under a minute ago): the lookup itself decides.
    expect(await store.isRegistered('s', '1', HOUR)).toBe(false);
  });

  it('a tenant is known until its ttl has passed and not at the instant it lapses', async () => {
    const store = createMemoryGuardStore();
    await store.setTenant('s', 189, 0, 1000);
    expect(await store.getTenant('s', 999)).toBe(189);
    expect(await store.getTenant('s', 1000)).toBeUndefined();
  });

  it('a sweep drops registrations and tenants at the instant they lapse, then the empty session', async () => {
    const store = createMemoryGuardStore({ sweepIntervalMs: 1 });
    await store.recordRegistration('s', ['1'], 0, 1000);
    await store.setTenant('s', 189, 0, 1000);
    // Every call sweeps; 'other' only gives the sweep a reason to run.
    await store.getTenant('other', 999);
    expect(store.size()).toEqual({ reads: 0, registrations: 1, tenants: 1, sessions: 1 });
    await store.getTenant('other', 1000);
    expect(store.size()).toEqual({ reads: 0, registrations: 0, tenants: 0, sessions: 0 });
  });

  it('a sweep forgets a session whose only trace is a registration-rate window, one hour after the window opened', async () => {
    const store = createMemoryGuardStore({ sweepIntervalMs: 1 });
    const opened = 5 * HOUR;
    expect((await store.takeRegistration('s', opened, 300, 60_000)).ok).toBe(true);
    await store.getTenant('other', opened + HOUR - 1);
    expect(store.size().sessions).toBe(1);
    await store.getTenant('other', opened + HOUR);
    expect(store.size().sessions).toBe(0);
  });

  it('a sweep keeps a session that still holds a live read claim (SYM-RI-6)', async () => {
    const store = createMemoryGuardStore({ sweepIntervalMs: 1 });
    expect((await store.claimRead('s', '1', 0, GAP)).ok).toBe(true);
    await store.getTenant('other', 1000);
    expect(await store.claimRead('s', '1', 2000, GAP)).toEqual({ ok: false, retryAfterMs: GAP - 2000 });
  });

  it('a claim that lapsed makes way for the next read of the same user, even in a full store (SYM-RI-6)', async () => {
    // No sweep in between: the claim itself must give way.
    const store = createMemoryGuardStore({ maxEntries: 1, sweepIntervalMs: 10 * HOUR });
    expect((await store.claimRead('s', '1', 0, GAP)).ok).toBe(true);
    expect((await store.claimRead('s', '1', GAP, GAP)).ok).toBe(true);
    expect(store.size().reads).toBe(1);
  });

  it('a session at its claim cap drops its lapsed claims before refusing a new one', async () => {
    // Claims of 1 s against the default 60 s sweep: no sweep runs between the calls.
    const store = createMemoryGuardStore({ maxEntriesPerSession: 2 });
    expect((await store.claimRead('s', 'a', 0, 1000)).ok).toBe(true);
    expect((await store.claimRead('s', 'b', 0, 1000)).ok).toBe(true);
    expect((await store.claimRead('s', 'c', 1000, 1000)).ok).toBe(true);
    expect(store.size().reads).toBe(1);
  });

  it('replacing a session tenant counts it once', async () => {
    const store = createMemoryGuardStore();
    await store.setTenant('s', 189, 0, HOUR);
    await store.setTenant('s', 190, 1, HOUR);
    expect(store.size().tenants).toBe(1);
    expect(await store.getTenant('s', 2)).toBe(190);
  });
});

describe('createMemoryGuardStore: renewing and releasing claims', () => {
  it('renews only the claim with the given id: another id leaves the gap where it was (SYM-RI-6)', async () => {
    const store = createMemoryGuardStore();
    const claim = await store.claimRead('s', '1', 0, GAP);
    expect(claim.ok).toBe(true);
    await store.renewRead('s', '1', 'not-this-claim', 100_000, GAP);
    expect((await store.claimRead('s', '1', GAP, GAP)).ok).toBe(true);
  });

  it('renewing or releasing a claim the store no longer holds is a no-op, not an error', async () => {
    // After a restart or a sweep the proxy may still renew or release a claim it made earlier.
    const store = createMemoryGuardStore();
    await expect(store.renewRead('unknown-session', '1', 'c', 0, GAP)).resolves.toBeUndefined();
    await expect(store.releaseRead('unknown-session', '1', 'c')).resolves.toBeUndefined();
    await store.claimRead('s', '1', 0, GAP);
    await expect(store.renewRead('s', 'never-claimed', 'c', 0, GAP)).resolves.toBeUndefined();
    await expect(store.releaseRead('s', 'never-claimed', 'c')).resolves.toBeUndefined();
    expect(store.size().reads).toBe(1);
  });
});

describe('createMemoryGuardStore: options', () => {
  it.each([0, 0.5, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s as a cap with a RangeError naming the option', (value) => {
    expect(() => createMemoryGuardStore({ maxEntries: value })).toThrow(new RangeError('createMemoryGuardStore: maxEntries must be a positive number'));
    expect(() => createMemoryGuardStore({ maxEntriesPerSession: value })).toThrow(
      new RangeError('createMemoryGuardStore: maxEntriesPerSession must be a positive number'),
    );
  });

  it('accepts a cap of 1 and rounds a fractional cap down', async () => {
    const store = createMemoryGuardStore({ maxEntriesPerSession: 1.9, maxEntries: 1 });
    expect((await store.claimRead('s', 'a', 0, GAP)).ok).toBe(true);
    expect((await store.claimRead('s', 'b', 0, GAP)).ok).toBe(false);
  });
});
