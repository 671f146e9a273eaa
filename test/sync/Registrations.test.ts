// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { INTEREST_TTL_MS, type UserId } from '../../src/model';
import { resolveSyncOptions } from '../../src/sync/options';
import { INTEREST_MARGIN_MS, isInterestLive, isRenewalDue } from '../../src/sync/Registrations';
import type { PresenceSync } from '../../src/sync';
import { MINUTE, SECOND, T0, budgetViolations, setupPod, startSync, usersOf } from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
});

describe('dashboard within budget', () => {
  it('never registers internal users and registers external ones before their first read', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const sync = track(startSync(pod));
    sync.retain(internal[0]!);
    sync.retain(external[0]!);
    sync.retain(external[1]!);
    await vi.advanceTimersByTimeAsync(SECOND);
    const register = pod.ledger.filter((e) => e.route === 'register');
    expect(register).toHaveLength(1);
    expect([...register[0]!.userIds!].sort()).toEqual([external[0], external[1]].sort());
    const firstExternalRead = pod.ledger.findIndex((e) => e.route === 'getUser' && e.external);
    expect(firstExternalRead).toBeGreaterThan(pod.ledger.indexOf(register[0]!));
    expect(sync.getState(external[0]!).external).toBe(true);
    expect(sync.getState(internal[0]!).external).toBe(false);
  });

  it('drops registration renewals for users no longer shown', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const sync = track(startSync(pod));
    const releaseA = sync.retain(external[0]!);
    sync.retain(external[1]!);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    releaseA();
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    const renewals = pod.ledger.filter((e) => e.route === 'register').slice(1);
    expect(renewals.length).toBeGreaterThan(0);
    for (const r of renewals) expect(r.userIds).toEqual([external[1]]);
    expect(budgetViolations(pod)).toEqual([]);
  });
});

describe('faults', () => {
  it('an unknown id in a registration batch does not block the others', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const ghost = (BigInt(external[0]!) + 100_000n).toString() as UserId;
    const sync = track(startSync(pod));
    sync.retain(external[0]!);
    sync.retain(ghost);
    sync.retain(external[1]!);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(sync.getState(external[0]!).presence).toBeDefined();
    expect(sync.getState(external[1]!).presence).toBeDefined();
    expect(sync.getState(ghost).error?.kind).toBe('not-found');
    expect(budgetViolations(pod)).toEqual([]);
  });
});

describe('registration lifetime (SYM-RI-4: interest lasts one hour)', () => {
  const at = T0;
  const options = resolveSyncOptions();

  it('is live until a minute before the pod lets it lapse', () => {
    expect(isInterestLive(undefined, at)).toBe(false);
    expect(isInterestLive(at, at)).toBe(true);
    expect(isInterestLive(at, at + INTEREST_TTL_MS - INTEREST_MARGIN_MS - 1)).toBe(true);
    expect(isInterestLive(at, at + INTEREST_TTL_MS - INTEREST_MARGIN_MS)).toBe(false);
  });

  it('is renewed after the renewal time, less the registration window that batches it', () => {
    const due = at + options.registrationRenewMs - options.registrationWindowMs;
    expect(isRenewalDue(undefined, at, options)).toBe(true);
    expect(isRenewalDue(at, due - 1, options)).toBe(false);
    expect(isRenewalDue(at, due, options)).toBe(true);
  });
});
