// @vitest-environment node
/**
 * The proxy's guard of Symphony's per-session limits, on its own: SYM-RI-6 (one read of an
 * external user per 5 minutes), SYM-RI-3/SYM-GUP-3 (registered interest first), SYM-RI-4 (a
 * registration lives an hour), and the bounded registration rate; what it answers when its
 * store fails.
 */
import { describe, expect, it, vi } from 'vitest';
import type { UserId } from '../../src/model';
import { createMemoryGuardStore, type PresenceGuardStore } from '../../src/server';
import { createPresenceGuard, type PresenceGuardOptions } from '../../src/server/createPresenceGuard';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const USER = '13056700580915' as UserId;

function rig(extra: Partial<PresenceGuardOptions> = {}) {
  const clock = { t: 1_000_000 };
  const store = createMemoryGuardStore();
  const report = vi.fn();
  const guard = createPresenceGuard({ store, now: () => clock.t, report, ...extra });
  return { clock, store, guard, report };
}

/** A store whose every call fails, as a Redis that went away. */
const brokenStore = (): PresenceGuardStore =>
  new Proxy({} as PresenceGuardStore, { get: () => () => Promise.reject(new Error('store down')) });

describe('createPresenceGuard', () => {
  it('refuses the read of an unregistered external user with 428 (SYM-RI-3)', async () => {
    const { guard } = rig();
    expect(await guard.claimExternalRead('s', USER)).toEqual({
      ok: false,
      status: 428,
      message: 'Register interest in this external user first (POST /v1/user/presence/register)',
    });
  });

  it('lets one read through per gap and answers 429 with the seconds left, at least 1 (SYM-RI-6)', async () => {
    const { guard, clock } = rig();
    await guard.recordRegistration('s', [USER], clock.t);
    expect(await guard.claimExternalRead('s', USER)).toMatchObject({ ok: true, claimId: expect.any(String) });
    clock.t += 60_500;
    expect(await guard.claimExternalRead('s', USER)).toEqual({
      ok: false,
      status: 429,
      message: "This session may read an external user's presence once every 5 minutes",
      retryAfterSeconds: 240,
    });
    // Half a second left: rounded up to 1.
    clock.t += 239_000;
    expect(await guard.claimExternalRead('s', USER)).toMatchObject({ status: 429, retryAfterSeconds: 1 });
  });

  it.each([
    [301_000, '301 seconds'],
    [10 * MINUTE, '10 minutes'],
  ])('names a gap of %i ms as %s', async (gap, words) => {
    const { guard, clock } = rig({ externalReadGapMs: gap });
    expect(guard.externalReadGapMs).toBe(gap);
    await guard.recordRegistration('s', [USER], clock.t);
    await guard.claimExternalRead('s', USER);
    expect(await guard.claimExternalRead('s', USER)).toMatchObject({ message: `This session may read an external user's presence once every ${words}` });
  });

  it('never uses a gap under Symphony’s 5 minutes (SYM-RI-6)', () => {
    expect(rig({ externalReadGapMs: MINUTE }).guard.externalReadGapMs).toBe(5 * MINUTE);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '300000' as never])('refuses %s as a duration or count, naming the option and its owner', (value) => {
    const store = createMemoryGuardStore();
    expect(() => createPresenceGuard({ store, externalReadGapMs: value })).toThrow(new RangeError('createPresenceGuard: externalReadGapMs must be a positive number'));
    expect(() => createPresenceGuard({ store, registrationTtlMs: value }, 'createPresenceProxy')).toThrow(
      new RangeError('createPresenceProxy: registrationTtlMs must be a positive number'),
    );
    expect(() => createPresenceGuard({ store, maxRegistrationsPerMinute: value })).toThrow(/maxRegistrationsPerMinute must be a positive number/);
  });

  it('gives a claim back when the pod refused the call before reading (400, 401, 403, 404)', async () => {
    for (const status of [400, 401, 403, 404]) {
      const { guard, clock } = rig();
      await guard.recordRegistration('s', [USER], clock.t);
      const claim = await guard.claimExternalRead('s', USER);
      await guard.settleExternalRead('s', USER, (claim as { claimId: string }).claimId, status);
      expect((await guard.claimExternalRead('s', USER)).ok, `after ${status}`).toBe(true);
    }
  });

  it('restarts the gap when the pod answered anything else, or nothing (SYM-RI-6)', async () => {
    for (const status of [200, 429, 500, undefined]) {
      const { guard, clock } = rig();
      await guard.recordRegistration('s', [USER], clock.t);
      const claim = await guard.claimExternalRead('s', USER);
      clock.t += MINUTE;
      await guard.settleExternalRead('s', USER, (claim as { claimId: string }).claimId, status);
      clock.t += 5 * MINUTE - 1;
      expect(await guard.claimExternalRead('s', USER), `after ${status}`).toMatchObject({ status: 429, retryAfterSeconds: 1 });
    }
  });

  it('limits registration requests to maxRegistrationsPerMinute (whole), with the wait in seconds', async () => {
    const { guard, clock } = rig({ maxRegistrationsPerMinute: 2.9 });
    expect(await guard.takeRegistration('s')).toEqual({ ok: true });
    expect(await guard.takeRegistration('s')).toEqual({ ok: true });
    clock.t += 20_000;
    expect(await guard.takeRegistration('s')).toEqual({
      ok: false,
      status: 429,
      message: 'This session may register interest at most 2 times a minute',
      retryAfterSeconds: 40,
    });
  });

  it('counts a registration’s hour from when its request was sent (SYM-RI-4)', async () => {
    const { guard, clock, store } = rig();
    const sentAt = clock.t;
    clock.t += 10 * MINUTE;
    await guard.recordRegistration('s', [USER], sentAt);
    expect(await store.isRegistered('s', USER, sentAt + HOUR - 1)).toBe(true);
    expect(await store.isRegistered('s', USER, sentAt + HOUR)).toBe(false);
  });

  it('records nothing for a registration whose hour is already over, and a full hour for a clock that ran behind', async () => {
    const { guard, clock, store } = rig({ registrationTtlMs: 10 * MINUTE });
    await guard.recordRegistration('s', [USER], clock.t - 10 * MINUTE);
    expect(store.size().registrations).toBe(0);
    await guard.recordRegistration('s', [USER], clock.t + MINUTE);
    expect(await store.isRegistered('s', USER, clock.t + 10 * MINUTE - 1)).toBe(true);
    expect(await store.isRegistered('s', USER, clock.t + 10 * MINUTE)).toBe(false);
  });

  it('answers 503 and reports when its store fails, and never throws', async () => {
    const report = vi.fn();
    const guard = createPresenceGuard({ store: brokenStore(), report });
    const unavailable = { ok: false, status: 503, message: 'Presence guard unavailable', retryAfterSeconds: 5 };
    expect(await guard.claimExternalRead('s', USER)).toEqual(unavailable);
    expect(await guard.takeRegistration('s')).toEqual(unavailable);
    await guard.settleExternalRead('s', USER, 'c', 200);
    await guard.settleExternalRead('s', USER, 'c', 404);
    await guard.recordRegistration('s', [USER], Date.now());
    expect(report.mock.calls.map(([error, route]) => [(error as Error).message, route])).toEqual([
      ['store down', 'getUser'],
      ['store down', 'register'],
      ['store down', 'getUser'],
      ['store down', 'getUser'],
      ['store down', 'register'],
    ]);
    // Without a report callback the failures are still absorbed.
    const silent = createPresenceGuard({ store: brokenStore() });
    expect(await silent.claimExternalRead('s', USER)).toEqual(unavailable);
  });
});
