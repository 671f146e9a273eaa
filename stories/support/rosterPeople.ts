import type { PresenceRosterPerson } from '../../src/components';
import { mulberry32 } from '../../src/mock-pod/mulberry32';
import { PRESENCE_CATEGORIES, type CategoryValue } from '../../src/model';

const FIRST = [
  'Aisha', 'Akira', 'Alejandro', 'Amara', 'Anders', 'Beatriz', 'Camille', 'Chen', 'Chiara', 'Daniel', 'Dmitri', 'Elena',
  'Emeka', 'Fatima', 'Felix', 'Freya', 'Hana', 'Ibrahim', 'Ines', 'Ji-woo', 'Kwame', 'Laila', 'Lucia', 'Mei', 'Niamh',
  'Omar', 'Priya', 'Rafael', 'Sofia', 'Yusuf', 'Zoë', 'Łukasz',
];
const LAST = [
  'Okafor', 'Tanaka', 'Garcia', 'Nguyen', 'Hansen', 'Costa', 'Dubois', 'Wang', 'Rossi', 'Becker', 'Petrov', 'Popescu',
  'Adeyemi', 'Rahman', 'Wagner', 'Larsen', 'Sato', 'Haddad', 'Fernandes', 'Kim', 'Abebe', 'Khan', 'Lopez', 'Zhang',
  'Murphy', "N'Diaye", 'Patel', 'Silva', 'Torres', 'Singh', 'Müller', 'Ødegaard',
];
const DESKS = ['Rates', 'FX', 'Credit', 'Equities', 'Commodities', 'Operations', 'Compliance', 'Sales'];

/** Options of {@link rosterPeople}. */
export interface RosterPeopleOptions {
  /** Share of people whose read failed (error, forbidden, not found). @default 0.01 */
  failed?: number;
  /** Share still loading. @default 0 */
  loading?: number;
}

/**
 * `count` made-up people with given statuses, the same on every load (seeded). Ids are 64-bit
 * Symphony-style ids of one tenant; categories follow a desk's day (mostly available or busy).
 */
export function rosterPeople(count: number, { failed = 0.01, loading = 0 }: RosterPeopleOptions = {}): PresenceRosterPerson[] {
  const random = mulberry32(20261130);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const weights: readonly [CategoryValue, number][] = [
    ['AVAILABLE', 34], ['BUSY', 14], ['IN_A_MEETING', 12], ['ON_THE_PHONE', 6], ['DO_NOT_DISTURB', 2],
    ['AWAY', 8], ['BE_RIGHT_BACK', 4], ['OUT_OF_OFFICE', 4], ['OFF_WORK', 2], ['OFFLINE', 12], ['UNDEFINED', 1],
    ['SOMETHING_NEW', 1],
  ];
  const total = weights.reduce((s, [, w]) => s + w, 0);
  const category = (): CategoryValue => {
    let r = random() * total;
    for (const [c, w] of weights) if ((r -= w) < 0) return c;
    return PRESENCE_CATEGORIES[1];
  };
  const base = 13_056_700_000_000n; // tenant 190 in bits 36-62
  const now = Date.UTC(2026, 10, 30, 9, 0);
  return Array.from({ length: count }, (_, i) => {
    const name = `${pick(FIRST)} ${pick(LAST)}`;
    const roll = random();
    const person: PresenceRosterPerson = {
      id: String(base + BigInt(i * 7 + 1)),
      name,
      detail: `${pick(DESKS)} desk`,
    };
    if (roll < failed) return { ...person, status: i % 3 === 0 ? 'forbidden' : 'error' };
    if (roll < failed + loading) return { ...person, status: 'loading' };
    return { ...person, category: category(), timestamp: now - Math.floor(random() * 8 * 3600_000) };
  });
}
