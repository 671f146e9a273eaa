import { describe, expect, it } from 'vitest';
import { PRESENCE_CATEGORIES, applyIdle, isAffectedByIdle, type PresenceCategory } from '../../src/model';

// The Set Presence "Idle state" note: AVAILABLE and BUSY show as AWAY while idle; nothing else changes.
const WHILE_IDLE: Record<PresenceCategory, PresenceCategory> = {
  UNDEFINED: 'UNDEFINED',
  AVAILABLE: 'AWAY',
  BUSY: 'AWAY',
  DO_NOT_DISTURB: 'DO_NOT_DISTURB',
  ON_THE_PHONE: 'ON_THE_PHONE',
  BE_RIGHT_BACK: 'BE_RIGHT_BACK',
  IN_A_MEETING: 'IN_A_MEETING',
  AWAY: 'AWAY',
  OUT_OF_OFFICE: 'OUT_OF_OFFICE',
  OFF_WORK: 'OFF_WORK',
  OFFLINE: 'OFFLINE',
};

const rows = PRESENCE_CATEGORIES.flatMap((category) => [
  { category, idle: true, shown: WHILE_IDLE[category] },
  { category, idle: false, shown: category },
]);

describe('applyIdle', () => {
  it('has a rule row for every category in both states', () => {
    expect(rows).toHaveLength(PRESENCE_CATEGORIES.length * 2);
  });

  it.each(rows)('$category with idle=$idle shows $shown', ({ category, idle, shown }) => {
    expect(applyIdle(category, idle)).toBe(shown);
  });

  it.each(rows.filter((r) => r.idle))('$category comes back unchanged when the user is active again', ({ category }) => {
    // The chosen category is kept by the caller; applying "active" to it must restore it exactly.
    applyIdle(category, true);
    expect(applyIdle(category, false)).toBe(category);
  });

  it.each(['available', 'busy', 'FOCUSING', '', 'AWAY '])('leaves unknown value %j alone while idle', (value) => {
    expect(applyIdle(value, true)).toBe(value);
    expect(applyIdle(value, false)).toBe(value);
  });
});

describe('isAffectedByIdle', () => {
  it.each(PRESENCE_CATEGORIES.map((c) => ({ category: c, affected: c === 'AVAILABLE' || c === 'BUSY' })))(
    '$category -> $affected',
    ({ category, affected }) => {
      expect(isAffectedByIdle(category)).toBe(affected);
    },
  );

  it('is false for unknown values', () => {
    expect(isAffectedByIdle('FOCUSING')).toBe(false);
    expect(isAffectedByIdle('available')).toBe(false);
  });
});
