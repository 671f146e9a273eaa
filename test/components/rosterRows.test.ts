import { describe, expect, it } from 'vitest';
import { buildRosterRows, countRosterGroups, entryOf, rosterGroupOf, type PresenceRosterPerson } from '../../src/components/rosterRows';
import { resolveRosterLabels, rosterEn } from '../../src/components/rosterLabels';

const collator = new Intl.Collator('en', { sensitivity: 'base' });
const person = (name: string, extra: Partial<PresenceRosterPerson> = {}): PresenceRosterPerson => ({ id: name, name, ...extra });
const entries = [
  entryOf('1', person('Zoë Abebe', { category: 'AVAILABLE', timestamp: 100 })),
  entryOf('2', person('Ada Okafor', { category: 'BUSY', timestamp: 300 })),
  entryOf('3', person('Łukasz Ødegaard', { category: 'AVAILABLE', timestamp: 200, detail: 'Rates desk' })),
  entryOf('4', person('Hana Sato', { status: 'error' })),
  entryOf('5', person('Omar Khan', { status: 'forbidden' })),
  entryOf('6', person('Mei Zhang')),
  entryOf('7', person('Ines Costa', { category: 'SOMETHING_NEW' })),
  entryOf('8', person('Chen Wang', { category: 'OFFLINE', timestamp: 900 })),
];
const names = (rows: ReturnType<typeof buildRosterRows>['rows']) =>
  rows.flatMap((r) => (r.kind === 'group' ? [`[${r.group} ${r.count}]`] : r.entries.map((e) => e.person.name)));

describe('roster groups', () => {
  it.each([
    ['ready', 'AVAILABLE', 'available'],
    ['ready', 'IN_A_MEETING', 'busy'],
    ['ready', 'BE_RIGHT_BACK', 'away'],
    ['ready', 'OFF_WORK', 'away'],
    ['ready', 'OUT_OF_OFFICE', 'out-of-office'],
    ['ready', 'OFFLINE', 'offline'],
    ['ready', 'UNDEFINED', 'unknown'],
    ['ready', 'SOMETHING_NEW', 'unknown'],
    ['loading', undefined, 'loading'],
    ['error', 'AVAILABLE', 'error'],
    ['forbidden', undefined, 'error'],
    ['not-found', undefined, 'error'],
  ] as const)('%s %s is in %s', (status, category, group) => {
    expect(rosterGroupOf(status, category)).toBe(group);
  });

  it('a failed read is counted as such, never as offline or unknown', () => {
    const counts = countRosterGroups(entries);
    expect(counts).toMatchObject({ available: 2, busy: 1, offline: 1, unknown: 1, loading: 1, error: 2 });
    // A failed read keeps no stale category.
    expect(entryOf('x', person('X', { status: 'error', category: 'AVAILABLE' })).category).toBeUndefined();
  });
});

describe('buildRosterRows', () => {
  const base = { filter: 'all', query: '', sort: 'status', grouped: true, columns: 1, collator } as const;

  it('groups in status order with counts, names sorted inside', () => {
    const { rows, shown } = buildRosterRows(entries, base);
    expect(shown).toBe(8);
    expect(names(rows)).toEqual([
      '[available 2]', 'Łukasz Ødegaard', 'Zoë Abebe',
      '[busy 1]', 'Ada Okafor',
      '[offline 1]', 'Chen Wang',
      '[unknown 1]', 'Ines Costa',
      '[loading 1]', 'Mei Zhang',
      '[error 2]', 'Hana Sato', 'Omar Khan',
    ]);
  });

  it('filters by group and finds names without accents, in names and details', () => {
    expect(names(buildRosterRows(entries, { ...base, filter: 'error' }).rows)).toEqual(['[error 2]', 'Hana Sato', 'Omar Khan']);
    expect(names(buildRosterRows(entries, { ...base, query: 'lukasz odegaard' }).rows)).toEqual(['[available 1]', 'Łukasz Ødegaard']);
    expect(buildRosterRows(entries, { ...base, query: 'RATES' }).shown).toBe(1);
    expect(buildRosterRows(entries, { ...base, query: 'nobody' })).toEqual({ rows: [], shown: 0 });
  });

  it('sorts by latest change with no time last, ungrouped', () => {
    const { rows } = buildRosterRows(entries, { ...base, grouped: false, sort: 'recent' });
    expect(names(rows).slice(0, 4)).toEqual(['Chen Wang', 'Ada Okafor', 'Łukasz Ødegaard', 'Zoë Abebe']);
    expect(names(buildRosterRows(entries, { ...base, grouped: false, sort: 'name' }).rows)[0]).toBe('Ada Okafor');
  });

  it('cuts groups into rows of `columns` cards', () => {
    const { rows } = buildRosterRows(entries, { ...base, columns: 3 });
    expect(rows.map((r) => (r.kind === 'group' ? 'g' : r.entries.length))).toEqual(['g', 2, 'g', 1, 'g', 1, 'g', 1, 'g', 1, 'g', 2]);
    expect(buildRosterRows(entries, { ...base, grouped: false, columns: 3 }).rows.map((r) => r.kind === 'people' && r.entries.length)).toEqual([3, 3, 2]);
  });
});

describe('roster labels', () => {
  it('every language has every string', () => {
    for (const lang of ['fr', 'de', 'ja']) {
      const labels = resolveRosterLabels(lang);
      expect(Object.keys(labels).sort()).toEqual(Object.keys(rosterEn).sort());
      expect(labels).not.toEqual(rosterEn);
    }
    expect(resolveRosterLabels('xx', { all: 'Everyone' }).all).toBe('Everyone');
  });
});
