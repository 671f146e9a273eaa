// @vitest-environment node
/**
 * The engine's tuning: every option's default, floor and ceiling, what a non-finite value falls
 * back to, and the back-off it derives (exponential from the base, capped, with bounded jitter).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, resolveSyncOptions, type PresenceSync } from '../../src/sync';
import { HOUR, MINUTE, SECOND, T0, readsOf, setupPod, startSync, usersOf } from './harness';

describe('resolveSyncOptions', () => {
  it('gives every option its default', () => {
    const random = () => 0.25;
    expect(resolveSyncOptions({ random })).toEqual({
      internalIntervalMs: 60_000,
      externalIntervalMs: 300_000,
      externalSafetyMarginMs: 1000,
      registrationWindowMs: 50,
      registrationChunkSize: 1000,
      registrationRenewMs: 55 * MINUTE,
      backoffBaseMs: 1000,
      backoffMaxMs: 300_000,
      random,
      requestTimeoutMs: 30_000,
      retainUnusedMs: HOUR,
      selfTenant: undefined,
      isExternal: undefined,
    });
    expect(resolveSyncOptions().random).toBe(Math.random);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('falls back to the default for %s', (value) => {
    const all = {
      internalIntervalMs: value,
      externalIntervalMs: value,
      externalSafetyMarginMs: value,
      registrationWindowMs: value,
      registrationChunkSize: value,
      registrationRenewMs: value,
      backoffBaseMs: value,
      backoffMaxMs: value,
      requestTimeoutMs: value,
      retainUnusedMs: value,
    };
    const { random: _r, ...resolved } = resolveSyncOptions(all);
    const { random: _d, ...defaults } = resolveSyncOptions();
    expect(resolved).toEqual(defaults);
  });

  it('raises values under their floors', () => {
    expect(
      resolveSyncOptions({
        internalIntervalMs: 1,
        externalIntervalMs: 1,
        externalSafetyMarginMs: -1,
        registrationWindowMs: -1,
        registrationChunkSize: 0.5,
        registrationRenewMs: 1,
        backoffBaseMs: 1,
        backoffMaxMs: 1,
        requestTimeoutMs: 1,
        retainUnusedMs: 1,
      }),
    ).toMatchObject({
      internalIntervalMs: 10_000,
      externalIntervalMs: 300_000,
      externalSafetyMarginMs: 0,
      registrationWindowMs: 0,
      registrationChunkSize: 1,
      registrationRenewMs: MINUTE,
      backoffBaseMs: 100,
      backoffMaxMs: 1000,
      requestTimeoutMs: 1000,
      retainUnusedMs: 300_000,
    });
  });

  it('keeps values above their floors, rounds the chunk size down, and renews before the hour is over (SYM-RI-4)', () => {
    const options = {
      internalIntervalMs: 10_001,
      externalIntervalMs: 300_001,
      externalSafetyMarginMs: 1,
      registrationWindowMs: 1,
      registrationChunkSize: 2.9,
      registrationRenewMs: 60_001,
      backoffBaseMs: 101,
      backoffMaxMs: 1001,
      requestTimeoutMs: 1001,
      retainUnusedMs: 300_001,
    };
    expect(resolveSyncOptions(options)).toMatchObject({ ...options, registrationChunkSize: 2 });
    expect(resolveSyncOptions({ registrationRenewMs: HOUR }).registrationRenewMs).toBe(59 * MINUTE);
  });
});

describe('backoffDelay', () => {
  const half = () => 0.5;

  it('starts at the base for the first fault and doubles per fault after it', () => {
    expect([1, 2, 3, 4].map((f) => backoffDelay(f, 1000, 300_000, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3].map((f) => backoffDelay(f, 400, 300_000, () => 1))).toEqual([400, 800, 1600]);
  });

  it('treats a count under 1 as the first fault and stops doubling at the cap', () => {
    expect(backoffDelay(0, 1000, 300_000, () => 1)).toBe(1000);
    expect(backoffDelay(-5, 1000, 300_000, () => 1)).toBe(1000);
    expect(backoffDelay(9, 1000, 300_000, () => 1)).toBe(256_000);
    expect(backoffDelay(10, 1000, 300_000, () => 1)).toBe(300_000);
    // 2^30 at most: no Infinity, whatever the count.
    expect(backoffDelay(10_000, 1, Number.MAX_SAFE_INTEGER, () => 1)).toBe(2 ** 30);
  });

  it('jitters within the upper half: random 0 gives half the delay, 1 the whole, values outside [0, 1] are clamped', () => {
    expect(backoffDelay(3, 1000, 300_000, () => 0)).toBe(2000);
    expect(backoffDelay(3, 1000, 300_000, half)).toBe(3000);
    expect(backoffDelay(3, 1000, 300_000, () => 1)).toBe(4000);
    expect(backoffDelay(3, 1000, 300_000, () => 7)).toBe(4000);
    expect(backoffDelay(3, 1000, 300_000, () => -7)).toBe(2000);
  });
});

describe('the engine retries after faults', () => {
  const engines: PresenceSync[] = [];
  afterEach(() => {
    for (const e of engines.splice(0)) e.destroy();
    vi.useRealTimers();
  });

  /** Gaps between the reads of an internal user whose reads all fail with `status`. */
  async function retryGaps(config: Parameters<typeof startSync>[1], fault: { status: number; retryAfter?: string }, forMs: number) {
    const pod = setupPod();
    const id = usersOf(pod).internal[0]!;
    pod.faults.add({ route: 'getUser', userId: id, ...fault });
    const sync = startSync(pod, { persistence: false, ...config });
    engines.push(sync);
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(forMs);
    const times = readsOf(pod, id).map((e) => e.time - T0);
    return times.slice(1).map((t, i) => t - times[i]!);
  }

  // Internal reads at most every 10 s here: each retry waits the longer of that and the back-off.
  it('backs off from backoffBaseMs, doubling per fault, with the jitter the engine is given', async () => {
    const quick = { internalIntervalMs: 10 * SECOND };
    const halved = await retryGaps({ ...quick, backoffBaseMs: 40 * SECOND, random: () => 0 }, { status: 500 }, 3 * MINUTE);
    expect(halved.slice(0, 3)).toEqual([20, 40, 80].map((s) => s * SECOND));
    vi.useRealTimers();
    expect(await retryGaps({ ...quick, backoffBaseMs: 20 * SECOND, random: () => 1 }, { status: 503 }, 5 * MINUTE + SECOND)).toEqual(
      [20, 40, 80, 160].map((s) => s * SECOND),
    );
  });

  it('never backs off longer than backoffMaxMs', async () => {
    const config = { internalIntervalMs: 10 * SECOND, backoffBaseMs: 20 * SECOND, backoffMaxMs: 100 * SECOND, random: () => 1 };
    const gaps = await retryGaps(config, { status: 500 }, 6 * MINUTE);
    expect(gaps.slice(0, 5)).toEqual([20, 40, 80, 100, 100].map((s) => s * SECOND));
  });

  /** When the engine sent each attempt of one own-presence set whose first attempts fail with `fault`. */
  async function setAttempts(config: Parameters<typeof startSync>[1], fault: { status: number; retryAfter?: string }) {
    const pod = setupPod();
    pod.faults.add({ route: 'setOwn', times: 2, ...fault });
    const sync = startSync(pod, { persistence: false, ...config });
    engines.push(sync);
    const at: number[] = [];
    sync.subscribe((e) => {
      if (e.type === 'request' && e.kind === 'set') at.push(e.at - T0);
    });
    const done = sync.setOwnPresence({ category: 'BUSY' });
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    await expect(done).resolves.toMatchObject({ category: 'BUSY' });
    return at;
  }

  it('retries a failed set after the back-off alone, however short', async () => {
    // Base 100 ms with random 0: 50 ms, then 100 ms.
    expect(await setAttempts({ backoffBaseMs: 100, random: () => 0 }, { status: 500 })).toEqual([0, 50, 150]);
  });

  it('waits at least 1 s after a 429, even when Retry-After asks for less', async () => {
    expect(await setAttempts({ backoffBaseMs: 100, random: () => 0 }, { status: 429, retryAfter: '0' })).toEqual([0, 1000, 2000]);
  });
});
