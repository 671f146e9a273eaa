import { getCategoryInfo, type CategoryValue, type PresenceGraphDetails, type UserIdInput } from '../model';
import { presenceNote } from './presenceNote';
import type { PresenceStatus } from './usePresenceBadgeState';

/**
 * The roster's groups, in the order they are shown: the five colour families of the badges,
 * then people with no status, then those still loading and those whose status could not be
 * read. A failed read is its own group and never counts as offline or unknown.
 */
export const ROSTER_GROUPS = ['available', 'busy', 'away', 'out-of-office', 'offline', 'unknown', 'loading', 'error'] as const;

/** One of {@link ROSTER_GROUPS}. */
export type RosterGroup = (typeof ROSTER_GROUPS)[number];

/** Which people the roster shows: everyone, or one group. */
export type RosterFilter = RosterGroup | 'all';

/** Order of people (inside each group when grouped). */
export type RosterSort = 'status' | 'name' | 'recent';

/** A person on a {@link PresenceRoster}. */
export interface PresenceRosterPerson {
  /** User id; also the React key, so ids must be unique in one roster. */
  id: UserIdInput;
  /** Display name, shown and searched. */
  name: string;
  /** Picture URL; initials without one. */
  src?: string | undefined;
  /** Second line (company, desk, role). Searched too. */
  detail?: string | undefined;
  /** Presence when the roster is given its data (ignored when it reads live from a provider). */
  category?: CategoryValue | undefined;
  /** Non-data state when the roster is given its data. @default 'ready' when `category` is set, else 'loading' */
  status?: PresenceStatus | undefined;
  /** When `category` was set (milliseconds since 1970), for the "Latest change" sort. */
  timestamp?: number | undefined;
  /** Microsoft Graph's state behind `category`. */
  graph?: PresenceGraphDetails | undefined;
}

/** A person with the presence the roster shows for them. */
export interface RosterEntry {
  readonly key: string;
  readonly person: PresenceRosterPerson;
  readonly status: PresenceStatus;
  readonly category: CategoryValue | undefined;
  readonly timestamp: number | undefined;
  readonly graph: PresenceGraphDetails | undefined;
  readonly group: RosterGroup;
  /** The person's status message or out-of-office reply, when they have one. */
  readonly note: string | undefined;
}

/** A row of the virtual grid: a group's heading, or up to `columns` people. */
export type RosterRow =
  | { readonly kind: 'group'; readonly key: string; readonly group: RosterGroup; readonly count: number }
  | { readonly kind: 'people'; readonly key: string; readonly entries: readonly RosterEntry[] };

/** The group a presence belongs to. Forbidden and not-found reads count as "could not read". */
export function rosterGroupOf(status: PresenceStatus, category: CategoryValue | undefined): RosterGroup {
  if (status === 'loading') return 'loading';
  if (status !== 'ready') return 'error';
  const tone = category === undefined ? undefined : getCategoryInfo(category)?.tone;
  return tone === undefined ? 'unknown' : tone;
}

/** Builds an entry from a person given with their data. */
export function entryOf(
  key: string,
  person: PresenceRosterPerson,
  data: Pick<PresenceRosterPerson, 'category' | 'status' | 'timestamp' | 'graph'> = person,
  now: number = Date.now(),
): RosterEntry {
  const status = data.status ?? (data.category === undefined ? 'loading' : 'ready');
  const category = status === 'ready' ? data.category : undefined;
  return {
    key,
    person,
    status,
    category,
    timestamp: status === 'ready' ? data.timestamp : undefined,
    graph: status === 'ready' ? data.graph : undefined,
    group: rosterGroupOf(status, category),
    note: status === 'ready' ? presenceNote(data.graph, now) : undefined,
  };
}

/** People per group. */
export function countRosterGroups(entries: readonly RosterEntry[]): Record<RosterGroup, number> {
  const counts = Object.fromEntries(ROSTER_GROUPS.map((g) => [g, 0])) as Record<RosterGroup, number>;
  for (const e of entries) counts[e.group] += 1;
  return counts;
}

/** Options of {@link buildRosterRows}. */
export interface RosterRowOptions {
  filter: RosterFilter;
  /** Case- and accent-insensitive text looked for in names and details. */
  query: string;
  sort: RosterSort;
  /** Heading rows per group. */
  grouped: boolean;
  /** People per row (cards side by side). */
  columns: number;
  /** Compares names in the page's language. */
  collator: Intl.Collator;
}

/** Letters that carry no combining mark in Unicode, so NFD leaves them whole. */
const LETTERS: Readonly<Record<string, string>> = { ł: 'l', ø: 'o', đ: 'd', ß: 'ss', æ: 'ae', œ: 'oe', ı: 'i' };

/** "Łukasz Ødegaard" and "lukasz odegaard" fold to the same text. */
const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[łøđßæœı]/g, (c) => LETTERS[c] ?? c);

/**
 * The rows to show: filtered, sorted, grouped and cut into rows of `columns` people.
 * `shown` is the number of people left after the filter and the search.
 */
export function buildRosterRows(entries: readonly RosterEntry[], options: RosterRowOptions): { rows: RosterRow[]; shown: number } {
  const { filter, sort, grouped, collator } = options;
  const columns = Math.max(1, Math.floor(options.columns));
  const query = fold(options.query.trim());
  const matches = entries.filter(
    (e) =>
      (filter === 'all' || e.group === filter) &&
      (query === '' || fold(e.person.name).includes(query) || (e.person.detail !== undefined && fold(e.person.detail).includes(query))),
  );
  const rank = (g: RosterGroup): number => ROSTER_GROUPS.indexOf(g);
  const byName = (a: RosterEntry, b: RosterEntry): number => collator.compare(a.person.name, b.person.name);
  const compare = (a: RosterEntry, b: RosterEntry): number => {
    if (sort === 'recent') {
      // People with no time (loading, failed, never set) go last rather than first.
      const d = (b.timestamp ?? -Infinity) - (a.timestamp ?? -Infinity);
      if (d !== 0 && !Number.isNaN(d)) return d;
    }
    if (sort === 'status' || grouped) {
      const d = rank(a.group) - rank(b.group);
      if (d !== 0) return d;
    }
    return byName(a, b);
  };
  const sorted = [...matches].sort((a, b) => (grouped ? rank(a.group) - rank(b.group) || compare(a, b) : compare(a, b)));

  const rows: RosterRow[] = [];
  const pushPeople = (list: readonly RosterEntry[]) => {
    for (let i = 0; i < list.length; i += columns) {
      const slice = list.slice(i, i + columns);
      rows.push({ kind: 'people', key: `p:${slice[0]!.key}`, entries: slice });
    }
  };
  if (!grouped) {
    pushPeople(sorted);
  } else {
    let start = 0;
    while (start < sorted.length) {
      const group = sorted[start]!.group;
      let end = start;
      while (end < sorted.length && sorted[end]!.group === group) end++;
      rows.push({ kind: 'group', key: `g:${group}`, group, count: end - start });
      pushPeople(sorted.slice(start, end));
      start = end;
    }
  }
  return { rows, shown: matches.length };
}
