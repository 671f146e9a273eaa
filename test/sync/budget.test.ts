import { describe, expect, it } from 'vitest';
import { EXTERNAL_READ_GAP_MS, makeUserId } from '../../src/model';
import { externalGap, externalGapStart, isExternalUser, listingDue, nextDue } from '../../src/sync/budget';
import { resolveSyncOptions } from '../../src/sync/options';

const options = resolveSyncOptions();
const NOW = 1_000_000_000;
const home = makeUserId(190, 7);
const other = makeUserId(191, 7);

describe('isExternalUser (who spends the 5-minute budget, SYM-RI-6)', () => {
  it('compares tenants once the requesting user is known', () => {
    expect(isExternalUser(other, { selfTenant: 190 })).toBe(true);
    expect(isExternalUser(home, { selfTenant: 190 })).toBe(false);
  });

  it('does not guess while the requesting tenant is unknown', () => {
    expect(isExternalUser(other, { selfTenant: undefined })).toBeUndefined();
  });

  it('an app rule overrides the tenants, and sources without external limits have no externals', () => {
    expect(isExternalUser(home, { selfTenant: 190, isExternal: () => true })).toBe(true);
    expect(isExternalUser(other, { selfTenant: 190, isExternal: () => false })).toBe(false);
    expect(isExternalUser(other, { selfTenant: 190, isExternal: () => true, externalLimits: false })).toBe(false);
    expect(isExternalUser(other, { selfTenant: 190, externalLimits: true })).toBe(true);
  });
});

describe('externalGap', () => {
  it('is Symphony gap plus the safety margin, or the longer interval asked for', () => {
    expect(externalGap(options)).toBe(EXTERNAL_READ_GAP_MS + 1000);
    expect(externalGap({ externalIntervalMs: EXTERNAL_READ_GAP_MS, externalSafetyMarginMs: 0 })).toBe(EXTERNAL_READ_GAP_MS);
    expect(externalGap({ externalIntervalMs: 10 * 60_000, externalSafetyMarginMs: 1000 })).toBe(10 * 60_000);
    expect(externalGap({ externalIntervalMs: EXTERNAL_READ_GAP_MS + 1000, externalSafetyMarginMs: 2000 })).toBe(
      EXTERNAL_READ_GAP_MS + 2000,
    );
  });
});

describe('nextDue', () => {
  const base = { lastReadAt: undefined, retryAt: 0, answered: false, external: false };

  it('a key never read is due now, unless a back-off says later', () => {
    expect(nextDue(base, NOW, options)).toBe(NOW);
    expect(nextDue({ ...base, external: true }, NOW, options)).toBe(NOW);
    expect(nextDue({ ...base, retryAt: NOW + 5 }, NOW, options)).toBe(NOW + 5);
    expect(nextDue({ ...base, retryAt: NOW - 5 }, NOW, options)).toBe(NOW);
  });

  it('an internal user is read one internal interval after an answered read', () => {
    const last = NOW - 1000;
    expect(nextDue({ ...base, lastReadAt: last, answered: true }, NOW, options)).toBe(last + options.internalIntervalMs);
  });

  it('an internal first load nobody has seen yet may come at once', () => {
    expect(nextDue({ ...base, lastReadAt: NOW - 1000 }, NOW, options)).toBe(NOW);
  });

  it('an external user waits the whole gap, answered or not', () => {
    const last = NOW - 1000;
    const gap = EXTERNAL_READ_GAP_MS + options.externalSafetyMarginMs;
    expect(nextDue({ ...base, lastReadAt: last, external: true }, NOW, options)).toBe(last + gap);
    expect(nextDue({ ...base, lastReadAt: last, external: true, answered: true }, NOW, options)).toBe(last + gap);
  });

  it('the later of the budget and the back-off wins', () => {
    const last = NOW - 1000;
    const due = last + options.internalIntervalMs;
    expect(nextDue({ ...base, lastReadAt: last, answered: true, retryAt: due + 1 }, NOW, options)).toBe(due + 1);
    expect(nextDue({ ...base, lastReadAt: last, answered: true, retryAt: due - 1 }, NOW, options)).toBe(due);
  });
});

describe('externalGapStart', () => {
  it('counts from the end of the read, and one timeout later when the read was given up', () => {
    expect(externalGapStart(NOW, false, options)).toBe(NOW);
    expect(externalGapStart(NOW, true, options)).toBe(NOW + options.requestTimeoutMs);
  });
});

describe('listingDue', () => {
  it('is at once the first time, one internal interval after the last, and never before a back-off', () => {
    expect(listingDue(undefined, 0, options)).toBe(0);
    expect(listingDue(undefined, NOW, options)).toBe(NOW);
    expect(listingDue(NOW, 0, options)).toBe(NOW + options.internalIntervalMs);
    expect(listingDue(NOW, NOW + options.internalIntervalMs + 1, options)).toBe(NOW + options.internalIntervalMs + 1);
  });
});
