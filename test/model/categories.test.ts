import { describe, expect, it } from 'vitest';
import {
  PRESENCE_CATEGORIES,
  describeCategory,
  getCategoryInfo,
  isKnownCategory,
  settableCategories,
  toExternalView,
  type PresenceCategory,
  type PresenceGlyph,
  type PresenceTone,
} from '../../src/model';

interface ExpectedRow {
  category: PresenceCategory;
  glyph: PresenceGlyph;
  tone: PresenceTone;
  label: string;
  externalView: PresenceCategory;
  deprecated: boolean;
  settable: boolean;
}

/*
 * Written out by hand from the Get Presence table (icon, external view, deprecation) and the
 * SDK's settable enum, so a change to src/model/categories.ts has to be made twice to pass.
 * UNDEFINED has no row in the table: it gets a neutral ring and is not settable.
 */
const EXPECTED: readonly ExpectedRow[] = [
  { category: 'UNDEFINED', glyph: 'ring', tone: 'unknown', label: 'Status not set', externalView: 'UNDEFINED', deprecated: false, settable: false },
  { category: 'AVAILABLE', glyph: 'check', tone: 'available', label: 'Available', externalView: 'AVAILABLE', deprecated: false, settable: true },
  { category: 'BUSY', glyph: 'sign', tone: 'busy', label: 'Busy', externalView: 'BUSY', deprecated: false, settable: true },
  { category: 'DO_NOT_DISTURB', glyph: 'circle', tone: 'busy', label: 'Do not disturb', externalView: 'AWAY', deprecated: true, settable: false },
  { category: 'ON_THE_PHONE', glyph: 'phone', tone: 'busy', label: 'On the phone', externalView: 'ON_THE_PHONE', deprecated: false, settable: true },
  { category: 'BE_RIGHT_BACK', glyph: 'clock', tone: 'away', label: 'Be right back', externalView: 'AWAY', deprecated: false, settable: true },
  { category: 'IN_A_MEETING', glyph: 'phone', tone: 'busy', label: 'In a meeting', externalView: 'IN_A_MEETING', deprecated: false, settable: true },
  { category: 'AWAY', glyph: 'clock', tone: 'away', label: 'Away', externalView: 'AWAY', deprecated: false, settable: true },
  { category: 'OUT_OF_OFFICE', glyph: 'circle', tone: 'out-of-office', label: 'Out of office', externalView: 'OUT_OF_OFFICE', deprecated: false, settable: true },
  { category: 'OFF_WORK', glyph: 'clock', tone: 'away', label: 'Off work', externalView: 'OFFLINE', deprecated: true, settable: true },
  { category: 'OFFLINE', glyph: 'cross', tone: 'offline', label: 'Offline', externalView: 'OFFLINE', deprecated: false, settable: false },
];

/** The enum the official SDKs accept for Set Presence. */
const SDK_SETTABLE = ['AVAILABLE', 'BUSY', 'AWAY', 'ON_THE_PHONE', 'BE_RIGHT_BACK', 'IN_A_MEETING', 'OUT_OF_OFFICE', 'OFF_WORK'];

const UNKNOWN_VALUES: readonly string[] = [
  'available',
  'Available',
  'FOCUSING',
  '',
  ' AVAILABLE',
  'AVAILABLE ',
  '<img src=x onerror=alert(1)>',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'x'.repeat(10_000),
];

describe('PRESENCE_CATEGORIES', () => {
  it('lists exactly the 11 documented categories in spec order', () => {
    expect([...PRESENCE_CATEGORIES]).toEqual(EXPECTED.map((r) => r.category));
    expect(new Set(PRESENCE_CATEGORIES).size).toBe(11);
  });
});

describe.each(EXPECTED)('category $category', (row) => {
  const info = getCategoryInfo(row.category);

  it('is known', () => {
    expect(isKnownCategory(row.category)).toBe(true);
    expect(info).toBeDefined();
    expect(info?.category).toBe(row.category);
  });

  it(`shows a ${row.tone} ${row.glyph}`, () => {
    expect(info?.glyph).toBe(row.glyph);
    expect(info?.tone).toBe(row.tone);
    expect(describeCategory(row.category)).toEqual({ glyph: row.glyph, tone: row.tone, label: row.label, known: true });
  });

  it(`is labelled "${row.label}"`, () => {
    expect(info?.label).toBe(row.label);
  });

  it(`looks like ${row.externalView} from another company`, () => {
    expect(info?.externalView).toBe(row.externalView);
    expect(toExternalView(row.category)).toBe(row.externalView);
  });

  it(`is ${row.deprecated ? '' : 'not '}deprecated`, () => {
    expect(info?.deprecated).toBe(row.deprecated);
    expect(info?.deprecated).toBe(row.category === 'OFF_WORK' || row.category === 'DO_NOT_DISTURB');
  });

  it(`is ${row.settable ? '' : 'not '}settable`, () => {
    expect(info?.settable).toBe(row.settable);
    expect(info?.settable).toBe(SDK_SETTABLE.includes(row.category));
  });

  it('is frozen so no caller can rewrite the shared table', () => {
    expect(Object.isFrozen(info)).toBe(true);
  });
});

describe('external view', () => {
  it('is always a category that maps to itself (the mapping is idempotent)', () => {
    for (const c of PRESENCE_CATEGORIES) {
      const once = toExternalView(c);
      expect(isKnownCategory(once)).toBe(true);
      expect(toExternalView(once)).toBe(once);
    }
  });

  it('never exposes a deprecated category to outsiders', () => {
    for (const c of PRESENCE_CATEGORIES) expect(getCategoryInfo(toExternalView(c))?.deprecated).toBe(false);
  });
});

describe('shapes', () => {
  it('gives same-tone categories different meanings by shape where the table does', () => {
    // BUSY (sign) and DO_NOT_DISTURB (circle) share red; the shape must tell them apart.
    expect(getCategoryInfo('BUSY')?.glyph).not.toBe(getCategoryInfo('DO_NOT_DISTURB')?.glyph);
    // DO_NOT_DISTURB and OUT_OF_OFFICE share the circle; the tone must tell them apart.
    expect(getCategoryInfo('DO_NOT_DISTURB')?.tone).not.toBe(getCategoryInfo('OUT_OF_OFFICE')?.tone);
  });

  it('never uses the unknown glyph for a known category', () => {
    for (const c of PRESENCE_CATEGORIES) expect(describeCategory(c).glyph).not.toBe('unknown');
  });
});

describe('settableCategories', () => {
  it('leaves deprecated categories out by default', () => {
    expect(settableCategories()).toEqual([
      'AVAILABLE',
      'BUSY',
      'ON_THE_PHONE',
      'BE_RIGHT_BACK',
      'IN_A_MEETING',
      'AWAY',
      'OUT_OF_OFFICE',
    ]);
    expect(settableCategories({ includeDeprecated: false })).toEqual(settableCategories());
  });

  it('adds OFF_WORK (and only it) when deprecated ones are asked for', () => {
    const all = settableCategories({ includeDeprecated: true });
    expect([...all].sort()).toEqual([...SDK_SETTABLE].sort());
    expect(all.filter((c) => !settableCategories().includes(c))).toEqual(['OFF_WORK']);
  });

  it('returns a fresh array each time', () => {
    const a = settableCategories();
    a.push('OFFLINE');
    expect(settableCategories()).not.toContain('OFFLINE');
  });
});

describe.each(UNKNOWN_VALUES.map((value) => ({ value, name: value.length > 40 ? `${value.length} chars` : JSON.stringify(value) })))(
  'unknown value $name',
  ({ value }) => {
    it('is not known', () => {
      expect(isKnownCategory(value)).toBe(false);
      expect(getCategoryInfo(value)).toBeUndefined();
    });

    it('passes through the external view unchanged', () => {
      expect(toExternalView(value)).toBe(value);
    });

    it('is described with the neutral unknown glyph', () => {
      expect(describeCategory(value)).toEqual({ glyph: 'unknown', tone: 'unknown', label: 'Unknown status', known: false });
    });
  },
);

describe('isKnownCategory on non-strings', () => {
  it.each([null, undefined, 0, 1, true, {}, [], ['AVAILABLE'], { toString: () => 'AVAILABLE' }, Symbol('AVAILABLE')])(
    'refuses %s',
    (value) => {
      expect(isKnownCategory(value)).toBe(false);
    },
  );
});
